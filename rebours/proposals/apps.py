from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "rebours.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from rebours.core import retention
        from rebours.proposals import live
        from rebours.proposals.actions import purge_history_names
        from rebours.workshops.actions import RETENTION_KIND

        live.register()
        retention.register(RETENTION_KIND, "history_names", purge_history_names)
