"""Writing workshops and their people, and purging their personal data."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.core import retention
from rebours.workshops.models import Contact, Person, Workshop
from rebours.workshops.permissions import PUBLIC_ATTRIBUTE

RETENTION_KIND = "workshop"


class PurgeRefused(Exception):
    """A purge or a retention date refused; `message` is for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def do_link_account(person: Person, user: AbstractBaseUser, *, actor: Any) -> Person:
    """Let `user` act as `person` in their workshop (an organiser's or facilitator's account)."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.user_id = user.pk
        person.save(update_fields=["user"])
    return person


def do_set_organiser_account(username: str, password: str, *, actor: Any) -> AbstractBaseUser:
    """Create the staff account `username`, or give it a new password if it exists."""
    users = get_user_model()
    with transaction.atomic():
        user = users.objects.select_for_update().filter(username=username).first()
        if user is None:
            return users.objects.create_superuser(username, email="", password=password)
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


# --- personal data -----------------------------------------------------------------------------


def pseudonym(person: Person) -> str:
    """The name a person is shown under once their own is gone: "Person 12", in the workshop's
    language (the name is stored, so it is written once, in the language the workshop speaks)."""
    language = person.workshop.language or settings.LANGUAGE_CODE
    with translation.override(language):
        return _("Person %(n)d") % {"n": person.position + 1}


def _kept_attributes(person: Person) -> dict[str, Any]:
    # Which college a public voter is in is not about them: counting their ballot needs it.
    key, value = PUBLIC_ATTRIBUTE
    return {key: value} if (person.attributes or {}).get(key) == value else {}


def _deidentify(person: Person, *, keep_name: bool) -> bool:
    """Strip `person` of what identifies them; whether anything changed (not saved)."""
    before = (person.display_name, person.organisation, person.attributes, person.credit_by_name)
    if not keep_name:
        person.display_name = pseudonym(person)
        person.credit_by_name = False
    person.organisation = ""
    person.attributes = _kept_attributes(person)
    return before != (
        person.display_name,
        person.organisation,
        person.attributes,
        person.credit_by_name,
    )


def purge_people(workshop: Workshop, *, dry_run: bool) -> int:
    """De-identify the workshop's people: pseudonyms for names (except the people who agreed to
    be credited by name in the booklet), no organisation, no attributes. Their notes, dots,
    ballots and proposals stay, under the pseudonym."""
    changed = 0
    for person in Person.objects.select_for_update().filter(workshop=workshop).order_by("pk"):
        if _deidentify(person, keep_name=person.credit_by_name):
            changed += 1
            if not dry_run:
                person.save(update_fields=["display_name", "organisation", "attributes"])
    return changed


def purge_contacts(workshop: Workshop, *, dry_run: bool) -> int:
    """Delete the workshop's contacts (names, roles, e-mail and web addresses)."""
    contacts = Contact.objects.filter(workshop=workshop)
    if dry_run:
        return contacts.count()
    deleted, _detail = contacts.delete()
    return deleted


def register_purgers() -> None:
    retention.register(RETENTION_KIND, "people", purge_people)
    retention.register(RETENTION_KIND, "contacts", purge_contacts)


def do_set_personal_data_until(
    workshop: Workshop, *, actor: Any, until: datetime.date | None
) -> Workshop:
    """Set (or clear, with None) the date after which the workshop's personal data may go."""
    if until is not None and not isinstance(until, datetime.date):
        raise PurgeRefused(_("Give a date."))
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        previous = locked.personal_data_until
        locked.personal_data_until = until
        locked.save(update_fields=["personal_data_until", "updated_at"])
        record(
            locked,
            actor=actor,
            action=AuditAction.RETENTION_SET,
            target=until.isoformat() if until else "",
            details={
                "from": previous.isoformat() if previous else None,
                "to": until.isoformat() if until else None,
            },
        )
    return locked


def do_purge_personal_data(
    workshop: Workshop, *, actor: Any, dry_run: bool = False, today: datetime.date | None = None
) -> dict[str, int]:
    """Run every registered purger on `workshop` once its retention date has passed.

    All or nothing, in one transaction, with one audit entry; `dry_run` says what a purge would
    change, whatever the date, and changes nothing (no entry either).
    """
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if dry_run:
            return retention.purge(RETENTION_KIND, locked, dry_run=True)
        if locked.personal_data_until is None:
            raise PurgeRefused(_("This workshop has no retention date: set one first."))
        if not locked.personal_data_expired(today):
            raise PurgeRefused(
                _("The personal data of this workshop is kept until %(date)s.")
                % {"date": locked.personal_data_until.isoformat()}
            )
        counts = retention.purge(RETENTION_KIND, locked, dry_run=False)
        record(
            locked,
            actor=actor,
            action=AuditAction.PERSONAL_DATA_PURGED,
            details={"counts": counts, "until": locked.personal_data_until.isoformat()},
        )
    return counts


def do_anonymise_person(person: Person, *, actor: Any) -> Person:
    """What erasing a person leaves: the row (their notes, dots and ballots still count) under a
    pseudonym, with no organisation, attributes, consent to be named, or account."""
    with transaction.atomic():
        locked = Person.objects.select_for_update().select_related("workshop").get(pk=person.pk)
        _deidentify(locked, keep_name=False)
        locked.user = None
        locked.save(
            update_fields=["display_name", "organisation", "attributes", "credit_by_name", "user"]
        )
    return locked
