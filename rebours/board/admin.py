from django.contrib import admin

from rebours.board.models import Cluster, Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("text", "theme", "author", "cluster")
    list_filter = ("theme__workshop",)
    search_fields = ("text",)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "theme")
