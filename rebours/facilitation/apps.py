from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    name = "rebours.facilitation"
    label = "facilitation"
    verbose_name = _("The live day")

    def ready(self) -> None:
        from rebours.facilitation import commands

        commands.register()
