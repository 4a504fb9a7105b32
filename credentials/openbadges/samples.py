"""Sample issuers, achievements and awards for tests, demos and benchmarks (no database)."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from .credential import (
    ACHIEVEMENT_TYPES,
    AchievementData,
    AwardData,
    IssuerProfile,
    StatusEntry,
    Text,
    build_open_badge_credential,
)
from .keys import IssuerKey
from .proof import sign

SAMPLE_ACHIEVEMENTS = {
    "course_module": AchievementData(
        id="https://portal.example/credentials/achievements/coil-sustainability",
        name=Text("COIL: Sustainable Cities", "COIL：持続可能な都市"),
        description=Text(
            "Eight-week virtual exchange module co-taught with a partner university.",
            "海外の協定大学と共同で行う8週間のオンライン国際協働学習モジュール。",
        ),
        criteria=Text(
            "Attend 7 of 8 sessions and present the team project.", "8回中7回以上出席し、チーム課題を発表すること。"
        ),
        achievement_type=ACHIEVEMENT_TYPES["course_module"],
        image_url="https://portal.example/media/badges/coil.png",
        credits_available=Decimal("2"),
    ),
    "internship": AchievementData(
        id="https://portal.example/credentials/achievements/internship-osaka",
        name=Text("Internship: Osaka Robotics", "インターンシップ：大阪ロボティクス"),
        description=Text("Three-month on-site internship.", "3か月間の現地インターンシップ。"),
        criteria=Text(
            "Complete the placement with a positive host report.", "受入企業から良好な評価を得て修了すること。"
        ),
        achievement_type=ACHIEVEMENT_TYPES["internship"],
        credits_available=Decimal("4.5"),
    ),
    "pathway": AchievementData(
        id="https://portal.example/credentials/achievements/global-japan-pathway",
        name=Text("Global Japan Pathway", "グローバル・ジャパン・パスウェイ"),
        description=Text(
            "Earned by stacking two modules and an internship.", "2つのモジュールとインターンシップを積み上げて取得。"
        ),
        criteria=Text("Earn all three component credentials.", "3つの構成クレデンシャルをすべて取得すること。"),
        achievement_type=ACHIEVEMENT_TYPES["pathway"],
        credits_available=Decimal("8.5"),
    ),
}


def sample_issuer(key: IssuerKey) -> IssuerProfile:
    return IssuerProfile(did=key.did, name="Kansai University / 関西大学", url="https://portal.example/orgs/kansai")


def sample_signed_credential(
    key: IssuerKey,
    *,
    kind: str = "course_module",
    achievement: AchievementData | None = None,
    status: StatusEntry | None = None,
    email: str = "mai.student@example.org",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    credits_earned: Decimal | None = None,
) -> dict:
    achievement = achievement or SAMPLE_ACHIEVEMENTS[kind]
    award = AwardData(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        recipient_email=email,
        valid_from=valid_from or datetime.now(UTC) - timedelta(days=1),
        valid_until=valid_until,
        credits_earned=achievement.credits_available if credits_earned is None else credits_earned,
    )
    unsigned = build_open_badge_credential(
        issuer=sample_issuer(key), achievement=achievement, award=award, status=status
    )
    return sign(unsigned, key)
