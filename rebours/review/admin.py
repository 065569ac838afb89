from django.contrib import admin

from rebours.review.models import Duplicate, Initiative, Review, TriageChange


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("proposal", "triage", "reviewer", "reviewed_at", "updated_at")
    list_filter = ("triage", "proposal__workshop")


@admin.register(TriageChange)
class TriageChangeAdmin(admin.ModelAdmin):
    """The audit: read it here, never rewrite it."""

    list_display = ("proposal", "previous", "triage", "by_name", "at")
    list_filter = ("triage", "proposal__workshop")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ("title", "place", "workshop", "imported_at")
    list_filter = ("workshop",)
    search_fields = ("title", "description", "place")


@admin.register(Duplicate)
class DuplicateAdmin(admin.ModelAdmin):
    list_display = ("other", "kept", "marked_at", "merged_at")
