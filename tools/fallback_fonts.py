"""Build the fallback fonts shipped in assets/fonts/ from the Debian font packages.

    apt-get install fonts-droid-fallback fonts-nanum fonts-lohit-deva fonts-symbola
    python tools/fallback_fonts.py

What is kept (fontTools subsetting; fpdf2 requires fontTools, so nothing new is installed):

- CafePolCJK.ttf, from Droid Sans Fallback (Apache 2.0): the CJK ideographs of GB 2312,
  JIS X 0208 and Big5 level 1 (common simplified, Japanese and traditional characters),
  kana, CJK punctuation and full-width forms.
- CafePolHangul.ttf, from Nanum Gothic (OFL 1.1, « Nanum » is a reserved font name, hence
  the new name): the 11,172 Hangul syllables and the jamo.
- Lohit-Devanagari.ttf (OFL 1.1), copied whole: Devanagari needs its shaping tables.
- CafePolSymbols.ttf, from Symbola (free for any use): emoji and pictographs, monochrome.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "assets" / "fonts"
SYSTEM = Path("/usr/share/fonts/truetype")


def common_ideographs() -> set[int]:
    kept: set[int] = set()
    for point in range(0x4E00, 0xA000):
        ch = chr(point)
        for codec, test in (
            ("gb2312", lambda b: len(b) == 2),
            ("euc_jp", lambda b: len(b) == 2),  # JIS X 0208 (JIS X 0212 takes 3 bytes)
            ("big5", lambda b: 0xA440 <= int.from_bytes(b, "big") <= 0xC67E),  # level 1
        ):
            try:
                if test(ch.encode(codec)):
                    kept.add(point)
                    break
            except UnicodeEncodeError:
                continue
    return kept


def ranges(*spans: tuple[int, int]) -> set[int]:
    return {p for lo, hi in spans for p in range(lo, hi + 1)}


# Older fpdf2 (2.8.2) hands the spaces and punctuation between two fallback characters to the
# fallback font too: each subset keeps printable ASCII and the no-break spaces for them.
BASIC = ranges((0x20, 0x7E), (0xA0, 0xA0), (0x202F, 0x202F))


def build(source: Path, target: Path, points: set[int], family: str | None) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points & set(font.getBestCmap())))
    subsetter.subset(font)
    if family:
        name = font["name"]
        for record in list(name.names):
            if record.nameID in (1, 4, 16, 21):
                name.setName(
                    family, record.nameID, record.platformID, record.platEncID, record.langID
                )
            elif record.nameID == 6:
                name.setName(
                    family.replace(" ", ""), 6, record.platformID, record.platEncID, record.langID
                )
    font.save(target)
    print(f"{target.name}: {len(font.getBestCmap())} characters, {target.stat().st_size} bytes")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    cjk = common_ideographs() | ranges(
        (0x3000, 0x303F), (0x3040, 0x309F), (0x30A0, 0x30FF), (0x31F0, 0x31FF), (0xFF00, 0xFFEF)
    )
    build(
        SYSTEM / "droid/DroidSansFallbackFull.ttf", OUT / "CafePolCJK.ttf", cjk | BASIC, "CafePol CJK"
    )
    hangul = BASIC | ranges((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
    build(SYSTEM / "nanum/NanumGothic.ttf", OUT / "CafePolHangul.ttf", hangul, "CafePol Hangul")
    shutil.copyfile(SYSTEM / "lohit-devanagari/Lohit-Devanagari.ttf", OUT / "Lohit-Devanagari.ttf")
    symbols = BASIC | ranges(
        (0x2190, 0x21FF),
        (0x2300, 0x23FF),
        (0x2460, 0x24FF),
        (0x25A0, 0x27BF),
        (0x2900, 0x297F),
        (0x2B00, 0x2BFF),
        (0x1F000, 0x1FAFF),
    )
    build(
        SYSTEM / "ancient-scripts/Symbola_hint.ttf",
        OUT / "CafePolSymbols.ttf",
        symbols,
        "CafePol Symbols",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
