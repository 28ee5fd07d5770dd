"""What a citizen sees of the reference data: theme names in the kiosk's language, the officer's
title by gender."""

from __future__ import annotations

import peewee

from cafepol_tui.db.models import MeetingTheme, Officer, Theme
from cafepol_tui.i18n import language
from cafepol_tui.services.meetings import get_meeting
from tests.factories import make_meeting


def test_theme_shown_in_the_kiosk_language(db: peewee.Database) -> None:
    meeting = make_meeting()
    burglary = Theme.create(name="Cambriolages", name_nl="Inbraken", name_en="Burglaries")
    traffic = Theme.create(name="Circulation")  # no translation: the zone-language name
    for theme in (burglary, traffic):
        MeetingTheme.create(meeting=meeting, theme=theme)
    with language("nl"):
        detail = get_meeting(meeting.id)
    assert detail.themes_shown == ("Inbraken", "Circulation")
    assert detail.themes == ("Cambriolages", "Circulation")  # what the exports write
    with language("fr"):
        assert get_meeting(meeting.id).themes_shown == ("Cambriolages", "Circulation")


def test_female_officer_title(db: peewee.Database) -> None:
    from cafepol_tui.ui.screens.citizen.meeting import officer_title

    meeting = make_meeting()
    Officer.update(name="Sophie Lambert", grade="Inspectrice", gender="f").where(
        Officer.id == meeting.officer_id).execute()
    detail = get_meeting(meeting.id)
    with language("fr"):
        label, name = officer_title(detail.officer_gender, detail.officer_grade,
                                    detail.officer_name)
        assert label + name == "Votre policière de quartier : Inspectrice Sophie Lambert"
        assert officer_title("m", "", "Marc")[0] == "Votre policier de quartier : "
        assert officer_title("", "", "Marc")[0] == "Votre policier de quartier : "


def test_documents_officer_line_by_gender(db: peewee.Database) -> None:
    from cafepol_tui.documents.texts import officer_line
    from cafepol_tui.services.meetings import details_of

    meeting = make_meeting()
    Officer.update(name="Sophie Lambert", grade="Inspectrice", gender="f").where(
        Officer.id == meeting.officer_id).execute()
    with language("fr"):
        assert officer_line("f", "Inspectrice", "Sophie Lambert") == (
            "Votre policière de quartier : Inspectrice Sophie Lambert")
        assert officer_line("", "", "Marc") == "Votre policier de quartier : Marc"
        # A name that already carries a form of the grade is not given it twice.
        assert officer_line("f", "inspecteur", "Inspectrice Sophie Lambert") == (
            "Votre policière de quartier : Inspectrice Sophie Lambert"
        )
    detail = get_meeting(meeting.id)
    (again,) = details_of([detail])
    assert (again.officer_gender, again.officer_grade) == ("f", "Inspectrice")
