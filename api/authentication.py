"""API tokens that expire: a token older than GOVERN_API_TOKEN_DAYS is refused (issue a new one)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires_at(token: Token):
    return token.created + timedelta(days=settings.GOVERN_API_TOKEN_DAYS)


def token_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired; ask an administrator for a new one.")
            )
        return user, token
