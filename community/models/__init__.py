"""Models of the community app; `community.models.<Name>` stays the import path for all."""

from .content import (
    MAX_TEXT_LENGTH,
    Block,
    Comment,
    Conversation,
    GroupFile,
    Message,
    MessageAttachment,
    Participant,
    Post,
    Reaction,
    Report,
)
from .events import RSVP, CalendarToken, Event
from .federation import IdentityProvider
from .groups import (
    AuditEvent,
    CommunityGroup,
    EmailMode,
    GroupCategory,
    JoinRequest,
    Membership,
    NotificationLevel,
)
from .imports import ImportBatch, ImportedMember
from .notifications import Notification, NotificationSettings
from .people import (
    TIME_ZONE_CHOICES,
    Campus,
    Interest,
    Organization,
    OutgoingEmail,
    Phase,
    Profile,
    Role,
    User,
    UserManager,
)
from .privacy import AccountDeletion, DataExport

__all__ = [
    "AccountDeletion",
    "DataExport",
    "MAX_TEXT_LENGTH",
    "TIME_ZONE_CHOICES",
    "RSVP",
    "AuditEvent",
    "CalendarToken",
    "Block",
    "Campus",
    "Comment",
    "CommunityGroup",
    "Conversation",
    "EmailMode",
    "Event",
    "GroupCategory",
    "GroupFile",
    "IdentityProvider",
    "ImportBatch",
    "ImportedMember",
    "Interest",
    "JoinRequest",
    "Membership",
    "Message",
    "MessageAttachment",
    "Notification",
    "NotificationLevel",
    "NotificationSettings",
    "Organization",
    "OutgoingEmail",
    "Participant",
    "Phase",
    "Post",
    "Profile",
    "Reaction",
    "Report",
    "Role",
    "User",
    "UserManager",
]
