"""The credit bank: credits earned from awards, by issuing university and level.

Counting rules (each award is one row, so an achievement is never counted twice):
- only issued awards count; revoked and pending ones are listed but not counted;
- a pathway's credits are the credits of its components, so a pathway award adds nothing;
- achievements that staff marked equivalent count once: the one with the most credits
  (the earliest issued on a tie).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Award, RecognitionRequest

ZERO = Decimal("0")

REASONS = {
    "counted": _("Counted"),
    "pathway": _("Stack of other awards: its credits are theirs"),
    "equivalent": _("Equivalent to another award: counted once"),
    "revoked": _("Revoked: not counted"),
    "pending": _("Being issued"),
}


@dataclass
class LedgerEntry:
    award: Award
    counted: bool
    reason: str
    recognised_by: list = field(default_factory=list)

    @property
    def credits(self) -> Decimal:
        return self.award.credits_earned if self.counted else ZERO

    @property
    def reason_label(self):
        return REASONS[self.reason]


def classify(awards: list[Award]) -> dict[int, str]:
    """{award pk: reason}, applying the counting rules to a learner's awards."""
    reasons: dict[int, str] = {}
    best_of_class: dict[int, Award] = {}
    for award in awards:
        if award.status == Award.Status.REVOKED:
            reasons[award.pk] = "revoked"
        elif award.status == Award.Status.PENDING:
            reasons[award.pk] = "pending"
        elif award.achievement.type == award.achievement.Type.PATHWAY:
            reasons[award.pk] = "pathway"
        else:
            reasons[award.pk] = "counted"
            class_id = award.achievement.equivalence_class_id
            if class_id is None:
                continue
            best = best_of_class.get(class_id)
            key = (-award.credits_earned, award.issued_at or award.created_at, award.pk)
            if best is None:
                best_of_class[class_id] = award
            elif key < (-best.credits_earned, best.issued_at or best.created_at, best.pk):
                reasons[best.pk] = "equivalent"
                best_of_class[class_id] = award
            else:
                reasons[award.pk] = "equivalent"
    return reasons


def countable_credits(awards: list[Award]) -> Decimal:
    reasons = classify(awards)
    return sum((a.credits_earned for a in awards if reasons[a.pk] == "counted"), ZERO)


@dataclass
class LedgerTotal:
    issuer: object
    level: int | None
    credits: Decimal
    count: int


class CreditLedger:
    """A learner's credits; three queries whatever the number of awards."""

    def __init__(self, user):
        self.awards = list(
            Award.objects.for_recipient(user)
            .select_related("achievement__issuer", "issuer")
            .order_by("issuer__name", "achievement__level", "-created_at")
        )
        reasons = classify(self.awards)
        recognised = defaultdict(list)
        through = RecognitionRequest.awards.through.objects.filter(
            award__recipient=user, recognitionrequest__status=RecognitionRequest.Status.ACCEPTED
        ).select_related("recognitionrequest__university")
        for row in through:
            recognised[row.award_id].append(row.recognitionrequest.university)
        self.entries = [
            LedgerEntry(
                award=a, counted=reasons[a.pk] == "counted", reason=reasons[a.pk], recognised_by=recognised[a.pk]
            )
            for a in self.awards
        ]
        self.total = sum((e.credits for e in self.entries), ZERO)
        groups: dict[tuple, LedgerTotal] = {}
        by_issuer: dict[int, LedgerTotal] = {}
        for entry in self.entries:
            if not entry.counted:
                continue
            award = entry.award
            key = (award.issuer_id, award.achievement.level)
            if key not in groups:
                groups[key] = LedgerTotal(issuer=award.issuer, level=award.achievement.level, credits=ZERO, count=0)
            groups[key].credits += entry.credits
            groups[key].count += 1
            if award.issuer_id not in by_issuer:
                by_issuer[award.issuer_id] = LedgerTotal(issuer=award.issuer, level=None, credits=ZERO, count=0)
            by_issuer[award.issuer_id].credits += entry.credits
            by_issuer[award.issuer_id].count += 1
        self.by_issuer_and_level = list(groups.values())
        self.by_issuer = list(by_issuer.values())
        self.requests = list(
            RecognitionRequest.objects.for_learner(user).select_related("university").order_by("-created_at")
        )
        self.recognised = defaultdict(lambda: ZERO)
        for request in self.requests:
            if request.status == RecognitionRequest.Status.ACCEPTED:
                self.recognised[request.university] += request.credits_requested
        self.recognised = dict(self.recognised)

    def countable_awards(self):
        return [e.award for e in self.entries if e.counted]
