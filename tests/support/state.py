"""A snapshot of everything an action could write, to prove that a refused or failed one wrote
nothing: every row of every Rebours table (the live event log included) and of the accounts,
compared field by field, and every file under the media folder."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

# Written by any request (sessions) or by Django itself, never by an action.
LEFT_OUT = {"sessions", "admin", "contenttypes"}
# Bookkeeping of who came, written by signing in or using a token whatever the request does.
FIELDS_LEFT_OUT = {"auth.User": {"last_login"}, "api.ApiToken": {"last_used_at"}}


def snapshot() -> dict[str, object]:
    state: dict[str, object] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in LEFT_OUT:
            continue
        if not (model.__module__.startswith("rebours.") or meta.app_label == "auth"):
            continue
        left_out = FIELDS_LEFT_OUT.get(meta.label, set())
        fields = [f.attname for f in meta.concrete_fields if f.name not in left_out]
        state[meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    media = Path(settings.MEDIA_ROOT)
    state["media files"] = sorted(
        str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()
    )
    return state
