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
from pathlib import Path

from cafepol_tui.glyphs import (  # noqa: F401  (re-exported: the documents' font names)
    _IGNORED,
    _KEPT_FORMAT,
    ARABIC_FAMILY,
    CJK_FAMILY,
    DEVANAGARI_FAMILY,
    FALLBACK_FAMILIES,
    FONT_FILES,
    HANGUL_FAMILY,
    MAIN_FAMILY,
    REGULAR_ONLY,
    SYMBOLS_FAMILY,
    AssetError,
    assets_dir,
    codepoints,
    covered_codepoints,
    families_for,
    font_path,
    is_covered,
    share_codepoints,
    undrawable,
)

REPLACEMENT = "\ufffd"

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
