"""A meeting's partners and themes, set by name through the staff services."""

from __future__ import annotations

import pytest

from cafepol_tui.db.models import MeetingPartner, MeetingTheme, Partner, Theme
from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import series
from cafepol_tui.services.meetings import get_meeting
from cafepol_tui.services.validation import ValidationError
from tests.conftest import FIXED_NOW


def form(**kw) -> mf.MeetingForm:  # type: ignore[no-untyped-def]
    base = dict(commune="Boussu", place="Salle du Coron", day="15/12/2026", start="10:00")
    return mf.MeetingForm(**(base | kw))


def test_create_and_update_set_partners_and_themes_by_name(zone, admin):
    mid = ma.create_meeting(
        form(partners=["hygea", " HYGEA "], themes=("propreté", "Sentiment d'insécurité")),
        admin, now=FIXED_NOW,
    )
    m = get_meeting(mid)
    assert m.partners == ("Hygea",) and m.themes == ("Propreté", "Sentiment d'insécurité")
    ma.update_meeting(mid, mf.form_for(mid), admin, now=FIXED_NOW)  # the editor: kept
    assert get_meeting(mid).partners == ("Hygea",)
    ma.update_meeting(
        mid, mf.MeetingForm(**(mf.form_for(mid).__dict__ | {"themes": ["Propreté"]})),
        admin, now=FIXED_NOW,
    )
    m = get_meeting(mid)
    assert m.partners == ("Hygea",) and m.themes == ("Propreté",)
    ma.update_meeting(
        mid, mf.MeetingForm(**(mf.form_for(mid).__dict__ | {"partners": ()})), admin,
        now=FIXED_NOW,
    )
    assert get_meeting(mid).partners == ()


@pytest.mark.parametrize(("field", "names"), [("partners", ["Nobody"]), ("themes", ["", "x"])])
def test_unknown_names_are_refused_and_nothing_saved(zone, admin, field, names):
    links = (MeetingPartner.select().count(), MeetingTheme.select().count())
    with pytest.raises(ValidationError) as err:
        ma.create_meeting(form(**{field: names}), admin, now=FIXED_NOW)
    assert set(err.value.errors) == {field}
    assert (MeetingPartner.select().count(), MeetingTheme.select().count()) == links


def test_inactive_ones_are_refused_unless_the_meeting_has_them(zone, admin):
    mid = ma.create_meeting(form(partners=["Hygea"], themes=["Propreté"]), admin,
                            now=FIXED_NOW)
    Partner.update(active=False).execute()
    Theme.update(active=False).where(Theme.name == "Propreté").execute()
    with pytest.raises(ValidationError) as err:
        ma.create_meeting(form(partners=["Hygea"]), admin, now=FIXED_NOW)
    assert "Hygea" in err.value.errors["partners"]
    with pytest.raises(ValidationError) as err:
        ma.create_meeting(form(themes=["propreté"]), admin, now=FIXED_NOW)
    assert "Propreté" in err.value.errors["themes"]
    ma.update_meeting(
        mid, mf.MeetingForm(**(mf.form_for(mid).__dict__ | {"partners": ["Hygea"],
                                                             "themes": ["Propreté"]})),
        admin, now=FIXED_NOW,
    )
    assert get_meeting(mid).partners == ("Hygea",)


def test_a_series_gets_the_forms_partners_and_themes(zone, admin):
    ids = series.plan_series(
        form(day="01/12/2026", partners=["Hygea"], themes=["Propreté"]), "mardi", "1,3", "2",
        admin,
        now=FIXED_NOW,
    )
    assert ids and all(get_meeting(i).partners == ("Hygea",) for i in ids)
    assert all(get_meeting(i).themes == ("Propreté",) for i in ids)
