"""Which characters the shipped fonts can draw, and where those fonts are.

A module of its own, above no layer: the documents draw with these fonts
(`documents.fonts`), and the services refuse at entry a name, place or topic holding a
character none of them has (`undrawable`, used by services.validation), so no paper ever
shows « � » for what a citizen typed.
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
