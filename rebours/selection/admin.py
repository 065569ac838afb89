from django.contrib import admin

from rebours.selection.models import Ballot, Favourite, Selection


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ("workshop", "status", "closes_at", "rule", "ungraded", "results_visibility")
    list_filter = ("status",)


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("selection", "voter", "college", "updated_at")
    list_filter = ("selection__workshop", "college")


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("selection", "by", "proposal")
