"""The meeting editor's services: no lost update, no accidental twin meeting."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services.meetings import get_meeting
from tests.conftest import FIXED_NOW

LATER = FIXED_NOW + timedelta(minutes=5)


def form(**kw) -> mf.MeetingForm:  # type: ignore[no-untyped-def]
    base = dict(commune="Boussu", place="Salle du Coron", day="15/12/2026", start="10:00")
    return mf.MeetingForm(**(base | kw))


def test_an_edit_over_someone_elses_change_is_refused_with_the_fresh_values(zone, admin):
    mid = zone["soon"]
    version = ma.meeting_version(mid)
    opened = mf.form_for(mid, links=True)  # the editor, as it opened
    ma.set_interested(mid, 37, admin, now=LATER)  # meanwhile, elsewhere
    with pytest.raises(ma.StaleEditError) as err:
        ma.update_meeting(
            mid, dataclasses.replace(opened, capacity="8"), admin,
            now=LATER, expected_version=version,
        )
    assert err.value.fresh.interested_count == "37"
    assert err.value.version == ma.meeting_version(mid) != version
    m = get_meeting(mid)
    assert (m.capacity, m.interested_count) == (4, 37)  # nothing saved, the count kept
    ma.update_meeting(
        mid, dataclasses.replace(err.value.fresh, capacity="8"), admin,
        now=LATER, expected_version=err.value.version,
    )
    m = get_meeting(mid)
    assert (m.capacity, m.interested_count) == (8, 37)


def test_an_edit_without_a_version_still_saves(zone, admin):
    mid = zone["soon"]
    ma.update_meeting(mid, dataclasses.replace(mf.form_for(mid), capacity="6"), admin,
                      now=LATER)
    assert get_meeting(mid).capacity == 6


def test_the_editor_form_carries_the_links_when_asked(zone, admin):
    mid = ma.create_meeting(form(partners=["Hygea"], themes=["Propreté"]), admin,
                            now=FIXED_NOW)
    assert mf.form_for(mid).partners is None
    full = mf.form_for(mid, links=True)
    assert (full.partners, full.themes) == (("Hygea",), ("Propreté",))
    assert mf.link_choices("themes") == ["Propreté", "Sentiment d'insécurité"]


def test_a_meeting_at_the_same_place_and_start_is_refused_unless_confirmed(zone, admin):
    first = ma.create_meeting(form(), admin, now=FIXED_NOW)
    with pytest.raises(ma.DuplicateMeetingError) as err:
        ma.create_meeting(form(place="  salle du  coron "), admin, now=FIXED_NOW)
    assert err.value.other_id == first
    second = ma.create_meeting(form(), admin, now=FIXED_NOW, allow_duplicate=True)
    assert second != first
    # Another hour is no twin; moving it onto the first one is refused, then confirmed.
    third = ma.create_meeting(form(start="14:00"), admin, now=FIXED_NOW)
    moved = dataclasses.replace(mf.form_for(third), start="10:00")
    with pytest.raises(ma.DuplicateMeetingError):
        ma.update_meeting(third, moved, admin, now=FIXED_NOW)
    ma.update_meeting(third, moved, admin, now=FIXED_NOW, allow_duplicate=True)
    # Editing a twin without moving it is not asked again.
    ma.update_meeting(third, mf.form_for(third), admin, now=FIXED_NOW)


def test_a_cancelled_meeting_is_no_twin(zone, admin):
    first = ma.create_meeting(form(), admin, now=FIXED_NOW)
    ma.cancel_meeting(first, "travaux", admin, now=FIXED_NOW)
    ma.create_meeting(form(), admin, now=FIXED_NOW)


def test_a_cancelled_meeting_is_reinstated_and_audited(zone, admin, counter):
    from cafepol_tui.db.models import AuditEntry
    from cafepol_tui.services.permissions import PermissionRefusedError
    from cafepol_tui.services.validation import RefusedError

    mid = zone["soon"]
    with pytest.raises(RefusedError):
        ma.reinstate_meeting(mid, admin, now=FIXED_NOW)  # not cancelled
    ma.cancel_meeting(mid, "Salle indisponible", admin, now=FIXED_NOW)
    with pytest.raises(PermissionRefusedError):
        ma.reinstate_meeting(mid, counter, now=FIXED_NOW)
    assert get_meeting(mid).is_cancelled
    ma.reinstate_meeting(mid, admin, now=LATER)
    m = get_meeting(mid)
    assert not m.is_cancelled and m.cancel_reason == ""
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (entry.action, entry.actor) == ("meeting-reinstate", admin.name)
    assert "Salle indisponible" in entry.detail
    ma.cancel_meeting(zone["past"], "trop tard", admin, now=FIXED_NOW)
    with pytest.raises(RefusedError):
        ma.reinstate_meeting(zone["past"], admin, now=FIXED_NOW)


def test_a_series_preview_counts_each_month_against_the_aim(zone, admin):
    from cafepol_tui.db.models import Meeting
    from cafepol_tui.services import series
    from cafepol_tui.services.formatting import local

    start = form(day="01/12/2026", start="14:00")
    preview = series.preview_series(start, "mardi", "1", "3", now=FIXED_NOW)
    assert [local(d).strftime("%d/%m/%Y %H:%M") for d in preview.dates] == [
        "01/12/2026 14:00", "05/01/2027 14:00", "02/02/2027 14:00",
    ]
    shown = [(m.commune, m.year, m.month, m.existing, m.planned) for m in preview.months]
    # December already has « soon » (Boussu); Frameries' meeting is not counted.
    assert shown == [
        ("Boussu", 2026, 12, 1, 1), ("Boussu", 2027, 1, 0, 1), ("Boussu", 2027, 2, 0, 1),
    ]
    assert [(m.below_aim, m.above_aim) for m in preview.months] == [
        (False, False), (True, False), (True, False),
    ]
    ma.cancel_meeting(zone["soon"], "travaux", admin, now=FIXED_NOW)  # not counted
    crowded = series.preview_series(start, "mardi", "1,3,5", "1", now=FIXED_NOW)
    assert [(m.existing, m.planned, m.above_aim) for m in crowded.months] == [(0, 3, False)]
    ma.create_meeting(form(day="10/12/2026"), admin, now=FIXED_NOW)
    before = Meeting.select().count()
    crowded = series.preview_series(start, "mardi", "1,3,5", "1", now=FIXED_NOW)
    assert [(m.total, m.above_aim) for m in crowded.months] == [(4, True)]
    assert Meeting.select().count() == before  # a preview creates nothing
    ids = series.plan_series(start, "mardi", "1,3,5", "1", admin, now=FIXED_NOW)
    assert [get_meeting(i).starts_at for i in ids] == list(crowded.dates)
