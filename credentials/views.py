import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import fragments, pagecache
from community.caching import BYLINES, PORTAL
from jige_portal.prepared import prepared

from . import caching, services, signing
from .forms import MAX_VERIFY_BYTES, DecisionForm, RecognitionRequestForm, RevokeForm, StaffAwardForm, VerifyForm
from .ledger import CreditLedger
from .models import Achievement, Award, BatchAward, RecognitionRequest, StatusList
from .openbadges import verify_credential, verify_upload

PAGE_SIZE = 20

BATCH_ERRORS = {
    "invalid_email": gettext_lazy("Not a valid e-mail address"),
    "unknown_email": gettext_lazy("No member with this e-mail address"),
    "already_awarded": gettext_lazy("Already holds this achievement"),
    "not_authorised": gettext_lazy("Not allowed: you do not act for the issuer of this credential"),
}


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _pathways_started_by(recipient_id: int):
    """Active pathways with an issued award of the learner among their components, or held themselves."""
    held = Award.objects.issued().for_recipient(recipient_id).values("achievement_id")
    return Achievement.objects.active().pathways().filter(Q(components__in=held) | Q(pk__in=held)).distinct()


@prepared
def _started_pathways(recipient_id: int):
    return _pathways_started_by(recipient_id).select_related("issuer").order_by("name")


@prepared
def _components_of_started_pathways(recipient_id: int):
    """(pathway id, component id, its credit value) of each pathway of `_started_pathways`."""
    return (
        Achievement.components.through.objects.filter(
            from_achievement__in=_pathways_started_by(recipient_id).values("pk")
        )
        .order_by()
        .values_list("from_achievement_id", "to_achievement_id", "to_achievement__credit_value")
    )


def _pathway_progress(user, pathways=None):
    """[(pathway, progress, held)] for the pathways a learner has started (or all given ones)."""
    held = dict(_credits_held(user.pk))
    if pathways is not None:
        return [(pathway, pathway.progress_for(held), pathway.pk in held) for pathway in pathways]
    pathways = _started_pathways(user.pk)
    components = {pathway.pk: [] for pathway in pathways}
    if components:
        for pathway_id, component_id, credit_value in _components_of_started_pathways(user.pk):
            if pathway_id in components:  # not a pathway started between the two reads
                components[pathway_id].append((component_id, credit_value))
    return [(pathway, pathway.progress_for(held, components[pathway.pk]), pathway.pk in held) for pathway in pathways]


def index(request):
    """The catalogue of achievements that can be earned."""
    achievements = Achievement.objects.active().with_related().order_by("type", "name")
    kind = request.GET.get("type", "")
    if kind in Achievement.Type.values:
        achievements = achievements.filter(type=kind)
    return render(
        request,
        "credentials/achievement_list.html",
        {"page": _page(request, achievements), "types": Achievement.Type.choices, "current_type": kind},
    )


def achievement_detail(request, slug):
    achievement = get_object_or_404(
        Achievement.objects.active()
        .with_related()
        .prefetch_related(
            Prefetch("components", queryset=Achievement.objects.with_related()),
            Prefetch("pathways", queryset=Achievement.objects.active()),
        ),
        slug=slug,
    )
    progress = held = None
    if request.user.is_authenticated:
        held = Award.objects.for_recipient(request.user).filter(achievement=achievement).first()
        if achievement.is_pathway:
            progress = _pathway_progress(request.user, [achievement])[0][1]
    return render(
        request,
        "credentials/achievement_detail.html",
        {"achievement": achievement, "progress": progress, "held": held},
    )


@login_required
def wallet(request):
    return pagecache.serve_page(request, lambda: _wallet(request), depends_on=[PORTAL, caching.ACHIEVEMENTS])


@prepared
def _awards_of(recipient_id: int):
    return Award.objects.for_recipient(recipient_id).for_cards().order_by("-created_at", "-pk")


def _wallet(request):
    page = _page(request, _awards_of.rows(request.user.pk))
    attach_award_cards(request, page.object_list)
    return render(request, "credentials/wallet.html", {"page": page, "pathways": _pathway_progress(request.user)})


def attach_award_cards(request, awards) -> None:
    """Wallet cards (`award.fragment_html`), rendered once per card's content and language."""

    def inputs(award):
        return (
            award.pk,
            str(award.public_id),
            str(award.badge_image),
            award.achievement.name,
            award.status,
            award.is_expired,
            award.is_public,
            award.issuer.name,
            award.created_at.isoformat(),
            str(award.credits_earned),
        )

    def render_card(award):
        return render_to_string("credentials/_award_card.html", {"award": award})

    fragments.attach_fragments(request, awards, name="award", inputs=inputs, render=render_card)


@prepared
def _award_with_public_id(public_id: uuid.UUID):
    return Award.objects.with_related().select_related("revoked_by").filter(public_id=public_id)[:1]


@prepared
def _credits_held(recipient_id: int):
    return Award.objects.issued().for_recipient(recipient_id).credit_pairs()


def _visible_award(request, public_id):
    """The award if the visitor may see it; 404 otherwise (a private award does not exist for others)."""
    award = _award_with_public_id.first(public_id)
    if award is None or not award.is_visible_to(request.user):
        raise Http404
    return award


def linkedin_add_url(award: Award) -> str:
    """LinkedIn's documented "Add to profile" link for a certification."""
    issued = award.issued_at or award.created_at
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.achievement.name_en or str(award.achievement),
        "organizationName": award.issuer.name_en or str(award.issuer),
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": award.get_public_url(),
        "certId": str(award.public_id),
    }
    if award.valid_until:
        params["expirationYear"] = award.valid_until.year
        params["expirationMonth"] = award.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def award_detail(request, public_id):
    def resolve():
        award = _visible_award(request, public_id)
        depends_on = [PORTAL, caching.ACHIEVEMENTS, caching.award(award.pk)]
        return depends_on, lambda: _award_page(request, award)

    return pagecache.serve(request, resolve)


def _award_page(request, award):
    is_owner = request.user.is_authenticated and request.user.pk == award.recipient_id
    is_manager = request.user.is_authenticated and award.achievement.can_be_awarded_by(request.user)
    events = award.events.select_related("actor") if (is_owner or is_manager) else []
    verify_url = settings.SITE_URL + reverse("credentials:verify") + f"?award={award.public_id}"
    context = {
        "award": award,
        "achievement": award.achievement,
        "is_owner": is_owner,
        "can_revoke": is_manager and not award.is_revoked,
        "linkedin_url": linkedin_add_url(award) if is_owner and award.is_valid else "",
        "events": events,
        "verify_url": verify_url,
    }

    def with_qr_code():
        context["verify_qr"] = _qr_code(verify_url) if award.is_signed else None
        return context

    if not (is_owner or is_manager or (request.user.is_authenticated and request.user.is_portal_staff)):
        # Everyone else (visitors, an employer checking a link, other members) sees the same
        # award: rendered once and shared while the award and its achievement are unchanged.
        def render_article():
            return render_to_string("credentials/_award_article.html", with_qr_code(), request), {}

        depends_on = [PORTAL, BYLINES, caching.ACHIEVEMENTS, caching.award(award.pk)]  # BYLINES: the recipient's name
        context["shared_article"] = pagecache.shared(
            request, "credentials.award", depends_on=depends_on, render=render_article
        ).html
    else:
        with_qr_code()
    return render(request, "credentials/award_detail.html", context)


def _qr_code(url: str) -> dict:
    """An SVG QR code of `url` as a data: URI with its size in pixels. Encoding costs ~8 ms
    (segno is pure Python) and the code is a pure function of the URL: kept in the cache."""
    key = "credentials:qr:" + hashlib.sha256(url.encode()).hexdigest()
    code = cache.get(key)
    if code is None:
        import segno

        qr = segno.make(url, error="m")
        width, _height = qr.symbol_size(scale=3, border=2)
        code = {"src": qr.svg_data_uri(scale=3, border=2), "size": width}
        cache.set(key, code, 7 * 24 * 3600)
    return code


def award_image(request, public_id):
    """The badge PNG; once the award is signed, baked: the signed credential is inside it."""
    award = _visible_award(request, public_id)
    image = award.badge_image
    # A revoked award's badge is not handed out: a clean image would make it look valid.
    if not image or award.is_revoked:
        raise Http404
    filename = f"{award.public_id}.png"
    if award.is_signed:
        try:
            baked = signing.baked_badge(award)
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = HttpResponse(baked, content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    try:
        handle = image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="image/png")


def _json_download(document: dict, filename: str) -> HttpResponse:
    # The same bytes as `manage.py export_credentials` writes.
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def award_credential(request, public_id):
    """The signed OpenBadgeCredential (JSON): the learner's always, anyone's when the award is public."""
    award = _visible_award(request, public_id)
    if not award.is_signed or award.is_revoked:
        raise Http404
    return _json_download(award.signed_credential, f"{award.public_id}.json")


@login_required
def learner_record(request):
    """All the learner's signed credentials as one signed CLR 2.0 ClrCredential."""
    with transaction.atomic():
        record = signing.build_learner_record(learner=request.user)
    if record is None:
        messages.info(request, _("You have no signed credentials to export yet."))
        return redirect("credentials:wallet")
    return _json_download(record, "learner-record.json")


@require_GET
def status_list(request, public_id):
    """The signed BitstringStatusListCredential, public; re-signed on every revocation."""
    status = get_object_or_404(StatusList.objects.only("signed_credential"), public_id=public_id)
    response = JsonResponse(status.signed_credential, json_dumps_params={"ensure_ascii": False})
    # Short: a revocation must reach verifiers quickly; any verifier may read it (CORS).
    response["Cache-Control"] = "public, max-age=30"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- verification ----------------------------------------------------------------------------

INPUT_ERRORS = {"malformed", "bad_image", "too_large", "empty"}


def _verify(data: bytes | None = None, credential: dict | None = None):
    kwargs = {"fetch_status_list": signing.fetch_status_list, "known_issuers": signing.known_issuers()}
    if credential is not None:
        return verify_credential(credential, **kwargs)
    return verify_upload(data, **kwargs)


def _is_input_error(result) -> bool:
    """Unreadable input (not JSON, not a PNG with a credential, too big): the client's fault."""
    return not result.signature_valid and any(problem.code in INPUT_ERRORS for problem in result.errors)


def _too_large(request) -> bool:
    # Checked on the declared length before the body is read (Django reads no more than it).
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_VERIFY_BYTES + 64 * 1024  # the file plus the form's other fields


@csrf_exempt  # only so that an oversized upload is refused before CSRF reads the body; see below
def verify(request):
    """Public verify page: paste or upload a credential / baked PNG, or ?award=<public id>."""
    if request.method == "POST" and _too_large(request):
        context = {**_verify_context(VerifyForm()), "upload_error": _("The file is larger than 2 MB.")}
        return render(request, "credentials/verify.html", context, status=400)
    return _verify_page(request)


@csrf_protect
def _verify_page(request):
    result = award = None
    status = 200
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            result = _verify(data=form.cleaned_data["data"])
            status = 400 if _is_input_error(result) else 200
        else:
            status = 400
    elif request.GET.get("award"):
        try:
            award = Award.objects.select_related("achievement").get(public_id=request.GET["award"])
        except (Award.DoesNotExist, ValidationError):
            raise Http404 from None
        if not award.is_visible_to(request.user) or not award.is_signed:
            raise Http404
        result = _verify(credential=award.signed_credential)
    else:  # the empty form: the same for everyone
        return pagecache.serve_page(
            request, lambda: render(request, "credentials/verify.html", _verify_context(form)), depends_on=[PORTAL]
        )
    return render(request, "credentials/verify.html", _verify_context(form, result, award), status=status)


def _achieved(result) -> dict:
    """What the credential says was achieved, beyond its English name: the Japanese edition
    (OB `related`, inLanguage ja) and the credits earned. Only read when the signature holds."""
    if result is None or not result.signature_valid or not isinstance(result.credential, dict):
        return {}
    subject = result.credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    related = achievement.get("related") if isinstance(achievement.get("related"), list) else []
    name_ja = next((r.get("name") for r in related if isinstance(r, dict) and r.get("inLanguage") == "ja"), None)
    credits = subject.get("creditsEarned")
    return {
        "name_ja": name_ja if isinstance(name_ja, str) else "",
        "credits": credits if isinstance(credits, int | float) else None,
    }


def _verify_context(form, result=None, award=None) -> dict:
    return {
        "form": form,
        "result": result,
        "achieved": _achieved(result),
        "award": award,
        "organization": _issuer_organization(result),
        "api_url": settings.SITE_URL + reverse("credentials:verify_api"),
    }


def _issuer_organization(result):
    if result is None or not result.issuer_known:
        return None
    return signing.organization_for_did(result.issuer_did)


def _client_address(request) -> str:
    """The address a client is counted under. Behind TRUSTED_PROXY_COUNT proxies, each appending the
    address it saw to X-Forwarded-For, the N-th entry from the right is the one the outermost trusted
    proxy saw; entries further left come from the client and may be forged."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


@csrf_exempt  # a machine endpoint: no session, no cookies, nothing changes; rate-limited instead
@require_POST
def verify_api(request):
    """POST a credential's JSON or a baked PNG as the body; answers the verification report."""
    bucket = f"credentials:verify-api:{_client_address(request)}"
    if hasattr(cache, "incr_window"):  # Redis (jige_portal.cache)
        calls = cache.incr_window(bucket, 60)
    else:
        cache.add(bucket, 0, timeout=60)
        try:
            calls = cache.incr(bucket)
        except ValueError:
            calls = 1
    if calls > settings.CREDENTIALS_VERIFY_RATE:
        return JsonResponse(
            {"error": "rate_limited", "message": _("Too many requests; try again in a minute.")}, status=429
        )
    if _too_large(request) or int(request.META.get("CONTENT_LENGTH") or 0) > MAX_VERIFY_BYTES:
        return JsonResponse({"error": "too_large", "message": _("The file is larger than 2 MB.")}, status=400)
    data = request.read(MAX_VERIFY_BYTES + 1)
    if len(data) > MAX_VERIFY_BYTES:
        return JsonResponse({"error": "too_large", "message": _("The file is larger than 2 MB.")}, status=400)
    if not data.strip():
        return JsonResponse({"error": "empty", "message": _("Paste a credential or choose a file.")}, status=400)
    result = _verify(data=data)
    return JsonResponse(
        result.as_dict(), status=400 if _is_input_error(result) else 200, json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_visibility(request, public_id):
    """Making an award public asks first (GET, or a POST without `confirm`); making it private does not."""
    award = get_object_or_404(Award.objects.with_related(), public_id=public_id, recipient=request.user)
    public = request.POST.get("public") == "1"
    if request.method == "POST" and (not public or request.POST.get("confirm") == "1"):
        services.set_award_visibility(award=award, user=request.user, public=public)
        if public:
            messages.success(request, _("Anyone with the link can now see this award."))
        else:
            messages.success(request, _("This award is now private: only you and portal staff can see it."))
        return redirect(award)
    if award.is_public:
        return redirect(award)
    return render(request, "credentials/award_make_public.html", {"award": award})


@login_required
def credit_bank(request):
    ledger = CreditLedger(request.user)
    return render(
        request,
        "credentials/credit_bank.html",
        {"ledger": ledger, "page": _page(request, ledger.entries)},
    )


@login_required
def recognition_request_create(request):
    form = RecognitionRequestForm(request.POST or None, learner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_recognition(
                learner=request.user,
                university=form.cleaned_data["university"],
                awards=list(form.cleaned_data["awards"]),
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request has been sent to the university."))
            return redirect("credentials:credit_bank")
    return render(request, "credentials/recognition_request_form.html", {"form": form})


# --- staff and faculty -------------------------------------------------------------------


def _require_manager(user):
    if not (user.is_portal_staff or user.has_role("faculty")):
        raise PermissionDenied


@login_required
def staff_index(request):
    _require_manager(request.user)
    achievements = (
        Achievement.objects.manageable_by(request.user)
        .with_related()
        .annotate(
            holders=Count("awards", filter=Q(awards__status=Award.Status.ISSUED)),
            revoked=Count("awards", filter=Q(awards__status=Award.Status.REVOKED)),
            pending=Count("awards", filter=Q(awards__status=Award.Status.PENDING)),
        )
        .order_by("name")
    )
    batches = BatchAward.objects.filter(created_by=request.user).select_related("achievement")[:5]
    waiting = RecognitionRequest.objects.for_university_staff(request.user).filter(
        status=RecognitionRequest.Status.PENDING
    )
    return render(
        request,
        "credentials/staff_index.html",
        {"page": _page(request, achievements), "batches": batches, "waiting_count": waiting.count()},
    )


@login_required
def staff_award(request):
    _require_manager(request.user)
    form = StaffAwardForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.create_batch_award(
                achievement=form.cleaned_data["achievement"],
                created_by=request.user,
                rows=form.cleaned_data["rows"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The awards are being issued."))
            return redirect(batch)
    initial_slug = request.GET.get("achievement")
    if request.method == "GET" and initial_slug:
        form.initial["achievement"] = form.fields["achievement"].queryset.filter(slug=initial_slug).first()
    return render(request, "credentials/staff_award_form.html", {"form": form})


def _own_batch(request, pk):
    _require_manager(request.user)
    batches = BatchAward.objects.select_related("achievement__issuer")
    if not request.user.is_portal_staff:
        batches = batches.filter(created_by=request.user)
    return get_object_or_404(batches, pk=pk)


@login_required
def batch_detail(request, pk):
    batch = _own_batch(request, pk)
    failures = [{**row, "label": BATCH_ERRORS.get(row["error"], row["error"])} for row in batch.failures]
    return render(
        request,
        "credentials/batch_detail.html",
        {"batch": batch, "failures": failures, "page": _page(request, failures, size=100)},
    )


@login_required
def batch_progress(request, pk):
    batch = _own_batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "total": batch.total,
            "processed": batch.processed,
            "succeeded": batch.succeeded,
            "failed": len(batch.failures),
            "percent": batch.percent,
            "done": batch.status == BatchAward.Status.DONE,
        }
    )


@login_required
def holder_list(request, slug):
    _require_manager(request.user)
    achievement = get_object_or_404(Achievement.objects.manageable_by(request.user).with_related(), slug=slug)
    awards = achievement.awards.select_related("recipient", "awarded_by").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in Award.Status.values:
        awards = awards.filter(status=status)
    return render(
        request,
        "credentials/holder_list.html",
        {
            "achievement": achievement,
            "page": _page(request, awards),
            "statuses": Award.Status.choices,
            "current_status": status,
        },
    )


@login_required
def award_revoke(request, public_id):
    award = get_object_or_404(Award.objects.with_related(), public_id=public_id)
    if not award.achievement.can_be_awarded_by(request.user):
        raise Http404 if not award.is_visible_to(request.user) else PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if award.is_revoked:
            messages.info(request, _("This award had already been revoked."))
            return redirect("credentials:holder_list", slug=award.achievement.slug)
        try:
            services.revoke_award(award=award, revoked_by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:  # e.g. the issuer key cannot be unlocked: nothing was written
            form.add_error(None, error)
        else:
            messages.success(request, _("The award has been revoked and the learner told."))
            return redirect("credentials:holder_list", slug=award.achievement.slug)
    return render(request, "credentials/award_revoke.html", {"award": award, "form": form})


@login_required
def recognition_queue(request):
    if not request.user.is_portal_staff:
        raise PermissionDenied
    requests = (
        RecognitionRequest.objects.for_university_staff(request.user)
        .select_related("learner", "university", "decided_by")
        .annotate(award_count=Count("awards"))
        .order_by("status", "-created_at")
    )
    return render(request, "credentials/recognition_queue.html", {"page": _page(request, requests)})


@login_required
def recognition_decide(request, pk):
    recognition = get_object_or_404(
        RecognitionRequest.objects.for_university_staff(request.user).select_related("learner", "university"),
        pk=pk,
    )
    awards = recognition.awards.select_related("achievement__issuer").order_by("achievement__name")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not recognition.can_be_decided_by(request.user):
            messages.info(request, _("This request has already been decided."))
            return redirect("credentials:recognition_queue")
        if form.is_valid():
            services.decide_recognition(
                request=recognition,
                decided_by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your decision has been sent to the learner."))
            return redirect("credentials:recognition_queue")
    return render(
        request,
        "credentials/recognition_decide.html",
        {"recognition": recognition, "awards": awards, "form": form},
    )
