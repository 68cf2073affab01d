"""Cross-cutting signal handlers: logins and failed logins go to the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs) -> None:  # noqa: ANN001
    audit_record(actor=user, action="login", obj=user, request=request)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:  # noqa: ANN001
    audit_record(
        actor=None,
        action="login_failed",
        object_type="user",
        detail={"username": str(credentials.get("username", ""))[:150]},
        request=request,
    )
