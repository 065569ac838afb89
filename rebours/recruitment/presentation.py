"""What the organisers' pages show, assembled from queries (reads only)."""

from collections import Counter
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rebours.recruitment import chart, queries
from rebours.recruitment.actions import ImportResult
from rebours.recruitment.bundle import command
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.forms import ReplaceForm
from rebours.recruitment.models import Draw, DrawStatus, Method, Replacement, Volunteer
from rebours.recruitment.snapshot import eligible
from rebours.workshops.models import ThemeMembership, ThemeRole, Workshop


def overview(request: HttpRequest, workshop: Workshop) -> dict[str, Any]:
    config = queries.settings_of(workshop)
    pool = queries.volunteers(workshop)
    return {
        "workshop": workshop,
        "section": "overview",
        "config": config,
        "pool_size": len(pool),
        "eligible": len(eligible(pool, today=queries.today())),
        "duplicates": queries.duplicate_count(workshop),
        "quota_count": len(queries.quotas(workshop)),
        "draws": queries.draws(workshop)[:5],
        "register_url": request.build_absolute_uri(
            reverse("recruitment:register", args=[workshop.slug])
        ),
    }


def import_message(result: ImportResult) -> str:
    parts = [
        ngettext("%(count)d volunteer imported.", "%(count)d volunteers imported.", result.count)
        % {"count": result.count}
    ]
    if result.duplicates:
        parts.append(
            ngettext(
                "%(count)d of them shares a contact with someone else: see the flags below.",
                "%(count)d of them share a contact with someone else: see the flags below.",
                result.duplicates,
            )
            % {"count": result.duplicates}
        )
    if result.ignored_columns:
        parts.append(
            _("Columns ignored: %(columns)s.") % {"columns": ", ".join(result.ignored_columns)}
        )
    return " ".join(parts)


def _status_of(draw: Draw | None, done: list[Replacement]) -> dict[str, str]:
    """Where each pseudonym stands in the latest draw: selected, declined, replacement."""
    if draw is None or draw.status != DrawStatus.DONE:
        return {}
    status = {p: "selected" for p in queries.current_panel(draw, done)}
    for replacement in done:
        for person in replacement.added:
            status[person] = "replacement"
    for person in queries.declined(done):
        status[person] = "declined"
    return status


def pool_page(workshop: Workshop) -> dict[str, Any]:
    config = queries.settings_of(workshop)
    pool = queries.volunteers(workshop)
    latest = queries.latest_done_draw(workshop)
    status = _status_of(latest, queries.replacements(latest) if latest else [])
    today = queries.today()
    for volunteer in pool:
        volunteer.status = status.get(volunteer.pseudonym, "")  # type: ignore[attr-defined]
        volunteer.expired = (  # type: ignore[attr-defined]
            volunteer.retention_until is not None and volunteer.retention_until < today
        )
        volunteer.answers = [  # type: ignore[attr-defined]
            (c["label"], (volunteer.attributes or {}).get(c["key"], "")) for c in config.categories
        ]
    return {
        "workshop": workshop,
        "section": "pool",
        "config": config,
        "volunteers": pool,
        "duplicates": sum(1 for v in pool if getattr(v, "duplicates", None)),
        "latest": latest,
    }


def quota_rows_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The quota table as posted: rows `feature-N`, `value-N`, `min-N`, `max-N`.

    Both bounds empty: no quota for that value. An empty minimum is 0; an empty maximum is no
    limit but the panel size.
    """
    rows = []
    count = int(post.get("rows", "0")) if post.get("rows", "0").isdigit() else 0
    for index in range(min(count, 2000)):
        feature, value = post.get(f"feature-{index}", ""), post.get(f"value-{index}", "")
        low, high = post.get(f"min-{index}", "").strip(), post.get(f"max-{index}", "").strip()
        if not low and not high:
            continue
        where = f"{feature} = {value}"
        for text in (low, high):
            if text and not text.isdigit():
                raise RecruitmentError(
                    _("%(where)s: “%(text)s” is not a whole number of 0 or more.")
                    % {"where": where, "text": text[:40]}
                )
        rows.append(
            {
                "feature": feature,
                "value": value,
                "min": int(low) if low else 0,
                "max": int(high) if high else None,
                "where": where,
            }
        )
    return rows


def quotas_page(workshop: Workshop, posted: QueryDict | None) -> dict[str, Any]:
    config = queries.settings_of(workshop)
    pool = eligible(queries.volunteers(workshop), today=queries.today())
    table = queries.quota_table(workshop, config.categories, pool)
    rows = []
    for index, row in enumerate(table.rows):
        low = "" if row.quota is None else str(row.quota.min)
        high = "" if row.quota is None or row.quota.max is None else str(row.quota.max)
        if posted is not None:
            low, high = posted.get(f"min-{index}", low), posted.get(f"max-{index}", high)
        rows.append({"index": index, "row": row, "min": low, "max": high})
    return {
        "workshop": workshop,
        "section": "quotas",
        "config": config,
        "rows": rows,
        "pool_size": table.pool_size,
    }


def _chart(draw: Draw) -> chart.Chart | None:
    series: list[tuple[str, str, dict[str, float]]] = []
    if draw.method != Method.GREEDY and draw.result.get("probabilities"):
        series.append(("leximin", str(Method(draw.method).label), draw.result["probabilities"]))
    if draw.greedy_probabilities:
        series.append(("greedy", _("greedy stratified draw"), draw.greedy_probabilities))
    if not series or not draw.pool:
        return None
    return chart.probability_chart(series, average=draw.size / len(draw.pool))


def _group_mix(draw: Draw, panel: list[Volunteer]) -> dict[str, Any]:
    """Per group of the workshop: how many of this panel's participants have each value."""
    people = {v.person_id: v for v in panel if v.person_id is not None}
    columns = [
        (f, v)
        for f in sorted({q["feature"] for q in draw.quotas})
        for v in sorted({q["value"] for q in draw.quotas if q["feature"] == f})
    ]
    spans = [
        (f, sum(1 for c in columns if c[0] == f)) for f in dict.fromkeys(c[0] for c in columns)
    ]
    if not people:
        return {"columns": columns, "spans": spans, "rows": []}
    memberships = (
        ThemeMembership.objects.filter(person_id__in=list(people), role=ThemeRole.MEMBER)
        .select_related("theme")
        .order_by("theme__position", "theme_id")
    )
    groups: dict[int, dict[str, Any]] = {}
    for membership in memberships:
        group = groups.setdefault(
            membership.theme_id, {"theme": membership.theme, "size": 0, "counts": Counter()}
        )
        group["size"] += 1
        attributes = people[membership.person_id].attributes or {}
        for feature, value in columns:
            if attributes.get(feature) == value:
                group["counts"][(feature, value)] += 1
    rows = [
        {"theme": g["theme"], "size": g["size"], "cells": [g["counts"][c] for c in columns]}
        for g in groups.values()
    ]
    return {"columns": columns, "spans": spans, "rows": rows}


def draw_page(workshop: Workshop, draw: Draw) -> dict[str, Any]:
    config = queries.settings_of(workshop)
    done = queries.replacements(draw)
    finished = draw.status == DrawStatus.DONE
    panel = queries.current_panel(draw, done) if finished else []
    everyone = queries.volunteers(workshop)
    by_pseudonym = {v.pseudonym: v for v in everyone}
    snapshot_ids = {row["id"] for row in draw.pool}
    drawn_pool = [v for v in everyone if v.pseudonym in snapshot_ids]
    table = queries.quota_table(
        workshop, config.categories, drawn_pool, panel if finished else None
    )
    table.rows = [r for r in table.rows if any(q["feature"] == r.feature for q in draw.quotas)]
    probabilities = draw.result.get("probabilities", {})
    greedy = draw.greedy_probabilities or {}
    status = _status_of(draw, done)
    members = [
        {
            "pseudonym": p,
            "volunteer": by_pseudonym.get(p),
            "probability": probabilities.get(p),
            "greedy": greedy.get(p),
            "status": status.get(p, ""),
        }
        for p in panel
    ]
    declined = [{"pseudonym": p, "volunteer": by_pseudonym.get(p)} for p in queries.declined(done)]
    choices = [(p, f"{by_pseudonym[p].name} ({p})" if p in by_pseudonym else p) for p in panel]
    return {
        "workshop": workshop,
        "section": "draws",
        "draw": draw,
        "finished": finished,
        "running": not draw.is_finished or draw.rerun_status in ("queued", "running"),
        "replacements": done,
        "members": members,
        "declined": declined,
        "table": table,
        "chart": _chart(draw) if finished else None,
        "command": command(draw),
        "lottery": draw.result.get("lottery"),
        "replace_form": ReplaceForm(panel=choices),
        "mix": _group_mix(draw, [by_pseudonym[p] for p in panel if p in by_pseudonym]),
        "rerun_steps": draw.rerun_result.get("steps", []),
    }


def replacement_message(replacement: Replacement) -> str:
    names = dict(
        Volunteer.objects.filter(
            workshop_id=replacement.draw.workshop_id, pseudonym__in=replacement.added
        ).values_list("pseudonym", "name")
    )
    added = ", ".join(f"{names.get(p, p)} ({p})" for p in replacement.added)
    return _("Replacements drawn with seed %(seed)s: %(added)s.") % {
        "seed": replacement.seed,
        "added": added,
    }
