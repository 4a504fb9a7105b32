"""Models of the community app; `community.models.<Name>` stays the import path for all."""

from .content import (
    MAX_TEXT_LENGTH,
    Block,
    Comment,
    Conversation,
    Message,
    Participant,
    Post,
    Reaction,
    Report,
)
from .groups import (
    AuditEvent,
    CommunityGroup,
    EmailMode,
    GroupCategory,
    JoinRequest,
    Membership,
    NotificationLevel,
)
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
    "AuditEvent",
    "Block",
    "Campus",
    "Comment",
    "CommunityGroup",
    "Conversation",
    "EmailMode",
    "GroupCategory",
    "Interest",
    "JoinRequest",
    "Membership",
    "Message",
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
