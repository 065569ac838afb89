from django.contrib import admin

from rebours.review.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("proposal", "triage", "updated_at")
    list_filter = ("triage", "proposal__workshop")
