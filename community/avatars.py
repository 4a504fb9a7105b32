"""Generated pictures for members and groups who have not uploaded one: initials on a colour
that stays the same for the same member or group (picked from a palette on which white text
meets WCAG AA, at least 6.5:1)."""

import zlib

# Kept in step with the .avatar--c0 … .avatar--c9 rules of static/css/portal.css.
PALETTE_SIZE = 10


def initials(name: str) -> str:
    """Up to two initials for names written with spaces ("Mai Tanaka" -> "MT"), else the first
    character ("佐藤 花子" -> "佐", "さくら" -> "さ")."""
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    if not words:
        return "?"
    first = words[0][0]
    if len(words) > 1 and first.isascii() and words[-1][0].isascii():
        return (first + words[-1][0]).upper()
    return first.upper()


def colour_index(key) -> int:
    """A stable palette index for a primary key (or a name): the same member always gets the same colour."""
    return zlib.crc32(str(key).encode()) % PALETTE_SIZE
