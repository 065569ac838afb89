from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "rebours.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from rebours.workshops.actions import register_purgers

        register_purgers()
