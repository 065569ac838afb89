"""Recruitment's writes: the settings, the pool, the quotas, draws, replacements, participants.

Every `do_*` runs in a transaction and raises `RecruitmentError` (a message for the person who
asked, and for infeasible quotas the list of reasons) without writing anything. Permissions are
checked by the views (permissions.py): the actions trust their caller, as the CLI and the demo
loader call them without a request. See docs/recruitment.md.
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.facilitation.actions import open_groups, participant_payload, staff_stream
from rebours.live.events import publish
from rebours.recruitment import checks, computing, jobs, mixing, pool_io, queries, snapshot
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.explain import explain
from rebours.recruitment.models import (
    Draw,
    DrawStatus,
    Method,
    Quota,
    RecruitmentSettings,
    Replacement,
    RerunStatus,
    Source,
    Volunteer,
    new_pseudonym,
)
from rebours.recruitment.pool_import import parse_pool_file, records_of
from rebours.recruitment.sortition import DrawError, InfeasibleQuotasError
from rebours.workshops.models import Person, Role, Theme, ThemeMembership, ThemeRole, Workshop

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- settings -------------------------------------------------------------------------------


def do_save_settings(
    workshop: Workshop,
    *,
    actor: Any,
    categories: Any,
    registration_open: bool,
    retention_until: datetime.date | None,
    privacy_notice: str = "",
    panel_size: int = 0,
    one_per_household: bool = False,
) -> RecruitmentSettings:
    """What the registration form asks, whether it is open, and how long answers are kept."""
    cleaned = checks.check_categories(categories)
    if registration_open and not cleaned:
        raise RecruitmentError(_("Add at least one category before opening the registration."))
    if registration_open and retention_until is None:
        raise RecruitmentError(_("Give the date until which the answers are kept."))
    if retention_until is not None and retention_until < queries.today():
        raise RecruitmentError(_("The retention date is in the past."))
    if not 0 <= panel_size <= checks.MAX_PANEL_SIZE:
        raise RecruitmentError(
            _("The panel size is between 1 and %(max)d.") % {"max": checks.MAX_PANEL_SIZE}
        )
    with transaction.atomic():
        row, _created = RecruitmentSettings.objects.select_for_update().get_or_create(
            workshop=workshop
        )
        row.categories = cleaned
        row.registration_open = registration_open
        row.retention_until = retention_until
        row.privacy_notice = privacy_notice.strip()
        row.panel_size = panel_size
        row.one_per_household = one_per_household
        row.save()
    return row


# --- the pool -------------------------------------------------------------------------------


def do_register(
    workshop: Workshop,
    *,
    actor: Any,
    name: Any,
    contact: Any,
    answers: dict[str, Any],
    consent_lottery: bool,
    consent_processing: bool,
    household: Any = "",
) -> Volunteer:
    """A volunteer registers through the public form.

    A second registration with the same contact is kept and flagged to the organisers (see
    queries.volunteers), never refused: refusing would tell a stranger that this address is in
    the pool.
    """
    with transaction.atomic():
        config = RecruitmentSettings.objects.select_for_update().filter(workshop=workshop).first()
        if config is None or not config.registration_open:
            raise RecruitmentError(_("Registration for this workshop is closed."))
        if not consent_lottery:
            raise RecruitmentError(_("Please agree to take part in the lottery."))
        if not consent_processing:
            raise RecruitmentError(_("Please agree to the processing of your answers."))
        cleaned_name = checks.check_name(name)
        cleaned_contact = checks.check_contact(contact)
        attributes = checks.check_answers(config.categories, answers)
        cleaned_household = checks.check_household(household) if config.one_per_household else ""
        return Volunteer.objects.create(
            workshop=workshop,
            pseudonym=_free_pseudonym(workshop),
            name=cleaned_name,
            contact=cleaned_contact,
            contact_key=checks.contact_key(cleaned_contact),
            attributes=attributes,
            household=cleaned_household,
            household_key=checks.household_key(cleaned_household),
            source=Source.FORM,
            consent_lottery=True,
            consent_processing=True,
            consented_at=timezone.now(),
            retention_until=config.retention_until,
        )


def _free_pseudonym(workshop: Workshop, taken: set[str] | None = None) -> str:
    taken = taken if taken is not None else set()
    while True:
        candidate = new_pseudonym()
        if (
            candidate not in taken
            and not Volunteer.objects.filter(workshop=workshop, pseudonym=candidate).exists()
        ):
            taken.add(candidate)
            return candidate


@dataclass(frozen=True)
class ImportResult:
    count: int
    duplicates: int
    ignored_columns: list[str]


def do_import_pool(
    workshop: Workshop, *, actor: Any, text: str, consent_confirmed: bool
) -> ImportResult:
    """Add the volunteers of a CSV file to the pool: all of them, or none and an error."""
    if not consent_confirmed:
        raise RecruitmentError(
            _(
                "Confirm that the people in the file agreed to the lottery and to the "
                "processing of their data."
            )
        )
    config = queries.settings_of(workshop)
    if not config.categories:
        raise RecruitmentError(_("Set the categories of the pool before importing it."))
    parsed = parse_pool_file(text, config.categories)
    now = timezone.now()
    with transaction.atomic():
        existing = set(
            Volunteer.objects.filter(workshop=workshop).values_list("contact_key", flat=True)
        )
        taken: set[str] = set()
        rows = []
        for entry in parsed.volunteers:
            rows.append(
                Volunteer(
                    workshop=workshop,
                    pseudonym=_free_pseudonym(workshop, taken),
                    name=entry.name,
                    contact=entry.contact,
                    contact_key=checks.contact_key(entry.contact),
                    attributes=entry.attributes,
                    household=entry.household,
                    household_key=checks.household_key(entry.household),
                    source=Source.IMPORT,
                    source_id=entry.source_id,
                    consent_lottery=True,
                    consent_processing=True,
                    consented_at=now,
                    retention_until=config.retention_until,
                )
            )
        Volunteer.objects.bulk_create(rows)
        record(
            workshop,
            actor=actor,
            action=AuditAction.POOL_IMPORTED,
            details={"volunteers": len(rows)},
        )
    keys = [row.contact_key for row in rows]
    duplicates = sum(1 for k in keys if k in existing or keys.count(k) > 1)
    return ImportResult(len(rows), duplicates, parsed.ignored_columns)


def do_remove_volunteer(volunteer: Volunteer, *, actor: Any) -> None:
    """Take someone out of the pool and erase what they gave (a duplicate, a withdrawal).

    Draws already made keep their pseudonym in their snapshot, without anything else.
    """
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).delete()


def do_erase_expired(*, actor: Any, today: datetime.date | None = None) -> int:
    """Erase every volunteer whose retention date has passed, in every workshop."""
    day = today or queries.today()
    with transaction.atomic():
        deleted, _counts = Volunteer.objects.filter(retention_until__lt=day).delete()
    return deleted


# --- quotas ---------------------------------------------------------------------------------


def do_set_quotas(workshop: Workshop, *, actor: Any, rows: Sequence[dict[str, Any]]) -> list[Quota]:
    """Replace the workshop's quotas by `rows` ({feature, value, min, max or None})."""
    cleaned = checks.check_quota_rows(queries.settings_of(workshop).categories, rows)
    with transaction.atomic():
        Quota.objects.filter(workshop=workshop).delete()
        quotas = Quota.objects.bulk_create(
            Quota(workshop=workshop, position=i, **row) for i, row in enumerate(cleaned)
        )
        record(
            workshop, actor=actor, action=AuditAction.QUOTAS_SET, details={"quotas": len(quotas)}
        )
    return quotas


def do_import_quotas(workshop: Workshop, *, actor: Any, text: str) -> list[Quota]:
    """Replace the quotas by those of a CSV file (`feature,value,min,max` or
    `category,name,min,max`); one error, naming its line, and nothing changes."""
    try:
        parsed = pool_io.parse_quotas(text)
    except DrawError as error:
        raise RecruitmentError(str(error)) from None
    # parse_quotas keeps the file's order and skips blank records, as records_of does.
    lines = [line for line, _cells in records_of(text)[1:]]
    rows = [
        {
            "feature": quota.feature,
            "value": quota.value,
            "min": quota.min,
            "max": quota.max,
            "where": _("Line %(line)d") % {"line": line},
        }
        for quota, line in zip(parsed, lines, strict=True)
    ]
    return do_set_quotas(workshop, actor=actor, rows=rows)


# --- draws ----------------------------------------------------------------------------------


def do_start_draw(
    workshop: Workshop,
    *,
    actor: Any,
    size: Any,
    method: Any,
    seed: Any = "",
    household: bool = False,
) -> Draw:
    """Freeze the pool and the quotas and queue the lottery; it is computed in the background.

    Infeasible quotas, a bad seed or size: `RecruitmentError` with the reasons, nothing stored.
    """
    size = checks.check_size(size)
    if method not in Method.values:
        raise RecruitmentError(_("Choose one of the methods."))
    seed_text = checks.check_seed(seed)
    prepared = computing.prepare_draw(workshop, size=size, household=household)
    if prepared.issues:
        raise RecruitmentError(
            _("Nothing was drawn: the quotas cannot be met."), issues=prepared.issues
        )
    with transaction.atomic():
        draw = Draw.objects.create(
            workshop=workshop,
            status=DrawStatus.QUEUED,
            method=method,
            seed=seed_text,
            size=size,
            household=household,
            pool=prepared.pool,
            quotas=prepared.quotas,
            created_by=_user(actor),
            heartbeat_at=timezone.now(),
        )
        record(
            workshop,
            actor=actor,
            action=AuditAction.DRAW_RUN,
            target=f"#{draw.pk}",
            details={"method": method, "seed": seed_text, "size": size, "household": household},
        )
        try:
            # The files must read back as `rebours draw` reads them, or the bundle would lie.
            computing.inputs(draw)
        except DrawError as error:
            raise RecruitmentError(str(error)) from None
        transaction.on_commit(lambda: jobs.submit(draw.pk, do_compute_draw))
    return draw


def _fail(draw_id: int, error: Exception, **fields: Any) -> None:
    message = str(error) if isinstance(error, DrawError) else f"{type(error).__name__}: {error}"
    Draw.objects.filter(pk=draw_id).update(error=message[:ERROR_MAX_LENGTH], **fields)


def do_compute_draw(draw_id: int) -> Draw:
    """Compute a queued draw (runs in jobs.py's worker); the outcome is stored on the draw."""
    claimed = Draw.objects.filter(pk=draw_id, status=DrawStatus.QUEUED).update(
        status=DrawStatus.RUNNING, heartbeat_at=timezone.now()
    )
    draw = Draw.objects.get(pk=draw_id)
    if not claimed:
        return draw  # taken by another worker, or expired meanwhile
    try:
        report, greedy = computing.compute_draw(draw)
    except Exception as error:
        if not isinstance(error, DrawError):
            logger.exception("draw %s failed", draw_id)
        _fail(draw_id, error, status=DrawStatus.FAILED, finished_at=timezone.now())
    else:
        Draw.objects.filter(pk=draw_id, status=DrawStatus.RUNNING).update(
            status=DrawStatus.DONE,
            result=report,
            greedy_probabilities=greedy,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    draw.refresh_from_db()
    return draw


def do_rerun_draw(draw: Draw, *, actor: Any) -> Draw:
    """Queue a re-run: recompute the draw and its replacements from the stored snapshot."""
    with transaction.atomic():
        locked = Draw.objects.select_for_update().get(pk=draw.pk)
        if locked.status != DrawStatus.DONE:
            raise RecruitmentError(_("Only a finished draw can be re-run."))
        if locked.rerun_status in (RerunStatus.QUEUED, RerunStatus.RUNNING):
            raise RecruitmentError(_("This draw is already being re-run."))
        locked.rerun_status = RerunStatus.QUEUED
        locked.rerun_result = {}
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["rerun_status", "rerun_result", "heartbeat_at"])
        transaction.on_commit(lambda: jobs.submit(locked.pk, do_compute_rerun))
    return locked


def do_compute_rerun(draw_id: int) -> Draw:
    """Run a queued re-run (in jobs.py's worker) and record whether the same panels came out."""
    claimed = Draw.objects.filter(pk=draw_id, rerun_status=RerunStatus.QUEUED).update(
        rerun_status=RerunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    draw = Draw.objects.get(pk=draw_id)
    if not claimed:
        return draw
    try:
        outcome = computing.replay(draw, queries.replacements(draw))
    except Exception as error:
        logger.exception("re-run of draw %s failed", draw_id)
        _fail(draw_id, error, rerun_status=RerunStatus.FAILED, rerun_at=timezone.now())
    else:
        Draw.objects.filter(pk=draw_id).update(
            rerun_status=RerunStatus.MATCHED if outcome["matches"] else RerunStatus.DIFFERED,
            rerun_result=outcome,
            rerun_at=timezone.now(),
        )
    draw.refresh_from_db()
    return draw


def do_touch_draws(draw_ids: list[int]) -> int:
    """Record that the process computing these draws is alive (see queries.is_stale)."""
    if not draw_ids:
        return 0
    return Draw.objects.filter(pk__in=draw_ids).update(heartbeat_at=timezone.now())


def do_expire_stale_draws(workshop: Workshop, *, actor: Any = None) -> int:
    """Mark failed the draws and re-runs whose computing process has gone silent."""
    count = 0
    message = _("The computation stopped without finishing (the server may have restarted).")
    for draw in queries.stale_draws(workshop):
        if not draw.is_finished:
            count += Draw.objects.filter(
                pk=draw.pk, status__in=[DrawStatus.QUEUED, DrawStatus.RUNNING]
            ).update(status=DrawStatus.FAILED, error=message, finished_at=timezone.now())
        else:
            count += Draw.objects.filter(
                pk=draw.pk, rerun_status__in=[RerunStatus.QUEUED, RerunStatus.RUNNING]
            ).update(rerun_status=RerunStatus.FAILED, error=message)
    return count


# --- replacements and participants -----------------------------------------------------------


def do_replace(draw: Draw, *, actor: Any, declined: Sequence[str], seed: Any = "") -> Replacement:
    """Draw replacements for the panel members who declined, keeping every quota.

    Same rules as the draw: a published seed (or a fresh one), LEXIMIN over the panels that keep
    everyone who accepted, slot 1 + (seed mod m). Earlier decliners stay out of the pool. If the
    panel already became participants, each newcomer takes a decliner's place in their group
    and the decliner's participant is removed.
    """
    seed_text = checks.check_seed(seed)
    draw = Draw.objects.select_related("workshop").get(pk=draw.pk)
    if draw.status != DrawStatus.DONE:
        raise RecruitmentError(_("Only a finished draw can have replacements."))
    done = queries.replacements(draw)
    panel = queries.current_panel(draw, done)
    gone = list(dict.fromkeys(declined))
    if not gone:
        raise RecruitmentError(_("Tick the panel members who declined."))
    outsiders = [person for person in gone if person not in panel]
    if outsiders:
        raise RecruitmentError(_("%(who)s is not on the panel.") % {"who": outsiders[0]})
    # Computed before the transaction: a LEXIMIN must not hold the database's write lock.
    try:
        result = computing.compute_replacement(
            draw, panel=panel, declined=gone, excluded=queries.declined(done), seed=seed_text
        )
    except InfeasibleQuotasError as error:
        names = dict(
            Volunteer.objects.filter(workshop=draw.workshop).values_list("pseudonym", "name")
        )
        issues = [
            explain(
                issue,
                quotas=draw.quotas,
                pool=draw.pool,
                size=draw.size,
                names=names,
                household=draw.household,
            )
            for issue in error.issues
        ]
        raise RecruitmentError(
            _("No replacement was drawn: the quotas cannot be met without them."), issues=issues
        ) from None
    except DrawError as error:
        raise RecruitmentError(str(error)) from None
    with transaction.atomic():
        locked = Draw.objects.select_for_update().get(pk=draw.pk)
        if locked.replacements.count() != len(done):
            raise RecruitmentError(
                _("Someone drew replacements meanwhile; look at the panel again.")
            )
        replacement = Replacement.objects.create(
            draw=locked,
            position=len(done) + 1,
            seed=seed_text,
            declined=sorted(gone),
            excluded=queries.declined(done),
            kept=result.kept,
            added=result.added,
            panel=result.panel,
            probabilities=result.probabilities,
            lottery=result.lottery,
            created_by=_user(actor),
        )
        record(
            locked.workshop,
            actor=actor,
            action=AuditAction.DRAW_REPLACEMENT,
            target=f"#{locked.pk}",
            details={"declined": sorted(gone), "added": list(result.added), "seed": seed_text},
        )
        if locked.participants_at is not None:
            _swap_participants(locked.workshop, sorted(gone), result.added, actor=actor)
    return replacement


def _volunteers_by_pseudonym(workshop: Workshop, pseudonyms: Sequence[str]) -> dict[str, Volunteer]:
    found = {
        v.pseudonym: v
        for v in Volunteer.objects.select_for_update().filter(
            workshop=workshop, pseudonym__in=list(pseudonyms)
        )
    }
    missing = [p for p in pseudonyms if p not in found]
    if missing:
        raise RecruitmentError(
            _("%(who)s has left the pool since the draw; draw a replacement for them first.")
            % {"who": missing[0]}
        )
    return found


def _new_participant(workshop: Workshop, volunteer: Volunteer, position: int) -> Person:
    key = volunteer.pseudonym
    if Person.objects.filter(workshop=workshop, key=key).exists():
        key = f"{key}-{volunteer.pk}"
    # No contact: a Person is what the workshop, its exports and its API show.
    person = Person.objects.create(
        workshop=workshop,
        key=key,
        position=position,
        display_name=volunteer.name,
        roles=[Role.PARTICIPANT],
        attributes=dict(volunteer.attributes or {}),
    )
    volunteer.person = person
    volunteer.save(update_fields=["person"])
    return person


def _join_group(person: Person, theme: Theme | None) -> None:
    if theme is not None:
        top = ThemeMembership.objects.filter(theme=theme).aggregate(top=Max("position"))["top"]
        ThemeMembership.objects.create(
            theme=theme,
            person=person,
            role=ThemeRole.MEMBER,
            position=0 if top is None else top + 1,
        )
    publish(staff_stream(person.workshop), "participant.joined", participant_payload(person, theme))


def _next_position(workshop: Workshop) -> int:
    top = workshop.people.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def do_make_participants(draw: Draw, *, actor: Any) -> list[Person]:
    """The drawn panel becomes the workshop's participants, spread across its groups.

    One Person per panel member (name and attributes, never the contact), each a member of one
    of the groups participants may join, chosen by `mixing.spread` so that every group holds a
    share of each attribute value as even as possible.
    """
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("workshop").get(pk=draw.pk)
        workshop = draw.workshop
        if draw.status != DrawStatus.DONE:
            raise RecruitmentError(_("Only a finished draw can become participants."))
        if draw.participants_at is not None:
            raise RecruitmentError(_("This panel already became participants."))
        if Draw.objects.filter(workshop=workshop).exclude(participants_at=None).exists():
            raise RecruitmentError(_("Another draw's panel already became the participants."))
        panel = queries.current_panel(draw)
        members = _volunteers_by_pseudonym(workshop, panel)
        groups = {str(theme.pk): theme for theme in open_groups(workshop)}
        order = snapshot.draw_features(draw.quotas)
        assignment: dict[str, str] = {}
        if groups:
            # The quoted categories: what the organisers asked the panel to balance.
            people = {
                p: {f: v for f, v in (members[p].attributes or {}).items() if f in order}
                for p in panel
            }
            assignment = mixing.spread(people, list(groups), order=order).groups
        position = _next_position(workshop)
        created = []
        for pseudonym in panel:
            person = _new_participant(workshop, members[pseudonym], position)
            position += 1
            _join_group(person, groups.get(assignment.get(pseudonym, "")))
            created.append(person)
        draw.participants_at = timezone.now()
        draw.save(update_fields=["participants_at"])
        record(
            workshop,
            actor=actor,
            action=AuditAction.PANEL_SEATED,
            target=f"#{draw.pk}",
            details={"participants": len(created)},
        )
    return created


def _swap_participants(
    workshop: Workshop, declined: list[str], added: list[str], *, actor: Any
) -> None:
    """Newcomers take the decliners' places in their groups; the decliners' participants go."""
    from rebours.facilitation.actions import do_remove_participant
    from rebours.facilitation.permissions import DayAccess

    leaving = Volunteer.objects.filter(workshop=workshop, pseudonym__in=declined)
    places: list[Theme | None] = []
    persons: list[Person] = []
    for volunteer in sorted(leaving, key=lambda v: v.pseudonym):
        if volunteer.person is None:
            continue
        membership = volunteer.person.memberships.filter(role=ThemeRole.MEMBER).first()
        places.append(membership.theme if membership else None)
        persons.append(volunteer.person)
    # do_replace runs for the recruitment's managers (checked by its callers), who may remove
    # the decliners' participants: the access says so explicitly.
    access = DayAccess(workshop, None, actor, organise=True, run=True, follow=True, remove=True)
    for person in persons:
        do_remove_participant(workshop, actor=access, person=person)
    members = _volunteers_by_pseudonym(workshop, added)
    groups = open_groups(workshop)
    position = _next_position(workshop)
    for index, pseudonym in enumerate(added):
        person = _new_participant(workshop, members[pseudonym], position)
        position += 1
        place = places[index] if index < len(places) else (groups[0] if groups else None)
        _join_group(person, place)
