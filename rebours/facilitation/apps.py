from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    name = "rebours.facilitation"
    label = "facilitation"
    verbose_name = _("The live day")

    def ready(self) -> None:
        from rebours.core import retention
        from rebours.facilitation import commands
        from rebours.facilitation.actions import purge_live_events
        from rebours.workshops.actions import RETENTION_KIND

        commands.register()
        retention.register(RETENTION_KIND, "live_events", purge_live_events)
