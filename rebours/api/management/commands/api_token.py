from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rebours.api.actions import TokenRefused, do_create_token, do_revoke_token
from rebours.api.queries import tokens_of


class Command(BaseCommand):
    help = "Create, list or revoke the API tokens of an account."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token and print it, once")
        create.add_argument("user", metavar="USER", help="the account's username")
        create.add_argument("name", metavar="NAME", help="what the token is for")
        listing = actions.add_parser("list", help="list an account's tokens (never the secrets)")
        listing.add_argument("user", metavar="USER")
        revoke = actions.add_parser("revoke", help="revoke an account's live tokens named NAME")
        revoke.add_argument("user", metavar="USER")
        revoke.add_argument("name", metavar="NAME")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        user = users.objects.filter(**{users.USERNAME_FIELD: options["user"]}).first()
        if user is None:
            raise CommandError(f'no account "{options["user"]}"')
        action = options["action"]
        if action == "create":
            try:
                token, secret = do_create_token(user, options["name"], actor=None)
            except TokenRefused as refused:
                raise CommandError(str(refused)) from None
            self.stderr.write(f'Token "{token.name}" for {user.get_username()}; it is shown once:')
            self.stdout.write(secret)
        elif action == "list":
            for token in tokens_of(user):
                state = "revoked" if token.revoked_at else "active"
                used = token.last_used_at.isoformat() if token.last_used_at else "never used"
                self.stdout.write(f"{token.prefix}…\t{state}\t{used}\t{token.name}")
        else:
            live = list(tokens_of(user).filter(name=options["name"], revoked_at__isnull=True))
            if not live:
                raise CommandError(f'{user.get_username()} has no live token "{options["name"]}"')
            for token in live:
                do_revoke_token(token, actor=None)
            self.stdout.write(f'Revoked {len(live)} token(s) named "{options["name"]}".')
