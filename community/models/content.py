"""Posts, comments and reactions in groups; conversations and messages; reports and blocks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jige_portal.urltag import reverse_remembered

from ..markup import render_text
from ..search import search_text
from .groups import CommunityGroup, Membership, NotificationLevel

MAX_TEXT_LENGTH = 10_000


class PostQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def for_feed(self):
        # The attachment rides along in the same query: cards show its name.
        return self.visible().select_related("author", "group", "attachment").order_by("-created_at", "-pk")

    def with_reactions(self, user):
        """Each post's count of every reaction kind and the kinds `user` gave it, in two
        subqueries (six, one per kind and question, cost more to build than the rows they read):
        `reaction_tally` ("3,0,1", in Reaction.Kind's order) and `my_reactions` ("like,thanks")."""
        mine = (
            Reaction.objects.filter(post=OuterRef("pk"), user=user)
            .order_by()
            .values("post")
            .annotate(kinds=StringAgg("kind", Value(",")))
            .values("kinds")
        )
        return self.with_reaction_counts().annotate(my_reactions=Subquery(mine))

    def with_reaction_counts(self):
        """Each post's count of every reaction kind (`reaction_tally`), as every viewer sees it."""
        counts = []
        for kind in Reaction.Kind.values:
            counts += [Cast(Count("pk", filter=Q(kind=kind)), models.CharField()), Value(",")]
        tally = (
            Reaction.objects.filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(tally=Concat(*counts[:-1], output_field=models.CharField()))
            .values("tally")
        )
        return self.annotate(reaction_tally=Subquery(tally))

    def newest_in_groups_of(self, user_id: int, limit: int, *, before=None):
        """The `limit` newest visible posts of each group the member `user_id` belongs to (older than `before`,
        a (created_at, pk) position), as a pk subquery for `filter(pk__in=…)`: feeds then sort
        a few rows per group.

        `group__in=<their groups>` ordered by date made PostgreSQL read, annotate and sort every
        post of those groups (90 ms for three large groups); a LATERAL join walks each group's
        (group, -created_at) index for `limit` rows and stops.
        """
        post, membership = self.model._meta.db_table, Membership._meta.db_table
        condition, params = "", []
        if before is not None:
            moment, pk = before
            condition = " AND (p.created_at < %s OR (p.created_at = %s AND p.id < %s))"
            params = [moment, moment, pk]
        sql = (
            f"SELECT newest.id FROM {membership} m CROSS JOIN LATERAL ("  # noqa: S608 - table names from the models
            f"SELECT p.id FROM {post} p WHERE p.group_id = m.group_id AND NOT p.is_hidden{condition} "
            "ORDER BY p.created_at DESC, p.id DESC LIMIT %s) newest WHERE m.user_id = %s"
        )
        return RawSQL(sql, [*params, limit, user_id])

    def readable_by(self, user):
        """Posts not hidden by a moderator in groups whose content `user` may read: open public
        groups, and every group they belong to (staff read all), as on the group pages."""
        posts = self.visible()
        if user.is_authenticated and user.is_portal_staff:
            return posts
        open_groups = CommunityGroup.objects.filter(
            visibility=CommunityGroup.Visibility.PUBLIC, join_policy=CommunityGroup.JoinPolicy.OPEN
        )
        readable = Q(group__in=open_groups)
        if user.is_authenticated:
            readable |= Q(group__in=CommunityGroup.objects.of_member(user))
        return posts.filter(readable)


class Post(models.Model):
    # No index of its own: the (group, -created_at) index serves every lookup by group, and with a
    # second one PostgreSQL sorted all of a large group's posts to find a feed's newest.
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="posts", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_posts")
    body = models.TextField(_("text"), max_length=MAX_TEXT_LENGTH)
    body_html = models.TextField(editable=False, default="")
    image = models.ImageField(_("image"), upload_to="posts/%Y/%m/", blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.body_html = render_text(self.body)
        self.search_text = search_text(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("community:post_detail", args=[self.group.slug, self.pk])

    @property
    def reaction_counts(self) -> tuple[int, ...]:
        """The count of each reaction kind, in Reaction.Kind's order; needs with_reactions()."""
        tally = getattr(self, "reaction_tally", None)
        return tuple(int(n) for n in tally.split(",")) if tally else (0,) * len(Reaction.Kind.values)

    @property
    def own_reactions(self) -> frozenset[str]:
        """The kinds the member the query asked for gave this post; needs with_reactions()."""
        return frozenset((getattr(self, "my_reactions", None) or "").split(",")) - {""}

    @property
    def reaction_summary(self):
        """(kind, label, count, mine) per reaction kind; needs PostQuerySet.with_reactions()."""
        mine = self.own_reactions
        return [
            (kind, label, count, kind in mine)
            for (kind, label), count in zip(Reaction.Kind.choices, self.reaction_counts, strict=True)
        ]


GROUP_FILE_FOLDER = "group-files"


def group_file_path(instance, filename):
    # A random name: the uploader's name is kept for display only (`original_name`).
    return f"{GROUP_FILE_FOLDER}/{instance.group_id}/{filename}"


class GroupFileQuerySet(models.QuerySet):
    def listed(self):
        """Files of posts that a moderator has not hidden, newest first."""
        return self.filter(post__is_hidden=False).select_related("uploaded_by").order_by("-created_at", "-pk")


class GroupFile(models.Model):
    """A file a member attached to a post (community/attachments.py checked its content)."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="files")
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="attachment")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=group_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=130)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(pgettext_lazy("a file", "size"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = GroupFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("group file")
        verbose_name_plural = _("group files")
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse_remembered("community:group_file_download", args=[self.group.slug, self.pk])


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_comments")
    body = models.TextField(_("comment"), max_length=MAX_TEXT_LENGTH)
    body_html = models.TextField(editable=False, default="")
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.body_html = render_text(self.body)
        super().save(*args, **kwargs)


class ReactionQuerySet(models.QuerySet):
    def of_user_between(self, user_id: int, first: int, last: int):
        """(post id, kind) of the member's reactions to the posts with ids from `first` to `last`
        (a page of posts as a range: the same SQL whatever posts the page holds)."""
        return (
            self.filter(user_id=user_id, post_id__gte=first, post_id__lte=last)
            .order_by()
            .values_list("post_id", "kind")
        )


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        THANKS = "thanks", _("Thanks")
        CELEBRATE = "celebrate", _("Celebrate")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("reaction"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once")]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}"


class ConversationQuerySet(models.QuerySet):
    def of_user(self, user):
        return self.filter(participants__user=user, participants__left_at__isnull=True)


class Conversation(models.Model):
    """A one-to-one or small group conversation, or a group's own chat (`group` set).

    A group chat has no participant limit: every member of the group may read and write, and
    takes a seat (their read marker) when they first open it; the seat ends when they leave."""

    MAX_PARTICIPANTS = 12

    title = models.CharField(_("title"), max_length=120, blank=True)
    group = models.OneToOneField(
        CommunityGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat",
        verbose_name=_("group chat of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True, db_index=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]

    def __str__(self):
        return self.title or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse_remembered("community:conversation", args=[self.pk])


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)

    def with_names(self, *fields):
        """With each member's name and picture, and nothing else of their wide row (the name
        needs erased_at), nor of the seat but `fields`: for lists of who is in a conversation."""
        from .people import User

        return self.select_related("user").only("conversation", "user", *fields, *User.byline_fields("user"))

    def unread(self):
        return (
            self.active()
            .filter(
                conversation__last_message_at__isnull=False,
            )
            .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=F("conversation__last_message_at")))
        )

    def not_muted(self, user):
        """Without the chats of groups the member has muted: they make no unread badge."""
        muted = Membership.objects.filter(user=user, notification_level=NotificationLevel.MUTE).values("group_id")
        return self.exclude(conversation__group_id__in=muted)


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats")
    last_read_at = models.DateTimeField(_("read up to"), null=True, blank=True)
    # The unread-message e-mail sweep records what it has told the member about.
    emailed_up_to = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="participant_once")]
        indexes = [models.Index(fields=["user", "left_at"])]

    def __str__(self):
        return f"{self.user} – {self.conversation}"


class Message(models.Model):
    # No index of its own: the (conversation, created_at) index serves every lookup by conversation,
    # and with a second one PostgreSQL counted unread messages by reading all of a conversation's.
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=MAX_TEXT_LENGTH)
    body_html = models.TextField(editable=False, default="")
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.body_html = render_text(self.body)
        super().save(*args, **kwargs)


MESSAGE_FILE_FOLDER = "message-files"


def message_file_path(instance, filename):
    # A random name, as for group files; the folder is the conversation's.
    return f"{MESSAGE_FILE_FOLDER}/{instance.message.conversation_id}/{filename}"


class MessageAttachment(models.Model):
    """A file attached to a message (community/attachments.py checked its content); served only
    to the conversation's current participants (views.messaging.message_file_download)."""

    MAX_PER_MESSAGE = 5

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=message_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=130)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(pgettext_lazy("a file", "size"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("message file")
        verbose_name_plural = _("message files")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse_remembered("community:message_file_download", args=[self.message.conversation_id, self.pk])

    @property
    def kind(self) -> str:
        """The type as its extension says it ("PDF", "DOCX", "JPG"): the same in every language."""
        return self.original_name.rsplit(".", 1)[-1].upper()


class Block(models.Model):
    """`blocker` receives no messages from `blocked`."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker} ⊘ {self.blocked}"


class Report(models.Model):
    """A post, comment or message reported to the moderators."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        HIDDEN = "hidden", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, comment__isnull=True, message__isnull=True)
                    | Q(post__isnull=True, comment__isnull=False, message__isnull=True)
                    | Q(post__isnull=True, comment__isnull=True, message__isnull=False)
                ),
                name="report_exactly_one_target",
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.reason[:40]}"

    @property
    def target(self):
        return self.post or self.comment or self.message

    def clean(self):
        if not (self.post_id or self.comment_id or self.message_id):
            raise ValidationError(_("A report needs a post, comment or message."))
