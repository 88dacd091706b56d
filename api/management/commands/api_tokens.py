"""List, issue, revoke and purge API tokens."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from govern.models import User

from ...authentication import token_expired, token_expires_at


class Command(BaseCommand):
    help = (
        "API tokens: --list, --issue USER (replaces the old one), --revoke USER, --purge-expired."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--list", action="store_true")
        group.add_argument("--issue", metavar="USERNAME")
        group.add_argument("--revoke", metavar="USERNAME")
        group.add_argument("--purge-expired", action="store_true")

    def handle(self, *args, list, issue, revoke, purge_expired, **options):
        if list:
            for token in Token.objects.select_related("user").order_by("created"):
                state = "expired" if token_expired(token) else "valid"
                self.stdout.write(
                    f"{token.user.username:<20} {state:<8} expires {token_expires_at(token):%Y-%m-%d}"
                )
        elif issue:
            user = self._user(issue)
            Token.objects.filter(user=user).delete()
            self.stdout.write(Token.objects.create(user=user).key)
        elif revoke:
            deleted, _ = Token.objects.filter(user=self._user(revoke)).delete()
            self.stdout.write(f"{deleted} token(s) revoked for {revoke}.")
        else:
            expired = [t.pk for t in Token.objects.all() if token_expired(t)]
            Token.objects.filter(pk__in=expired).delete()
            self.stdout.write(f"{len(expired)} expired token(s) removed.")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user {username!r}.") from error
