"""Writing workshops and their people."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from rebours.workshops.models import Person


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
