from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rebours.core"
    label = "core"
    verbose_name = "Rebours"
