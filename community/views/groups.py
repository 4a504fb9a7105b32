"""Group finder, group pages, membership management, posts and comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jige_portal.prepared import counted, prepared

from .. import caching, fragments, media, pagecache, services
from ..forms import (
    CommentForm,
    DecisionForm,
    FinderForm,
    GroupForm,
    GroupNotificationForm,
    InviteForm,
    JoinRequestForm,
    PostEditForm,
    PostForm,
    ReportForm,
)
from ..keyset import PARAM as KEYSET_PARAM
from ..keyset import KeysetPage, older_than, page_of, parse_cursor
from ..mentions import decode_mentions, mention_candidates
from ..models import (
    Comment,
    CommunityGroup,
    GroupFile,
    JoinRequest,
    Membership,
    Message,
    NotificationLevel,
    Participant,
    Post,
    Reaction,
    User,
)
from ..models.groups import card_states
from ..ratelimit import rate_limited
from ..search import apply_search
from ..translation import translated

PAGE_SIZE = 20
FEED_PAGE_SIZE = 20  # keyset_page's default, and the prepared pages'


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@prepared
def _membership_in(slug: str, user_id: int):
    return (
        Membership.objects.filter(group__slug=slug, user_id=user_id)
        .select_related("group__extra_category")
        .order_by()[:1]
    )


@prepared
def _unread_in_chat(group_id: int, user_id: int, joined_at):
    read_up_to = Participant.objects.filter(
        conversation__group_id=group_id, user_id=user_id, left_at__isnull=True
    ).values("last_read_at")[:1]
    return counted(
        Message.objects.filter(conversation__group_id=group_id, is_hidden=False)
        .exclude(sender_id=user_id)
        .filter(created_at__gt=Coalesce(Subquery(read_up_to), Value(joined_at)))
    )


@prepared
def _pending_requests(group_id: int):
    return counted(
        JoinRequest.objects.filter(group_id=group_id, status=JoinRequest.Status.PENDING, kind=JoinRequest.Kind.REQUEST)
    )


class GroupAccess:
    """What the current member may see and do in one group.

    Secret groups do not exist for non-members (404). The posts, comments and member list of a
    private group (by request, invitation only, or secret) exist only for its members: every
    view that shows them calls `require_content()`, which answers 404.
    """

    def __init__(self, request, slug):
        self.user = request.user
        # Most visits are members': their membership brings the group along, in one query.
        # The group's further category is on its header; its organization and campus are on no
        # page of the group.
        self.membership = _membership_in.first(slug, self.user.pk) if self.user.is_authenticated else None
        if self.membership is not None:
            self.group = self.membership.group
        else:
            self.group = get_object_or_404(CommunityGroup.objects.select_related("extra_category"), slug=slug)
        self.is_staff = self.user.is_portal_staff
        if self.group.is_secret and not self.membership and not self.is_staff and not self._is_invited():
            raise Http404

    def _is_invited(self):
        return JoinRequest.objects.filter(
            group=self.group, user=self.user, kind=JoinRequest.Kind.INVITATION, status=JoinRequest.Status.PENDING
        ).exists()

    @property
    def is_member(self):
        return self.membership is not None

    @property
    def can_see_content(self):
        return self.is_member or self.is_staff or not self.group.content_is_private

    @property
    def can_manage(self):
        return (self.membership is not None and self.membership.is_manager) or self.is_staff

    def require_content(self):
        if not self.can_see_content:
            raise Http404

    def require_member(self):
        if not self.is_member:
            raise PermissionDenied

    def require_manager(self):
        if not self.can_manage:
            raise PermissionDenied


def _posts_for(group_filter, user):
    """Posts with their reaction counts and the member's own reactions, in one query. Counted
    by subqueries, not a join: the database counts only the page's posts, after the LIMIT."""
    return Post.objects.for_feed().filter(group_filter).with_reactions(user)


# What a post card shows (templates/community/_post.html), and the feed's order: the author's
# and the group's rows are wide.
POST_CARD_FIELDS = (
    "group",
    "author",
    "body_html",
    "image",
    "created_at",
    "edited_at",
    "comment_count",
    *User.byline_fields("author"),
    "group__slug",
    *translated("group__name"),
    "attachment__original_name",
    "attachment__size",
)


def _post_cards(group_filter, user):
    return _posts_for(group_filter, user).only(*POST_CARD_FIELDS)


def _group_posts_query(group_id: int):
    return Post.objects.for_feed().filter(group_id=group_id).with_reaction_counts().only(*POST_CARD_FIELDS)


@prepared
def _group_posts(group_id: int):
    """The first page of a group's posts (and one more), newest first, with their reaction tallies."""
    return _group_posts_query(group_id).order_by("-created_at", "-pk")[: FEED_PAGE_SIZE + 1]


@prepared
def _group_posts_after(group_id: int, moment, pk: int):
    older = _group_posts_query(group_id).filter(older_than(moment, pk))
    return older.order_by("-created_at", "-pk")[: FEED_PAGE_SIZE + 1]


@prepared
def _own_reactions_between(user_id: int, first: int, last: int):
    return Reaction.objects.of_user_between(user_id, first, last)


def _group_feed(request, access) -> KeysetPage:
    """A page of the group's posts. It looks the same to every viewer who may read it (but for
    whether they may react), so it is rendered once and shared between them (pagecache.shared)
    while the group and its authors' names and pictures are unchanged; the member's own
    reactions are pressed after it is read (one query for the page's posts)."""
    group, can_react = access.group, access.is_member

    def render():
        position = parse_cursor(request.GET.get(KEYSET_PARAM, ""))
        rows = _group_posts(group.pk) if position is None else _group_posts_after(group.pk, *position)
        page = page_of(rows, per_page=FEED_PAGE_SIZE, is_first=position is None)
        fragments.attach_post_cards(request, page.object_list, can_react=can_react, shared=True)
        cards = [(post.pk, str(post.fragment_html)) for post in page.object_list]
        return "", {"cards": cards, "next_cursor": page.next_cursor, "is_first": page.is_first}

    feed = pagecache.shared(
        request,
        "group-posts",
        depends_on=[caching.group(group.pk), caching.BYLINES],
        render=render,
        parts=(can_react,),
    ).data
    own = {}
    if can_react and feed["cards"]:
        shown = {pk for pk, _html in feed["cards"]}
        for post_id, kind in _own_reactions_between(request.user.pk, min(shown), max(shown)):
            if post_id in shown:  # the range may hold posts of other groups, or not on this page
                own.setdefault(post_id, set()).add(kind)
    cards = fragments.personal_post_cards(request, feed["cards"], own)
    return KeysetPage(object_list=cards, next_cursor=feed["next_cursor"], is_first=feed["is_first"])


@login_required
def group_list(request):
    """The group finder."""
    depends_on = [caching.PORTAL, caching.GROUPS, caching.member(request.user.pk)]
    return pagecache.serve_page(request, lambda: _group_list(request), depends_on=depends_on)


def _group_list(request):
    user = request.user
    suggestions = suggested_groups(user, user.profile) if not request.GET else []
    fragments.attach_group_cards(request, suggestions)
    my_phase = user.profile.phase if request.GET.get("phase") == "mine" else ""

    def own_results():
        return pagecache.Shared(*_finder_results(request, CommunityGroup.objects.visible_to(user), my_phase))

    # What a member finds is the same as what any member finds, but for the secret groups they
    # belong to (and staff see all): the results of a search are shared between the others.
    if user.is_portal_staff:
        results = own_results()
    else:
        results = pagecache.shared(
            request,
            "community.finder",
            depends_on=[caching.PORTAL, caching.GROUPS],
            render=lambda: _finder_results(request, CommunityGroup.objects.public(), my_phase),
            parts=(my_phase,),
        )
    shown = [group.pk for group in suggestions]
    states, in_secret_group = card_states(user, [*shown, *results.data["pks"]])
    if in_secret_group and not user.is_portal_staff:
        results = own_results()
        states, _in_secret_group = card_states(user, [*shown, *results.data["pks"]])
    return render(
        request,
        "community/group_list.html",
        {
            "finder_form": mark_safe(results.data["form"]),  # noqa: S308 - rendered by our template
            "suggestions": suggestions,
            "suggestion_cards": fragments.with_group_states("".join(g.fragment_html for g in suggestions), states),
            "results": fragments.with_group_states(results.html, states),
        },
    )


def _finder_results(request, groups, my_phase) -> tuple[str, dict]:
    """The finder's form and the page of `groups` it finds, with a slot in each card for the
    viewer's part (fragments.with_group_states), and the pks of the groups shown."""
    form = FinderForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        groups = apply_search(groups, data["q"])
        if data["category"].startswith("extra-"):
            groups = groups.filter(extra_category__slug=data["category"].removeprefix("extra-"))
        elif data["category"]:
            groups = groups.filter(category=data["category"])
        if data["organization"]:
            groups = groups.filter(Q(organization=data["organization"]) | Q(campus__organization=data["organization"]))
        if data["language"]:
            groups = groups.filter(language__in=[data["language"], ""])
        phase = my_phase if data["phase"] == "mine" else data["phase"]
        if phase:
            groups = groups.filter(phase__in=[phase, ""])
    page = paginate(request, groups.for_cards().order_by("-member_count", "name", "pk"))
    fragments.attach_group_cards(request, page.object_list)
    context = {"form": form, "page": page, "searched": bool(request.GET), "query": request.GET.urlencode()}
    html = render_to_string("community/_finder_results.html", context, request)
    form_html = render_to_string("community/_finder_form.html", context, request)
    return html, {"form": form_html, "pks": [group.pk for group in page.object_list]}


def suggested_groups(user, profile, limit=6):
    """Groups the member has not joined that match their profile (one query, plus interests)."""
    interest_ids = list(profile.interests.values_list("pk", flat=True))
    match = Q(pk__in=[])
    if user.organization_id:
        match |= Q(organization_id=user.organization_id)
    for campus_id in {profile.home_campus_id, profile.host_campus_id} - {None}:
        match |= Q(campus_id=campus_id)
    if interest_ids:
        match |= Q(interest_id__in=interest_ids)
    if profile.field_of_study:
        match |= Q(field_of_study=profile.field_of_study)
    if profile.year_of_study:
        match |= Q(year_of_study=profile.year_of_study)
    if profile.phase:
        match |= Q(phase=profile.phase)
    return list(
        CommunityGroup.objects.filter(visibility=CommunityGroup.Visibility.PUBLIC)
        .filter(match)
        .exclude(memberships__user=user)
        .for_cards()
        .order_by("-member_count", "name")[:limit]
    )


@login_required
def group_create(request):
    form = GroupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        group = services.create_group(owner=request.user, **data)
        messages.success(request, _("Your group has been created."))
        return redirect(group)
    return render(request, "community/group_form.html", {"form": form})


@login_required
def group_edit(request, slug):
    access = GroupAccess(request, slug)
    access.require_manager()
    form = GroupForm(request.POST or None, request.FILES or None, instance=access.group)
    if request.method == "POST" and form.is_valid():
        services.update_group(group=access.group, by=request.user, **form.cleaned_data)
        messages.success(request, _("The group has been saved."))
        return redirect(access.group)
    return render(request, "community/group_form.html", {"form": form, "group": access.group})


@login_required
def group_detail(request, slug):
    def resolve():
        access = GroupAccess(request, slug)
        # The group's version covers what GroupAccess read: the group, the member's membership,
        # request or invitation; member(pk), added by the cache, covers staff roles.
        # inbox(pk) covers the group chat's unread count: it changes when the member reads it.
        depends_on = [caching.PORTAL, caching.group(access.group.pk), caching.inbox(request.user.pk)]
        return depends_on, lambda: _group_page(request, access)

    return pagecache.serve(request, resolve)


def _chat_unread(group, membership) -> int:
    """Messages of others in the group chat since the member last read it (or since they joined,
    before they first open it); none when they muted the group. One query."""
    if membership.notification_level == NotificationLevel.MUTE:
        return 0
    return _unread_in_chat.count(group.pk, membership.user_id, membership.joined_at)


def _member_tools(request, group, membership):
    """The member's notification settings for the group and the new post form: alike for every
    member with the same settings (fragments.rendered_once)."""
    level, email_mode = membership.notification_level, membership.email_mode

    def context():
        return {
            "group": group,
            "post_form": None if group.is_archived else PostForm(),
            "notification_form": GroupNotificationForm(initial={"notification_level": level, "email_mode": email_mode}),
        }

    inputs = (group.slug, group.is_archived, level, email_mode)
    return fragments.rendered_once(request, "community/_group_member_tools.html", inputs, context)


def _group_page(request, access):
    group = access.group
    context = {
        "group": group,
        "access": access,
        "member_count": group.member_count,
        "pending_request": None,
        "invitation": None,
    }
    if not access.is_member:
        pending = JoinRequest.objects.filter(group=group, user=request.user, status=JoinRequest.Status.PENDING).first()
        if pending and pending.kind == JoinRequest.Kind.INVITATION:
            context["invitation"] = pending
        else:
            context["pending_request"] = pending
        context["last_decision"] = (
            JoinRequest.objects.filter(group=group, user=request.user, kind=JoinRequest.Kind.REQUEST)
            .exclude(status=JoinRequest.Status.PENDING)
            .first()
        )
        context["join_form"] = JoinRequestForm()
    if access.can_see_content:
        context["page"] = _group_feed(request, access)
    if access.is_member:
        context["chat_unread"] = _chat_unread(group, access.membership)
        context["member_tools"] = _member_tools(request, group, access.membership)
    if access.can_manage:
        context["pending_count"] = _pending_requests.count(group.pk)
    return render(request, "community/group_detail.html", context)


@login_required
@require_POST
def group_join(request, slug):
    access = GroupAccess(request, slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["message"][0])
        return redirect(access.group)
    message = form.cleaned_data["message"]
    try:
        result = services.join_group(group=access.group, user=request.user, message=message)
    except PermissionDenied:
        messages.error(request, _("This group is by invitation only."))
        return redirect(access.group)
    if isinstance(result, Membership):
        messages.success(request, _("Welcome to the group!"))
    else:
        messages.success(request, _("Your request has been sent to the group admins."))
    return redirect(access.group)


@login_required
@require_POST
def group_leave(request, slug):
    access = GroupAccess(request, slug)
    try:
        services.leave_group(group=access.group, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(access.group)
    messages.success(request, _("You have left the group."))
    if access.group.is_secret:
        return redirect("community:group_list")
    return redirect(access.group)


@login_required
@require_POST
def group_notification_settings(request, slug):
    access = GroupAccess(request, slug)
    access.require_member()
    form = GroupNotificationForm(request.POST)
    if form.is_valid():
        services.update_group_notification_settings(
            membership=access.membership,
            level=form.cleaned_data["notification_level"],
            email_mode=form.cleaned_data["email_mode"],
        )
        messages.success(request, _("Your notification settings for this group have been saved."))
    return redirect(access.group)


@login_required
def group_members(request, slug):
    access = GroupAccess(request, slug)
    access.require_content()
    memberships = Membership.objects.filter(group=access.group).select_related("user", "user__organization")
    rank = Case(When(role=Membership.Role.OWNER, then=0), When(role=Membership.Role.ADMIN, then=1), default=2)
    memberships = memberships.order_by(rank, "user__display_name", "pk")
    return render(
        request,
        "community/group_members.html",
        {
            "group": access.group,
            "access": access,
            "page": paginate(request, memberships, per_page=50),
            "invite_form": InviteForm() if access.can_manage else None,
            "roles": Membership.Role.choices,
        },
    )


@login_required
@require_POST
def member_manage(request, slug, user_id):
    """Owners and admins: remove a member or change their role."""
    access = GroupAccess(request, slug)
    access.require_manager()
    membership = get_object_or_404(Membership.objects.select_related("user"), group=access.group, user_id=user_id)
    try:
        if request.POST.get("action") == "remove":
            services.remove_member_by_manager(group=access.group, user=membership.user, by=request.user)
            messages.success(request, _("The member has been removed."))
        elif request.POST.get("role") in Membership.Role.values:
            services.change_member_role(
                group=access.group, user=membership.user, role=request.POST["role"], by=request.user
            )
            messages.success(request, _("The role has been changed."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("community:group_members", slug=slug)


@login_required
@require_POST
def member_invite(request, slug):
    access = GroupAccess(request, slug)
    access.require_manager()
    form = InviteForm(request.POST)
    if form.is_valid():
        invitation = services.invite_member(group=access.group, user=form.cleaned_data["user"], by=request.user)
        if invitation is None:
            messages.info(request, _("This person is a member already."))
        else:
            messages.success(request, _("The invitation has been sent."))
    else:
        messages.error(request, form.errors["email"][0])
    return redirect("community:group_members", slug=slug)


@login_required
@require_POST
def invitation_answer(request, slug):
    access = GroupAccess(request, slug)
    invitation = get_object_or_404(
        JoinRequest,
        group=access.group,
        user=request.user,
        kind=JoinRequest.Kind.INVITATION,
        status=JoinRequest.Status.PENDING,
    )
    accept = request.POST.get("answer") == "accept"
    services.answer_invitation(invitation=invitation, user=request.user, accept=accept)
    messages.success(request, _("Welcome to the group!") if accept else _("You have declined the invitation."))
    return redirect(access.group)


@login_required
def group_requests(request, slug):
    access = GroupAccess(request, slug)
    access.require_manager()
    requests = (
        JoinRequest.objects.filter(group=access.group, kind=JoinRequest.Kind.REQUEST)
        .select_related("user", "decided_by")
        .order_by("status", "-created_at")
    )
    pending = requests.filter(status=JoinRequest.Status.PENDING)
    history = requests.exclude(status=JoinRequest.Status.PENDING)
    return render(
        request,
        "community/group_requests.html",
        {
            "group": access.group,
            "pending": paginate(request, pending, per_page=50),
            "history": history[:50],
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def request_decide(request, slug, pk):
    access = GroupAccess(request, slug)
    access.require_manager()
    join_request = get_object_or_404(JoinRequest, pk=pk, group=access.group, kind=JoinRequest.Kind.REQUEST)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["response"][0])
        return redirect("community:group_requests", slug=slug)
    response = form.cleaned_data["response"]
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_join_request(join_request=join_request, by=request.user, approve=approve, response=response)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The request has been approved.") if approve else _("The request has been declined.")
        )
    return redirect("community:group_requests", slug=slug)


@login_required
@require_POST
@rate_limited("post")
def post_create(request, slug):
    access = GroupAccess(request, slug)
    access.require_member()
    form = PostForm(request.POST, request.FILES)
    if form.is_valid():
        services.create_post(
            group=access.group,
            author=request.user,
            body=form.cleaned_data["body"],
            image=form.cleaned_data["image"],
            attachment=form.cleaned_data["attachment"],
        )
        messages.success(request, _("Your post has been published."))
        return redirect(access.group)
    return render(
        request, "community/post_form.html", {"group": access.group, "form": form, "creating": True}, status=400
    )


def _files_of(access):
    """The group's files, for its members (and staff) only: 404 for everyone else, also for
    former members and in public groups, whose posts anyone may read."""
    if not (access.is_member or access.is_staff):
        raise Http404
    files = GroupFile.objects.filter(group=access.group)
    return files if access.is_staff else files.filter(post__is_hidden=False)


@login_required
def group_files(request, slug):
    access = GroupAccess(request, slug)
    files = _files_of(access).select_related("uploaded_by").order_by("-created_at", "-pk")
    return render(
        request,
        "community/groupfile_list.html",
        {"group": access.group, "access": access, "page": paginate(request, files)},
    )


@login_required
def group_file_download(request, slug, pk):
    """The file as a download with the type its content was checked to have, whatever the
    browser would guess (nosniff), under its sanitised original name."""
    access = GroupAccess(request, slug)
    group_file = get_object_or_404(_files_of(access), pk=pk)
    return media.send_protected(
        group_file.file.name,
        content_type=group_file.content_type,
        inline=False,
        filename=group_file.original_name,
    )


@login_required
def group_mentions(request, slug):
    """Members of the group whose name starts as typed after "@" (JSON, for the composer)."""
    access = GroupAccess(request, slug)
    access.require_member()
    members = User.objects.filter(memberships__group=access.group)
    return JsonResponse({"results": mention_candidates(members, request.GET.get("q", "")[:80], viewer=request.user)})


def _post_in(access, pk):
    access.require_content()
    return get_object_or_404(_posts_for(Q(group=access.group), access.user), pk=pk)


@login_required
def post_detail(request, slug, pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    comments = post.comments.filter(is_hidden=False).select_related("author").order_by("created_at", "pk")
    return render(
        request,
        "community/post_detail.html",
        {
            "group": access.group,
            "access": access,
            "post": post,
            "comments": paginate(request, comments, per_page=50),
            "comment_form": CommentForm() if access.is_member and not access.group.is_archived else None,
            "report_form": ReportForm(),
            "can_delete": post.author_id == request.user.pk or access.can_manage,
        },
    )


@login_required
def post_edit(request, slug, pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    form = PostEditForm(request.POST or None, initial={"body": decode_mentions(post.body)})
    if request.method == "POST" and form.is_valid():
        services.edit_post(post=post, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your post has been saved."))
        return redirect(post)
    return render(request, "community/post_form.html", {"group": access.group, "form": form, "post": post})


@login_required
@require_POST
def post_delete(request, slug, pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    services.delete_post(post=post, by=request.user)
    messages.success(request, _("The post has been deleted."))
    return redirect(access.group)


@login_required
@require_POST
def post_react(request, slug, pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    access.require_member()
    if request.POST.get("kind") in Reaction.Kind.values:
        services.toggle_reaction(post=post, user=request.user, kind=request.POST["kind"])
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(f"{target}#post-{post.pk}")
    return redirect(access.group)


@login_required
@require_POST
@rate_limited("comment")
def comment_create(request, slug, pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    access.require_member()
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(post=post, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment has been published."))
        return redirect(post)
    comments = post.comments.filter(is_hidden=False).select_related("author")
    return render(
        request,
        "community/post_detail.html",
        {
            "group": access.group,
            "access": access,
            "post": post,
            "comments": paginate(request, comments, per_page=50),
            "comment_form": form,
            "report_form": ReportForm(),
        },
        status=400,
    )


@login_required
@require_POST
def comment_delete(request, slug, pk, comment_pk):
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, post=post)
    services.delete_comment(comment=comment, by=request.user)
    messages.success(request, _("The comment has been deleted."))
    return redirect(post)


@login_required
@require_POST
def content_report(request, slug, pk):
    """Report a post (or, with comment=<id>, one of its comments) to the moderators."""
    access = GroupAccess(request, slug)
    post = _post_in(access, pk)
    comment = None
    if request.POST.get("comment"):
        comment = get_object_or_404(Comment, pk=request.POST["comment"], post=post)
    form = ReportForm(request.POST)
    if form.is_valid():
        services.report_content(
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            post=None if comment else post,
            comment=comment,
        )
        messages.success(request, _("Thank you: the moderators will look at it."))
    else:
        messages.error(request, _("Please say briefly what is wrong."))
    return redirect(post)


@prepared
def _feed_first_page(user_id: int):
    # Only the next page's worth of each group's posts is a candidate (see newest_in_groups_of).
    newest = Post.objects.newest_in_groups_of(user_id, FEED_PAGE_SIZE + 1)
    return _post_cards(Q(pk__in=newest), user_id).order_by("-created_at", "-pk")[: FEED_PAGE_SIZE + 1]


@prepared
def _feed_page_after(user_id: int, moment, pk: int):
    newest = Post.objects.newest_in_groups_of(user_id, FEED_PAGE_SIZE + 1, before=(moment, pk))
    older = _post_cards(Q(pk__in=newest), user_id).filter(older_than(moment, pk))
    return older.order_by("-created_at", "-pk")[: FEED_PAGE_SIZE + 1]


@login_required
def feed(request):
    """Posts of every group the member belongs to, a keyset page at a time."""
    before = parse_cursor(request.GET.get(KEYSET_PARAM, ""))
    rows = _feed_first_page(request.user.pk) if before is None else _feed_page_after(request.user.pk, *before)
    page = page_of(rows, per_page=FEED_PAGE_SIZE, is_first=before is None)
    fragments.attach_post_cards(request, page.object_list, show_group=True)
    return render(request, "community/feed.html", {"page": page})
