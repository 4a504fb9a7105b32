"""Version names of the credentials' cached pages, and the rows that bump them (community.pagecache)."""

from community.caching import member
from community.pagecache import track

# Achievements and pathways (names, criteria, components): on wallets, award and module pages.
ACHIEVEMENTS = "credentials:achievements"


# Issuer keys: the DIDs the verifier knows as this portal's.
ISSUERS = "credentials:issuers"


def status_list(public_id) -> str:
    """One status list document (re-signed at every revocation)."""
    return f"credentials:status-list:{public_id}"


def award(pk) -> str:
    """One award's public page: the award, its status and its events."""
    return f"credentials:award:{pk}"


def register():
    from .models import Achievement, Award, AwardEvent, EquivalenceClass, IssuerKey, RecognitionRequest, StatusList

    track(Achievement, lambda row: [ACHIEVEMENTS], m2m=[Achievement.components])
    track(EquivalenceClass, lambda row: [ACHIEVEMENTS])
    track(Award, lambda row: [award(row.pk), member(row.recipient_id)])
    track(AwardEvent, lambda row: [award(row.award_id)])
    track(RecognitionRequest, lambda row: [member(row.learner_id)])
    track(IssuerKey, lambda row: [ISSUERS])
    track(StatusList, lambda row: [status_list(row.public_id)])
