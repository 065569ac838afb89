from django.contrib import admin

from rebours.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The log, staff's entries and those of no workshop included: read it, never rewrite it."""

    list_display = ("at", "workshop_slug", "actor_label", "action", "target_label")
    list_filter = ("action", "workshop_slug")
    search_fields = ("actor_label", "target_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
