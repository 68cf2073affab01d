"""Import pages: upload, map the columns, dry run, commit, follow the progress, the report.

Thin views: jobs come from ``visible_to`` (out of scope = 404), writes from the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.spreadsheets import MIME
from loupan.core.views import add_service_errors, errors_as_messages, paginate, require_can, web_errors

from . import selectors, services
from .choices import ImportStatus
from .forms import ImportUploadForm, MappingForm
from .models import ImportJob
from .report import report_xlsx

SHOWN_ERRORS = 200


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(selectors.import_list(user=request.user), pk=pk)


@login_required
@web_errors
def import_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "exchange.import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_create(actor=request.user, draft=True, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            return redirect("exchange:mapping", pk=job.pk)
    services.import_jobs_fail_stale()
    page = paginate(request, selectors.import_list(user=request.user))
    return render(request, "exchange/import_list.html", {"form": form, "page": page})


@login_required
@web_errors
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != ImportStatus.DRAFT:
        return redirect("exchange:detail", pk=job.pk)
    # In the file's column order (PostgreSQL's jsonb does not keep the keys' order).
    mapping = {h: job.mapping.get(h, "") for h in services.file_headers(job)}
    form = MappingForm(request.POST or None, kind=job.kind, mapping=mapping)
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        try:
            if form.cleaned_data["save_mapping"]:
                services.import_mapping_save(actor=request.user, job=job, mapping=mapping)
            job = services.import_start(
                actor=request.user, job=job, dry_run="commit" not in request.POST, mapping=mapping
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:  # the form was submitted twice: the first submit runs it
            messages.error(request, exc.detail)
            return redirect("exchange:detail", pk=job.pk)
        else:
            services.run_now_if_small(job)
            return redirect("exchange:detail", pk=job.pk)
    sample = selectors.import_sample(job=job)
    columns = [(field, [row[i] for row in sample]) for i, field in enumerate(form.column_fields())]
    return render(request, "exchange/import_mapping.html", {"job": job, "form": form, "columns": columns})


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.import_check_alive(_job(request, pk))
    context = {
        "job": job, "progress": services.import_progress(job), "errors": job.errors[:SHOWN_ERRORS],
        "commit": selectors.import_commit_of(job=job) if job.dry_run else None,
    }  # fmt: skip
    return render(request, "exchange/import_detail.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status box, polled by htmx while the job runs; a finished job reloads the page
    (one whose worker stopped is failed here, so the polling ends and the page says why)."""
    job = services.import_check_alive(_job(request, pk))
    response = render(
        request, "exchange/_progress.html", {"job": job, "progress": services.import_progress(job)}
    )
    if job.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@web_errors
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a succeeded dry run's file again, this time for real (same file, same mapping).
    Once: a second submit (a double click) gets a message on the dry run's page."""
    job = _job(request, pk)
    with errors_as_messages(request):
        new = services.run_now_if_small(services.import_commit(actor=request.user, job=job))
        messages.success(request, _("The import has started."))
        return redirect("exchange:detail", pk=new.pk)
    return redirect("exchange:detail", pk=job.pk)


@login_required
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = HttpResponse(report_xlsx(job), content_type=MIME["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.xlsx"'
    return response
