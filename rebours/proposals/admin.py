from django.contrib import admin

from rebours.proposals.actions import keep_baseline, record_admin_edit
from rebours.proposals.models import Proposal, ProposalVersion
from rebours.proposals.search import search_text_for


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "workshop", "theme", "letter", "kind", "origin")
    list_filter = ("workshop", "kind", "origin")
    search_fields = ("title", "summary", "search_text")
    readonly_fields = ("version", "search_text")

    def save_model(self, request, obj, form, change):
        # The admin edits outside the version checks of the editor: record it as a new version,
        # kept in the history like any other, so that editors' saves still merge against it.
        obj.search_text = search_text_for(obj)
        before = keep_baseline(obj.pk) if change else {}
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            record_admin_edit(obj, actor=request.user, before=before)


@admin.register(ProposalVersion)
class ProposalVersionAdmin(admin.ModelAdmin):
    """The history: read it here; restoring goes through the history page, as a new version."""

    list_display = ("proposal", "number", "kind", "author_name", "created_at")
    list_filter = ("kind", "proposal__workshop")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
