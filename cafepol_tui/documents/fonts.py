"""Where the shipped assets are, which characters our fonts can draw, and text made safe to draw.

The fonts travel with the package (hatchling force-includes the top-level `assets/` as
`cafepol_tui/assets`), so a PDF looks the same on every kiosk whatever fonts the system has.
DejaVu Sans is the main family (Latin incl. Polish, Turkish and Vietnamese, Greek, Cyrillic,
€ œ ’ and U+FFFD); Noto Sans Arabic draws Arabic runs, shaped right to left by HarfBuzz.
HarfBuzz (uharfbuzz) is a dependency, not an option: without it fpdf2 would print an Arabic
name with its letters unjoined and in reverse order, which no one can read. It is used only
for right-to-left text (`is_right_to_left`); everything else is drawn unshaped.

A character that none of the fonts has is replaced by U+FFFD before fpdf2 sees it: a visible
« � » on paper tells the officer something was there, where a silently dropped glyph would not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

import cafepol_tui
from cafepol_tui.i18n import translator

_ = translator("messages")

MAIN_FAMILY = "DejaVu"
ARABIC_FAMILY = "NotoArabic"

# File names (Path: not words to translate).
FONT_FILES: dict[tuple[str, str], Path] = {
    (MAIN_FAMILY, ""): Path("DejaVuSans.ttf"),
    (MAIN_FAMILY, "B"): Path("DejaVuSans-Bold.ttf"),
    (ARABIC_FAMILY, ""): Path("NotoSansArabic-Regular.ttf"),
    (ARABIC_FAMILY, "B"): Path("NotoSansArabic-Bold.ttf"),
}

REPLACEMENT = "\ufffd"

# Format characters the shaper needs (joiners, bidi marks); anything else of category Cf goes.
_KEPT_FORMAT = {"\u200c", "\u200d", "\u200e", "\u200f"}


class AssetError(Exception):
    """A shipped file (font, logo) can't be found: the installation is broken."""


def assets_dir() -> Path:
    """The installed `cafepol_tui/assets`, or the repository's `assets/` in an editable install."""
    package = Path(cafepol_tui.__file__).resolve().parent
    for candidate in (package / "assets", package.parent / "assets"):
        if (candidate / "fonts").is_dir():
            return candidate
    raise AssetError(_("assets folder not found next to {path}").format(path=package))


def font_path(family: str, style: str = "") -> Path:
    path = assets_dir() / "fonts" / FONT_FILES[(family, style)]
    if not path.is_file():
        raise AssetError(_("font file missing: {path}").format(path=path))
    return path


# The code points each family's regular face maps (its bold face maps the same): fpdf2's own
# parse when a document has added the family (`share_codepoints`), else read from the file.
# The Arabic face is read only for a character DejaVu lacks.
_codepoints: dict[str, frozenset[int]] = {}


def share_codepoints(family: str, cmap: Iterable[int]) -> None:
    """The code points of `family`'s regular face, as fpdf2 read them: no second reading."""
    if family not in _codepoints:
        _codepoints[family] = frozenset(cmap)


def codepoints(family: str) -> frozenset[int]:
    points = _codepoints.get(family)
    if points is None:
        from fontTools.ttLib import TTFont

        font = TTFont(font_path(family), lazy=True)
        points = _codepoints[family] = frozenset(font.getBestCmap())
        font.close()
    return points


def covered_codepoints() -> frozenset[int]:
    """Every code point at least one shipped font maps (the regular faces; bold ones match)."""
    return codepoints(MAIN_FAMILY) | codepoints(ARABIC_FAMILY)


def is_covered(ch: str) -> bool:
    point = ord(ch)
    return point in codepoints(MAIN_FAMILY) or point in codepoints(ARABIC_FAMILY)


def printable(text: str) -> str:
    """NFC text with control characters removed and undrawable characters made visible as �."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif category in ("Cc", "Cs") or (category == "Cf" and ch not in _KEPT_FORMAT):
            continue
        elif ch in _KEPT_FORMAT or is_covered(ch):
            out.append(ch)
        else:
            out.append(REPLACEMENT)
    return "".join(out)


def is_right_to_left(text: str) -> bool:
    """True when the text holds Arabic or Hebrew letters: it needs shaping and the bidi algorithm."""
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def has_arabic(text: str) -> bool:
    return not text.isascii() and any(
        "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"
        for ch in text
    )


def logo_path(configured: str = "") -> Path | None:
    """The configured logo (absolute, or relative to the assets folder), else the shipped one.

    "none" turns the logo off; a configured file that doesn't exist prints no logo rather
    than stopping a print run at the counter.
    """
    if configured.strip().lower() == "none":
        return None
    if configured:
        path = Path(configured).expanduser()
        if not path.is_absolute():
            path = assets_dir() / path
        return path if path.is_file() else None
    shipped = assets_dir() / Path("logo.png")
    return shipped if shipped.is_file() else None
