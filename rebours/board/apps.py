from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "rebours.board"
    label = "board"
    verbose_name = _("The board")

    def ready(self) -> None:
        from rebours.board import commands

        commands.register()
