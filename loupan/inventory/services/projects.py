"""Projects: create and edit, names unique."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import ValidationFailed
from loupan.core.policy import require

from ..models import Project
from ._common import (
    PROJECT_FIELDS,
    clean_text,
)

# --- projects ---------------------------------------------------------------------------------


def _clean_project(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors, cleaned = {}, {}
    limits = {"name": 120, "city": 40, "district": 40, "address": 200}
    for name, limit in limits.items():
        if partial and name not in data:
            continue
        try:
            cleaned[name] = clean_text(data.get(name), max_length=limit, required=name == "name")
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _name_taken() -> ValidationFailed:
    return ValidationFailed({"name": [_("This name is already taken.")]})


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any]) -> Project:
    """Create a project (楼盘). Company-wide roles only; the name is unique."""
    require(actor, "inventory.manage", None, _("Only company managers can create projects."))
    fields = _clean_project(data, partial=False)
    if Project.objects.filter(name=fields["name"]).exists():
        raise _name_taken()
    try:
        with transaction.atomic():
            project = Project.objects.create(**fields)
    except IntegrityError:
        raise _name_taken() from None
    audit_record(
        actor=actor, action="create", obj=project, changes={k: [None, v] for k, v in fields.items() if v}
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: dict[str, Any]) -> Project:
    """Edit a project's name and address (managers of the project)."""
    require(actor, "inventory.manage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    fields = _clean_project(data, partial=True)
    if "name" in fields and Project.objects.filter(name=fields["name"]).exclude(pk=project.pk).exists():
        raise _name_taken()
    before = snapshot(project, PROJECT_FIELDS)
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    if changes := diff(before, snapshot(project, PROJECT_FIELDS)):
        audit_record(actor=actor, action="update", obj=project, changes=changes)
    return project
