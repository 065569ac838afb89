"""A snapshot of everything an import could write, to prove that a refused one wrote nothing."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def snapshot() -> dict[str, object]:
    counts: dict[str, object] = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"workshops", "board", "proposals", "review", "selection"}
    }
    media = Path(settings.MEDIA_ROOT)
    counts["media files"] = sorted(
        str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()
    )
    return counts
