"""API authentication of connected systems: ``Authorization: Bearer lps_...`` (or ``Token``).

A system token acts as its system's service account, with a data scope fixed by the
token: every site, or only the token's sites. The scope is set on the account for the
request, so every endpoint reaches rows through the one ``visible_to`` mechanism as for
people. Each call is checked against the token's scopes (403 outside them) and audited.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from loupan.core.audit import audit_record
from loupan.core.scoping import Scope, ScopeKind

from .choices import TokenScope
from .models import SystemToken

KEY_PREFIX = "lps_"
_READ = {
    "customers": TokenScope.CUSTOMERS_READ, "activities": TokenScope.CUSTOMERS_READ,
    "reservations": TokenScope.DEALS_READ, "subscriptions": TokenScope.DEALS_READ,
    "contracts": TokenScope.DEALS_READ, "payments": TokenScope.DEALS_READ,
    "projects": TokenScope.INVENTORY_READ, "buildings": TokenScope.INVENTORY_READ,
    "units": TokenScope.INVENTORY_READ, "imports": TokenScope.IMPORTS_WRITE,
}  # fmt: skip
_WRITE = {
    "customers": TokenScope.CUSTOMERS_WRITE,
    "payments": TokenScope.PAYMENTS_WRITE,
    "imports": TokenScope.IMPORTS_WRITE,
}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def act_as_token(account: Any, token: SystemToken) -> Any:
    """Give the system's account the data scope of ``token`` (for this request or job)."""
    site_ids = frozenset(token.sites.values_list("id", flat=True))
    account._loupan_scope = (
        Scope(ScopeKind.SITES, account.pk, site_ids) if site_ids else Scope(ScopeKind.ALL, account.pk)
    )
    account.system_token = token
    return account


def required_scope(method: str, path: str) -> str | None:
    """The scope a call needs, or None when no system token may make it."""
    rest = path.split("/api/v1/", 1)[-1]
    resource = rest.split("/", 1)[0]
    table = _READ if method in SAFE_METHODS else _WRITE
    if method not in SAFE_METHODS and resource == "customers" and rest.count("/") > 2:
        return None  # actions on a customer (claim, release, transfer) are for people
    return table.get(resource)


class SystemTokenAuthentication(BaseAuthentication):
    """Authenticates keys that start with ``lps_``; other tokens are left to the next class."""

    def authenticate(self, request):  # noqa: ANN001, ANN201
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() not in (b"bearer", b"token"):
            return None
        key = parts[1].decode("latin-1")
        if not key.startswith(KEY_PREFIX):
            return None
        token = SystemToken.objects.select_related("system__account").filter(key_hash=hash_key(key)).first()
        now = timezone.now()
        if token is None or not token.is_live(now) or not token.system.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        account = token.system.account
        if not account.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        act_as_token(account, token)
        SystemToken.objects.filter(pk=token.pk).update(last_used_at=now)
        needed = required_scope(request.method, request.path)
        allowed = needed is not None and needed in token.scopes
        audit_record(
            actor=account, action="api_call", object_type="systemtoken", object_id=token.pk,
            detail={"method": request.method, "path": request.path[:200], "system": token.system.name,
                    "token": token.name, "allowed": allowed},
            request=request,
        )  # fmt: skip
        if not allowed:
            raise exceptions.PermissionDenied(
                _("This token does not have the scope for this call (%(scope)s).")
                % {"scope": needed or _("not available to systems")}
            )
        return account, token

    def authenticate_header(self, request) -> str:  # noqa: ANN001
        return "Token"


__all__ = ["KEY_PREFIX", "SystemTokenAuthentication", "act_as_token", "hash_key", "required_scope"]
