"""Where the shipped assets are, which characters our fonts can draw, and text made safe to draw.

The fonts travel with the package (hatchling force-includes the top-level `assets/` as
`cafepol_tui/assets`), so a PDF looks the same on every kiosk whatever fonts the system has.
DejaVu Sans is the main family (Latin incl. Polish, Turkish and Vietnamese, Greek, Cyrillic,
€ œ ’ and U+FFFD); Noto Sans Arabic draws Arabic runs, shaped right to left by HarfBuzz.
HarfBuzz (uharfbuzz) is a dependency, not an option: without it fpdf2 would print an Arabic
name with its letters unjoined and in reverse order, which no one can read. It is used only
for right-to-left text (`is_right_to_left`); everything else is drawn unshaped.

Fallback faces (regular only; a bold run borrows them) draw what DejaVu lacks: CafePol CJK
(common Chinese and Japanese characters, kana; from Droid Sans Fallback), CafePol Hangul
(from Nanum Gothic), Lohit Devanagari (shaped by HarfBuzz like Arabic) and CafePol Symbols
(monochrome emoji, from Symbola). tools/fallback_fonts.py builds them; licences beside them.

A character that none of the fonts has is refused where people type it (`undrawable`, used
by services.validation); one that still reaches a document is replaced by U+FFFD before fpdf2
sees it, so nothing is silently dropped.
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
CJK_FAMILY = "CafePolCJK"
HANGUL_FAMILY = "CafePolHangul"
DEVANAGARI_FAMILY = "LohitDevanagari"
SYMBOLS_FAMILY = "CafePolSymbols"
# Tried in this order for a character DejaVu lacks; regular face only.
FALLBACK_FAMILIES = (ARABIC_FAMILY, CJK_FAMILY, HANGUL_FAMILY, DEVANAGARI_FAMILY, SYMBOLS_FAMILY)
REGULAR_ONLY = frozenset({CJK_FAMILY, HANGUL_FAMILY, DEVANAGARI_FAMILY, SYMBOLS_FAMILY})

# File names (Path: not words to translate).
FONT_FILES: dict[tuple[str, str], Path] = {
    (MAIN_FAMILY, ""): Path("DejaVuSans.ttf"),
    (MAIN_FAMILY, "B"): Path("DejaVuSans-Bold.ttf"),
    (ARABIC_FAMILY, ""): Path("NotoSansArabic-Regular.ttf"),
    (ARABIC_FAMILY, "B"): Path("NotoSansArabic-Bold.ttf"),
    (CJK_FAMILY, ""): Path("CafePolCJK.ttf"),
    (HANGUL_FAMILY, ""): Path("CafePolHangul.ttf"),
    (DEVANAGARI_FAMILY, ""): Path("Lohit-Devanagari.ttf"),
    (SYMBOLS_FAMILY, ""): Path("CafePolSymbols.ttf"),
}

# Emoji presentation selectors and skin-tone modifiers: drawn as nothing (a monochrome font
# has no coloured variant), so they are dropped rather than refused.
_IGNORED = {"\ufe0e", "\ufe0f"} | {chr(p) for p in range(0x1F3FB, 0x1F400)}

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
    points = codepoints(MAIN_FAMILY)
    for family in FALLBACK_FAMILIES:
        points = points | codepoints(family)
    return points


def is_covered(ch: str) -> bool:
    point = ord(ch)
    return point in codepoints(MAIN_FAMILY) or any(
        point in codepoints(family) for family in FALLBACK_FAMILIES
    )


def families_for(clean: str) -> tuple[str, ...]:
    """The fallback families `clean` needs, in FALLBACK_FAMILIES order (none for DejaVu text)."""
    main = codepoints(MAIN_FAMILY)
    missing = {ord(ch) for ch in set(clean) if ch != "\n"} - main
    return tuple(f for f in FALLBACK_FAMILIES if missing & codepoints(f))


def undrawable(text: str) -> str:
    """The characters of `text` no shipped font can draw (in order, once each); '' if none."""
    if text.isascii():
        return ""
    out: dict[str, None] = {}
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if ch in "\n\t" or ch in _KEPT_FORMAT or ch in _IGNORED:
            continue
        if category in ("Cc", "Cs", "Cf", "Zs"):
            continue
        if not is_covered(ch):
            out[ch] = None
    return "".join(out)


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
        elif ch in _IGNORED:
            continue
        elif ch in _KEPT_FORMAT or is_covered(ch):
            out.append(ch)
        else:
            out.append(REPLACEMENT)
    return "".join(out)


def needs_shaping(text: str) -> bool:
    """Right-to-left text, or Devanagari (its vowel signs and conjuncts need HarfBuzz)."""
    if text.isascii():
        return False
    return is_right_to_left(text) or any("\u0900" <= ch <= "\u097f" for ch in text)


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
