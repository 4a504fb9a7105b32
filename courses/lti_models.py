"""LTI 1.3: the platforms (LMSs) registered by staff, the tool's own signing keys, the course
placements (resource links) and the scores waiting to be sent back. Imported by courses.models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LtiPlatform(models.Model):
    """An LMS that launches the portal (Moodle, Canvas, Blackboard…), as its administrator registered the portal."""

    name = models.CharField(_("name"), max_length=100)
    issuer = models.URLField(
        _("issuer"), max_length=300, help_text=_("The platform’s issuer (iss), e.g. https://moodle.example.ac.jp")
    )
    client_id = models.CharField(
        _("client ID"), max_length=200, help_text=_("The client ID the platform gave the portal.")
    )
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    jwks_url = models.URLField(_("public keyset URL"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI platform")
        verbose_name_plural = _("LTI platforms")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_once")]

    def __str__(self):
        return self.name


class LtiDeployment(models.Model):
    platform = models.ForeignKey(
        LtiPlatform, on_delete=models.CASCADE, related_name="deployments", verbose_name=_("platform")
    )
    deployment_id = models.CharField(_("deployment ID"), max_length=200)

    class Meta:
        verbose_name = _("LTI deployment")
        verbose_name_plural = _("LTI deployments")
        constraints = [models.UniqueConstraint(fields=["platform", "deployment_id"], name="lti_deployment_once")]

    def __str__(self):
        return self.deployment_id


class LtiToolKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)


class LtiToolKey(models.Model):
    """The portal's RSA key for its deep-linking responses and client assertions. The private half
    is stored encrypted with CREDENTIALS_KEY_ENCRYPTION_KEY, like the issuers' signing keys."""

    kid = models.CharField(_("key id"), max_length=100, unique=True)
    public_jwk = models.JSONField(_("public key"), editable=False)
    encrypted_private_key = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = LtiToolKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("LTI tool key")
        verbose_name_plural = _("LTI tool keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"], condition=Q(retired_at__isnull=True), name="lti_tool_key_one_active"
            )
        ]

    def __str__(self):
        return self.kid


class LtiAccount(models.Model):
    """A platform's user (its `sub`) linked to a portal account."""

    platform = models.ForeignKey(
        LtiPlatform, on_delete=models.CASCADE, related_name="accounts", verbose_name=_("platform")
    )
    subject = models.CharField(_("platform user ID"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI account link")
        verbose_name_plural = _("LTI account links")
        constraints = [models.UniqueConstraint(fields=["platform", "subject"], name="lti_account_once")]

    def __str__(self):
        return f"{self.platform} {self.subject}"


class LtiResourceLink(models.Model):
    """A placement of the portal in a course: it opens a module (or a group) chosen by Deep Linking."""

    deployment = models.ForeignKey(
        LtiDeployment, on_delete=models.CASCADE, related_name="links", verbose_name=_("deployment")
    )
    resource_link_id = models.CharField(_("resource link ID"), max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    module = models.ForeignKey(
        "courses.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_links",
        verbose_name=_("module"),
    )
    group = models.ForeignKey(
        "community.CommunityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community group"),
    )
    lineitem_url = models.URLField(_("line item URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI resource link")
        verbose_name_plural = _("LTI resource links")
        constraints = [models.UniqueConstraint(fields=["deployment", "resource_link_id"], name="lti_link_once")]

    def __str__(self):
        return self.title or self.resource_link_id


class LtiLaunch(models.Model):
    """Who has opened which placement: the learners whose completion goes back to that course."""

    link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="launches")
    account = models.ForeignKey(LtiAccount, on_delete=models.CASCADE, related_name="launches")
    last_launched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("LTI launch")
        verbose_name_plural = _("LTI launches")
        constraints = [models.UniqueConstraint(fields=["link", "account"], name="lti_launch_once")]

    def __str__(self):
        return f"{self.account} → {self.link}"


class LtiLoginState(models.Model):
    """One OIDC login initiation: its state and nonce, usable once within STATE_LIFETIME."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.state[:8]


class LtiScore(models.Model):
    """A completion to send to a course's line item: written with the completion, sent by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    launch = models.ForeignKey(LtiLaunch, on_delete=models.CASCADE, related_name="scores", verbose_name=_("launch"))
    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="lti_scores", verbose_name=_("enrolment")
    )
    score_given = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    score_maximum = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("LTI score")
        verbose_name_plural = _("LTI scores")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["launch", "enrolment"], name="lti_score_once")]

    def __str__(self):
        return f"{self.enrolment} → {self.launch.link}"
