"""The publication kit for a meeting's Facebook event: its cover image and its text.

`cover_png` draws the 1920 × 1005 cover Facebook asks for events: the zone's blue band with
its logo and name, the headline, the day, the hours and the place, big enough to read on a
phone (the smallest text is 44 px: 2.3 % of the width). `event_text` is what officers paste
into the event: the title, the day and hours, the place and its address, the description,
the partners and the themes, how to sign up, in the document's language.

Pillow draws with the shipped DejaVu fonts; a logo in SVG (which Pillow can't read) leaves
the cup in its place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cafepol_tui.documents import fonts
from cafepol_tui.documents.base import BLUE
from cafepol_tui.documents.texts import (
    CANCELLED,
    COMMUNE,
    FLYER_INTRO,
    HEADLINE,
    PARTNERS,
    SIGNUP_COUNTER,
    SIGNUP_COUNTER_GENERIC,
    SIGNUP_KIOSK,
    SIGNUP_PHONE,
    SIGNUP_TITLE,
    THEMES,
    day_and_hours,
    officer_line,
    phone_for_print,
    t,
)
from cafepol_tui.i18n import N_, current_language, language, translator
from cafepol_tui.services.formatting import format_day
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings

_ = translator("texts")

COVER_SIZE = (1920, 1005)  # Facebook's event cover (about 1.91:1)
BAND_H = 190
MARGIN = 90
SMALLEST_PX = 44

# TRANSLATORS: the heading of the place in the event's text.
WHERE = N_("Lieu : {place}")
WHEN = N_("Quand : {day}, {hours}")
ADDRESS = N_("Adresse : {address}")


@dataclass(frozen=True)
class ShareKit:
    cover: bytes  # PNG
    text: str


def share_kit(meeting: MeetingDetail, settings: Settings, *, lang: str | None = None) -> ShareKit:
    lang = lang or current_language()
    return ShareKit(
        cover_png(meeting, settings, lang=lang), event_text(meeting, settings, lang=lang)
    )


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_path(fonts.MAIN_FAMILY, "B" if bold else "")), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int
) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + " …", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines


def _logo(settings: Settings) -> Image.Image | None:
    path = fonts.logo_path(settings.documents.logo)
    candidates = [p for p in (path, fonts.logo_path("")) if p is not None]
    for candidate in candidates:
        if Path(candidate).suffix.lower() == ".svg":
            continue
        try:
            with Image.open(candidate) as image:
                return image.convert("RGBA")
        except OSError:
            continue
    return None


def cover_png(meeting: MeetingDetail, settings: Settings, *, lang: str | None = None) -> bytes:
    """The event's cover image, 1920 × 1005 PNG."""
    lang = lang or current_language()
    with language(lang):
        image = Image.new("RGB", COVER_SIZE, "white")
        draw = ImageDraw.Draw(image)
        width = COVER_SIZE[0] - 2 * MARGIN
        draw.rectangle((0, 0, COVER_SIZE[0], BAND_H), fill=BLUE)
        x = MARGIN
        logo = _logo(settings)
        if logo is not None:
            side = BAND_H - 50
            tile = Image.new("RGBA", (side + 16, side + 16), "white")
            logo.thumbnail((side, side))
            tile.alpha_composite(
                logo, ((side + 16 - logo.width) // 2, (side + 16 - logo.height) // 2)
            )
            image.paste(tile, (x, (BAND_H - side - 16) // 2), tile)
            x += side + 50
        name_font = _font(60, bold=True)
        draw.text(
            (x, 38),
            _fit(draw, settings.zone_name, name_font, COVER_SIZE[0] - MARGIN - x),
            font=name_font,
            fill="white",
        )
        draw.text(
            (x, 112), t(COMMUNE, commune=meeting.commune), font=_font(SMALLEST_PX + 2), fill="white"
        )
        y = BAND_H + 50
        head = _font(80, bold=True)
        for line in _wrap(draw, t(HEADLINE), head, width, 2):
            draw.text((MARGIN, y), line, font=head, fill=BLUE)
            y += 96
        y += 20
        if meeting.is_cancelled:
            big = _font(84, bold=True)
            draw.text((MARGIN, y), t(CANCELLED), font=big, fill=(170, 20, 20))
            y += 104
        day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
        draw.text(
            (MARGIN, y),
            _fit(draw, day, _font(76, bold=True), width),
            font=_font(76, bold=True),
            fill="black",
        )
        y += 96
        draw.text((MARGIN, y), hours, font=_font(64), fill="black")
        y += 92
        place = _font(60, bold=True)
        for line in _wrap(draw, meeting.place, place, width, 2):
            draw.text((MARGIN, y), line, font=place, fill="black")
            y += 74
        if meeting.address and y + 60 < COVER_SIZE[1] - 40:
            small = _font(SMALLEST_PX + 4)
            draw.text(
                (MARGIN, y + 6),
                _fit(draw, meeting.address, small, width),
                font=small,
                fill=(80, 80, 80),
            )
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def event_text(meeting: MeetingDetail, settings: Settings, *, lang: str | None = None) -> str:
    """The event's text, ready to paste: title, when, where, description, partners, themes,
    how to sign up."""
    lang = lang or current_language()
    with language(lang):
        _day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
        title = f"{t(HEADLINE)} — {meeting.place}"
        if meeting.is_cancelled:
            title = f"{t(CANCELLED)} — {title}"
        when = t(WHEN, day=format_day(meeting.starts_at, lang), hours=hours)
        lines = [title, "", when, t(WHERE, place=meeting.place)]
        address = meeting.address or t(COMMUNE, commune=meeting.commune)
        lines.append(t(ADDRESS, address=address))
        lines.append("")
        lines.append(meeting.description or settings.documents.intro_text or t(FLYER_INTRO))
        if meeting.officer_name:
            lines += [
                "",
                officer_line(meeting.officer_gender, meeting.officer_grade, meeting.officer_name),
            ]
        if meeting.partners:
            lines.append(t(PARTNERS, names=", ".join(meeting.partners)))
        themes = meeting.themes_in(lang)
        if themes:
            lines.append(t(THEMES, names=", ".join(themes)))
        if not meeting.is_cancelled:
            station = meeting.station
            counter = station.name if station else meeting.commissariat
            lines += [
                "",
                t(SIGNUP_TITLE),
                "– " + (t(SIGNUP_COUNTER, place=counter) if counter else t(SIGNUP_COUNTER_GENERIC)),
            ]
            phone = (station.phone if station else "") or meeting.officer_phone
            if phone:
                lines.append("– " + t(SIGNUP_PHONE, phone=phone_for_print(phone)))
            lines.append("– " + t(SIGNUP_KIOSK))
        lines += ["", settings.zone_name]
        return "\n".join(lines) + "\n"
