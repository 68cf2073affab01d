"""API authentication: DRF tokens that stop working the moment a user is deactivated."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ActiveTokenAuthentication(TokenAuthentication):
    """Token auth that also refuses agents whose agency is no longer active."""

    def authenticate_credentials(self, key: str):  # noqa: ANN201
        user, token = super().authenticate_credentials(key)
        if not user.has_live_access:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token
