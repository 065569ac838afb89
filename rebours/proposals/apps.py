from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "rebours.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from rebours.proposals import live

        live.register()
