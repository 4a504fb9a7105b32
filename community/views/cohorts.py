"""Staff pages for importing a partner university's list of members."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import cohorts, services
from ..forms import MemberImportForm
from ..models import ImportBatch, ImportedMember
from ..spreadsheets import safe_cell

PREVIEW_PAGE_SIZE = 100


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_portal_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def import_list(request):
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at", "-pk")
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "community/import_list.html", {"page": page})


@staff_required
def import_upload(request):
    if request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > cohorts.MAX_FILE_BYTES:
                form.add_error("file", _("The file is larger than %(limit)s MB.") % {"limit": 5})
            else:
                try:
                    batch = services.upload_member_list(
                        by=request.user, name=form.cleaned_data["name"], filename=upload.name, content=upload.read()
                    )
                except cohorts.FileError as error:
                    form.add_error("file", str(error.message))
                except services.NothingToChange:
                    messages.info(
                        request, _("Nothing to change: every member in this file is already in the portal as listed.")
                    )
                    return redirect("community:import_list")
                else:
                    return redirect(batch)
    else:
        form = MemberImportForm()
    return render(request, "community/import_upload.html", {"form": form})


@staff_required
def import_detail(request, pk):
    """The preview (per-row status) before confirmation; the invitations' progress after."""
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)
    if batch.status == ImportBatch.Status.PREVIEW:
        plan = cohorts.plan_import(batch.rows)
        only = request.GET.get("show", "")
        rows = [row for row in plan.rows if row.status == only] if only in cohorts.STATUS_LABELS else plan.rows
        page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        counts = [(status, label, plan.count(status)) for status, label in cohorts.STATUS_LABELS.items()]
        return render(
            request,
            "community/import_preview.html",
            {
                "batch": batch,
                "plan": plan,
                "page": page,
                "counts": counts,
                "show": only,
                "query": f"show={only}" if only else "",
            },
        )
    members = ImportedMember.objects.filter(batch=batch).select_related("user", "user__organization").order_by("pk")
    page = Paginator(members, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/import_detail.html",
        {"batch": batch, "page": page, "progress": services.invitation_progress(batch)},
    )


@require_POST
@staff_required
def import_confirm(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch = services.confirm_member_import(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.NothingToChange:
        messages.info(request, _("Nothing to change: every member in this file is already in the portal as listed."))
    else:
        messages.success(
            request,
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged. Invitations are being sent.")
            % {"created": batch.created_count, "updated": batch.updated_count, "unchanged": batch.unchanged_count},
        )
    return redirect(batch)


@staff_required
def import_progress(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk)
    progress = services.invitation_progress(batch)
    progress["percent"] = round(100 * progress["sent"] / progress["total"]) if progress["total"] else 100
    progress["status_label"] = str(batch.get_status_display())
    return JsonResponse(progress)


@staff_required
def import_report(request, pk):
    """The row-by-row report of a preview as CSV (cells that a spreadsheet would run are defused)."""
    batch = get_object_or_404(ImportBatch, pk=pk, status=ImportBatch.Status.PREVIEW)
    plan = cohorts.plan_import(batch.rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Line"), _("E-mail"), _("Name"), _("Status"), _("Details")])
    for row in plan.rows:
        details = row.reasons or row.changes
        writer.writerow(
            [
                row.line,
                safe_cell(row.data.get("email", "")),
                safe_cell(row.data.get("name", "")),
                str(row.status_label),
                safe_cell("; ".join(str(d) for d in details)),
            ]
        )
    return response
