from django.contrib import admin

from rebours.proposals.models import Proposal
from rebours.proposals.search import search_text_for


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "workshop", "theme", "letter", "kind", "origin")
    list_filter = ("workshop", "kind", "origin")
    search_fields = ("title", "summary", "search_text")
    readonly_fields = ("version", "search_text")

    def save_model(self, request, obj, form, change):
        # The admin edits outside the version checks of the editor: record it as a new version.
        obj.search_text = search_text_for(obj)
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
