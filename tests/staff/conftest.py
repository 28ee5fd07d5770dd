"""Staff-console fixtures: a small zone with one past and two future meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cafepol_tui.db.models import Commune, Meeting, Officer, Partner, Theme
from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.staff import StaffUser, set_pin
from tests.conftest import FIXED_NOW


@pytest.fixture
def zone(db):  # type: ignore[no-untyped-def]
    boussu = Commune.create(name="Boussu", postal_code="7300")
    frameries = Commune.create(name="Frameries", postal_code="7080")
    officer = Officer.create(name="Inspecteur Marc Dufrane", commune=boussu, phone="+3265712100")
    Theme.create(name="Propreté")
    Theme.create(name="Sentiment d'insécurité")
    Partner.create(name="Hygea", kind="propreté publique")

    def meeting(commune, days: int, capacity: int = 10, hour: int = 10):  # type: ignore[no-untyped-def]
        day = (FIXED_NOW.astimezone(BRUSSELS) + timedelta(days=days)).date()
        starts = datetime(day.year, day.month, day.day, hour, 0, tzinfo=BRUSSELS)
        return Meeting.create(
            commune=commune,
            place=f"Salle {commune.name} {days}",
            address="Rue Haute 1",
            starts_at=starts,
            officer=officer,
            capacity=capacity,
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        ).id

    return {
        "past": meeting(boussu, -3),
        "soon": meeting(boussu, 3, capacity=4),
        "later": meeting(frameries, 10),
        "communes": (boussu.id, frameries.id),
    }


@pytest.fixture
def admin(db) -> StaffUser:  # type: ignore[no-untyped-def]
    return set_pin("Anne Admin", "9999", "admin")


@pytest.fixture
def counter(db) -> StaffUser:  # type: ignore[no-untyped-def]
    return set_pin("Carl Guichet", "4321", "counter")


@pytest.fixture
def officer(db) -> StaffUser:  # type: ignore[no-untyped-def]
    return set_pin("Olivier Agent", "5678", "officer")
