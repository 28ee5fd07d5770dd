"""iCalendar feed of the upcoming scheduled meetings, for the zone's website and calendars.

The event titles and descriptions are in the current language (the CLI's `--lang` or the
config's); the identifiers (PRODID, UIDs) are a contract (`services.contracts`) and never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from cafepol_tui.documents.texts import HEADLINE, t
from cafepol_tui.i18n import translator
from cafepol_tui.services.contracts import ICS_PRODID, ICS_TIMEZONE, ICS_UID_DOMAIN, ics_uid
from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.meetings import MeetingDetail

_ = translator("texts")

PRODID = ICS_PRODID
UID_DOMAIN = ICS_UID_DOMAIN


def meeting_uid(meeting_id: int) -> str:
    """Stable across exports, so calendars update an event instead of duplicating it."""
    return ics_uid(meeting_id)


def _summary(m: MeetingDetail) -> str:
    return f"{t(HEADLINE)} — {m.commune}"


def _description(m: MeetingDetail) -> str:
    lines = [f"{_summary(m)}."]
    if m.officer_name:
        lines.append(_("Avec {name}.").format(name=m.officer_name))
    if m.partners:
        lines.append(_("Partenaires : {names}.").format(names=", ".join(m.partners)))
    if m.themes:
        lines.append(_("Thèmes : {names}.").format(names=", ".join(m.themes)))
    if m.description:
        lines.append(m.description)
    lines.append(_("Inscription gratuite au guichet du commissariat ou sur la borne."))
    return "\n".join(lines)


def meetings_ics(meetings: Iterable[MeetingDetail], *, zone_name: str, now: datetime) -> bytes:
    cal = Calendar()
    properties = {
        "prodid": PRODID,
        "version": "2.0",
        "calscale": "GREGORIAN",
        "x-wr-calname": f"CaféPol — {zone_name}",
        "x-wr-timezone": ICS_TIMEZONE,
    }
    for name, value in properties.items():
        cal.add(name, value)
    for m in meetings:
        event = Event()
        event.add("uid", meeting_uid(m.id))
        event.add("dtstamp", now)
        event.add("dtstart", m.starts_at.astimezone(BRUSSELS))
        event.add("dtend", m.ends_at.astimezone(BRUSSELS))
        event.add("summary", _summary(m))
        event.add("location", ", ".join(p for p in (m.place, m.address) if p))
        if m.event_url:
            event.add("url", m.event_url)
        event.add("description", _description(m))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
