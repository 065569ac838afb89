from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookletConfig(AppConfig):
    name = "rebours.booklet"
    label = "booklet"
    verbose_name = _("Booklet")
