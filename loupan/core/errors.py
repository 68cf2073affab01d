"""Typed domain errors and the one error envelope (architecture.md rule 4).

Services raise these; the API exception handler and the UI render them the same
way: 400 ``{"field": ["message"]}``, 403/404 ``{"detail"}``, 409 ``{"code", "detail", ...}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class ValidationFailed(DomainError):
    """Bad input: a message per field. Nothing was changed."""

    status_code = 400

    def __init__(self, errors: dict[str, list[str] | str]) -> None:
        self.errors = {field: msgs if isinstance(msgs, list) else [msgs] for field, msgs in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


class Conflict(DomainError):
    """The request clashes with the current state; ``code`` is stable for clients."""

    status_code = 409

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}


class NotAllowed(DomainError):
    """The object is visible to the actor but the action is not theirs to take."""

    status_code = 403


class NotFound(DomainError):
    """Missing, or outside the actor's data scope (the two are indistinguishable)."""

    status_code = 404


def domain_error_payload(exc: DomainError) -> dict[str, Any]:
    if isinstance(exc, ValidationFailed):
        return exc.errors
    if isinstance(exc, Conflict):
        return exc.as_dict()
    return {"detail": exc.detail or _("Not allowed.")}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF handler that renders domain errors and Django's own in the envelope."""
    if isinstance(exc, DomainError):
        from loupan.core.audit import audit_denied

        if isinstance(exc, NotAllowed):
            audit_denied(context.get("request"), exc.detail)
        return Response(domain_error_payload(exc), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is too large.")}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, DjangoValidationError):
        payload = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(payload, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, drf_exceptions.PermissionDenied | DjangoPermissionDenied):
        from loupan.core.audit import audit_denied

        audit_denied(context.get("request"), str(exc))
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    return exception_handler(exc, context)


def axes_lockout_response(request, credentials=None, *args, **kwargs):  # noqa: ANN001
    """django-axes lockout: 429 with a clear message, for the API and the login page alike."""
    message = _("Too many failed login attempts. Try again in 15 minutes.")
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    from django.shortcuts import render

    return render(request, "registration/locked_out.html", {"message": message}, status=429)
