"""iCalendar feed of the upcoming scheduled meetings, for the zone's website and calendars."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.meetings import MeetingDetail

PRODID = "-//Zone de Police Boraine//CafePol//FR"
UID_DOMAIN = "cafepol.local"


def meeting_uid(meeting_id: int) -> str:
    """Stable across exports, so calendars update an event instead of duplicating it."""
    return f"cafepol-meeting-{meeting_id}@{UID_DOMAIN}"


def _description(m: MeetingDetail) -> str:
    lines = [f"Un café avec votre policier de quartier — {m.commune}."]
    if m.officer_name:
        lines.append(f"Avec {m.officer_name}.")
    if m.partners:
        lines.append("Partenaires : " + ", ".join(m.partners) + ".")
    if m.themes:
        lines.append("Thèmes : " + ", ".join(m.themes) + ".")
    if m.description:
        lines.append(m.description)
    lines.append("Inscription gratuite au guichet du commissariat ou sur la borne.")
    return "\n".join(lines)


def meetings_ics(meetings: Iterable[MeetingDetail], *, zone_name: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"CaféPol — {zone_name}")
    cal.add("x-wr-timezone", "Europe/Brussels")
    for m in meetings:
        event = Event()
        event.add("uid", meeting_uid(m.id))
        event.add("dtstamp", now)
        event.add("dtstart", m.starts_at.astimezone(BRUSSELS))
        event.add("dtend", m.ends_at.astimezone(BRUSSELS))
        event.add("summary", f"Un café avec votre policier de quartier — {m.commune}")
        event.add("location", ", ".join(p for p in (m.place, m.address) if p))
        if m.event_url:
            event.add("url", m.event_url)
        event.add("description", _description(m))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
