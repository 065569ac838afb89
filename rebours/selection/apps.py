from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "rebours.selection"
    label = "selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from rebours.live.registry import register_stream
        from rebours.selection.permissions import can_read_stream

        register_stream("selection", can_read_stream)
