"""Small builders for test data with fixed dates (never relative to today)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cafepol_tui.db.models import Commune, Meeting, Officer
from cafepol_tui.services.permissions import Operator
from cafepol_tui.services.registrations import SignupResult, register
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.statuses import StaffRole

FIXED_START = datetime.fromisoformat("2026-12-08T09:00:00+00:00")  # Tue 8 Dec 2026, 10 h Brussels

# Actors of each role for the services (`permissions.Actor`), without a staff account.
COUNTER = Operator("Carl Guichet", StaffRole.COUNTER)
OFFICER = Operator("Olivier Agent", StaffRole.OFFICER)
ADMIN = Operator("Anne Admin", StaffRole.ADMIN)


def make_meeting(
    *,
    capacity: int = 10,
    starts_at: datetime = FIXED_START,
    commune: str = "Frameries",
    place: str = "Salle Le Trianon",
    event_url: str | None = "https://www.facebook.com/events/1234567890/",
) -> Meeting:
    town, _ = Commune.get_or_create(name=commune, defaults={"postal_code": "7080"})
    officer = Officer.create(name="Inspecteur Test", commune=town, phone="+3265712300",
                             commissariat=f"Commissariat de {commune}")
    return Meeting.create(
        commune=town, place=place, address="Rue de la Libération 8, 7080 Frameries",
        starts_at=starts_at, duration_min=90, officer=officer, capacity=capacity,
        event_url=event_url, interested_count=12,
    )


def sign_up(meeting: Meeting, name: str, people: int = 1, *, now: datetime | None = None,
            **contact: str) -> SignupResult:
    return register(
        meeting.id,
        SignupForm(name=name, people=people, consent=True, **contact),
        max_party=4,
        topic_max=300,
        now=now or FIXED_START - timedelta(days=5),
    )
