"""What an audit event means, as a sentence in the reader's language.

Audit rows keep a dotted event name (`community.moderation.hidden`) for code, filters and the
admin; people read a sentence. The sentences leave out who acted (the logs show that beside
them) and name the group when there is one. An event may have a sentence per kind of target
(`community.moderation.hidden:post`), chosen by the target's prefix ("post:6").

Other apps register the sentences of their own events (internships does in its models), since
community depends on none of them. An event without a sentence reads as a neutral one, never
as its dotted name.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UNKNOWN = _("Recorded a change.")
DELETED_GROUP = pgettext_lazy("audit log", "a deleted group")

SENTENCES = {
    "community.group.created": _("Created the group %(group)s."),
    "community.group.updated": _("Changed the settings of %(group)s."),
    "community.group.archived": _("Archived the group %(group)s."),
    "community.group.joined": _("Joined %(group)s."),
    "community.membership.added": _("Added a member to %(group)s."),
    "community.membership.removed": _("Removed a member from %(group)s."),
    "community.membership.role_changed": _("Changed a member’s role in %(group)s."),
    "community.join_request.created": _("Asked to join %(group)s."),
    "community.join_request.approved": _("Approved a request to join %(group)s."),
    "community.join_request.rejected": _("Declined a request to join %(group)s."),
    "community.invitation.created": _("Invited someone to join %(group)s."),
    "community.invitation.accepted": _("Accepted an invitation to %(group)s."),
    "community.invitation.declined": _("Declined an invitation to %(group)s."),
    "community.automatic_group.synced": _("Updated the members of the automatic group %(group)s."),
    "community.automatic_groups.synced_user": _("Updated a member’s automatic groups."),
    "community.conversation.started": _("Started a conversation."),
    "community.member.blocked": _("Blocked a member."),
    "community.member.unblocked": _("Unblocked a member."),
    "community.member.federated_sign_up": _("Signed up with a university account."),
    "community.member.federated_connect": _("Connected a university account to an existing account."),
    "community.report.created": _("Reported content to the moderators."),
    "community.moderation.hidden": _("Hid reported content."),
    "community.moderation.hidden:post": _("Hid a post in %(group)s."),
    "community.moderation.hidden:comment": _("Hid a comment in %(group)s."),
    "community.moderation.hidden:message": _("Hid a message in a conversation."),
    "community.moderation.restored": _("Restored reported content."),
    "community.moderation.restored:post": _("Restored a post in %(group)s."),
    "community.moderation.restored:comment": _("Restored a comment in %(group)s."),
    "community.moderation.restored:message": _("Restored a message in a conversation."),
    "community.post.created": _("Posted in %(group)s."),
    "community.post.announced": _("Told the members of %(group)s about a new post."),
    "community.post.edited": _("Edited a post in %(group)s."),
    "community.post.deleted": _("Deleted a post in %(group)s."),
    "community.comment.created": _("Commented in %(group)s."),
    "community.comment.deleted": _("Deleted a comment in %(group)s."),
    "community.file.attached": _("Attached a file to a post in %(group)s."),
    "community.event.created": _("Planned an event in %(group)s."),
    "community.event.updated": _("Changed an event in %(group)s."),
    "community.event.cancelled": _("Cancelled an event in %(group)s."),
    "community.event.answered": _("Answered an invitation to an event in %(group)s."),
    "community.event.promoted": _("Moved a member up from the waiting list of an event in %(group)s."),
    "community.calendar.token_regenerated": _("Made a new calendar feed address; the old one no longer works."),
    "community.calendar.token_revoked": _("Turned off their calendar feed address."),
    "community.members.imported": _("Imported a partner university’s list of members and invited the new ones."),
    "community.data_export.requested": _("Asked for an archive of their data."),
    "community.account.deletion_requested": _("Asked for their account to be deleted."),
    "community.account.deletion_cancelled": _("Cancelled the deletion of their account."),
    "community.account.erased": _("Erased the personal data of a deleted account."),
    # courses (recorded in courses.AuditEntry; community depends on no other app, so only the words live here)
    "courses.module.closed": _("Closed a module that has ended and moved its learners to the alumni group."),
    "courses.module.group_archived": _("Archived the community group of a module that has ended."),
    "courses.enrolment.not_completed": _("Ended an enrolment as not completed when the module ended."),
    "courses.enrolment.waitlist_closed": _("Closed a place on the waiting list when the module ended."),
    "courses.programme.declined": _("Declined an application to a programme."),
    "courses.programme.promoted": _("Accepted an application from a programme’s waiting list."),
    "courses.lti.account_created": _("Created an account at a launch from a learning platform."),
    "courses.lti.account_linked": _("Linked an account to its user on a learning platform."),
    "courses.lti.launched": _("Opened the portal from a course on a learning platform."),
    "courses.lti.deep_link_sent": _("Placed portal content in a course on a learning platform."),
    "courses.lti.score_sent": _("Sent a module completion to a course’s grade column."),
    # internships (recorded in the community audit log by internships.registration)
    "internships.company.registered": _("Registered a company as a host of internships."),
    "internships.company.approved": _("Approved a company’s registration as a host of internships."),
    "internships.company.declined": _("Declined a company’s registration as a host of internships."),
    "internships.company.invitation_sent": _("Invited a colleague to a company’s account."),
    "internships.company.invitation_accepted": _("Joined a company’s account through an invitation."),
    "internships.testimonial.consent_given": _("Allowed a testimonial to be shown on a company’s public page."),
    "internships.testimonial.consent_withdrawn": _("Withdrew consent to show a testimonial on a company’s page."),
    "courses.cohort.enrolment_started": _("Started enrolling an imported cohort of members."),
}


def register(sentences: dict) -> None:
    """Add an app's event sentences (lazy translations, placeholders by name)."""
    SENTENCES.update(sentences)


def has_sentence(event: str) -> bool:
    return event in SENTENCES


def sentence(event: str, *, group=None, target: str = "") -> str:
    """The sentence for `event` in the current language; `group` fills %(group)s."""
    kind = str(target).partition(":")[0] if ":" in str(target) else ""
    text = SENTENCES.get(f"{event}:{kind}") if kind else None
    text = text or SENTENCES.get(event) or UNKNOWN
    try:
        return str(text) % {"group": group if group is not None else DELETED_GROUP}
    except (KeyError, TypeError, ValueError):  # a translation that does not fit its placeholders
        return str(UNKNOWN)
