from django.contrib import admin

from rebours.workshops.models import (
    AgendaItem,
    Contact,
    Lesson,
    Person,
    PressArticle,
    Theme,
    ThemeMembership,
    Workshop,
)


class ThemeInline(admin.TabularInline):
    model = Theme
    fields = ("position", "key", "title", "challenge")
    extra = 0
    show_change_link = True


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    fields = ("position", "key", "kind", "title", "starts_at", "minutes")
    extra = 0


class PressInline(admin.StackedInline):
    model = PressArticle
    fk_name = "workshop"
    fields = ("position", "key", "headline", "lede", "dated", "theme")
    extra = 0


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "held_on", "venue", "horizon_year", "published")
    search_fields = ("title", "slug", "venue")
    list_filter = ("published",)
    inlines = [PressInline, AgendaInline, ThemeInline, LessonInline, ContactInline]


class MembershipInline(admin.TabularInline):
    model = ThemeMembership
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "workshop", "challenge", "position")
    list_filter = ("workshop",)
    search_fields = ("title", "challenge", "question")
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("display_name", "workshop", "key", "organisation", "credit_by_name")
    list_filter = ("workshop", "credit_by_name")
    search_fields = ("display_name", "key", "organisation")
