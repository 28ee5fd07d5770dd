"""The flyer's introduction (what a CaféPol is) is printed in every language and on every
layout that has room for it, in whole sentences; the A6 flyer of the 4-up sheet keeps only
what fits at 9 pt (issue 18) and has none."""

from __future__ import annotations

import peewee
import pytest

from cafepol_tui.documents.flyer import SENTENCE_END, render_flyer
from cafepol_tui.documents.texts import FLYER_INTRO, t
from cafepol_tui.i18n import language
from cafepol_tui.services.meetings import MeetingDetail, get_meeting, list_upcoming
from cafepol_tui.services.zone import zone_settings
from cafepol_tui.settings import Settings
from tests.conftest import FIXED_NOW
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text

LANGUAGES = ("fr", "nl", "de", "en")
WITH_INTRO = ("a5", "a4-2up")


def _sentences(lang: str) -> list[str]:
    with language(lang):
        return SENTENCE_END.split(" ".join(t(FLYER_INTRO).split()))


def _scheduled(demo: peewee.Database) -> list[MeetingDetail]:
    return [
        get_meeting(m.id)
        for m in list_upcoming(now=FIXED_NOW, include_cancelled=False)
        if not m.is_cancelled
    ]


@pytest.fixture
def busiest(demo: peewee.Database) -> MeetingDetail:
    """The scheduled demo meeting with the most to say (partners and themes): the least room."""
    return max(_scheduled(demo), key=lambda m: (len(m.partners), len(m.themes_in("fr"))))


@pytest.mark.parametrize("layout", WITH_INTRO)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_introduction_is_on_the_flyer(
    meeting: MeetingDetail, busiest: MeetingDetail, settings: Settings, lang: str, layout: str
) -> None:
    zoned = zone_settings(settings)
    first = _sentences(lang)[0]
    for shown in (meeting, busiest):
        assert not shown.description  # the standard introduction, in the flyer's language
        text = flat(pdf_text(render_flyer(shown, zoned, layout, lang=lang,
                                          creation_date=CREATED))[0])
        assert first in text, (shown.place, text)
        # Whole sentences only: the last sentence printed is never cut with « … ».
        printed = [s for s in _sentences(lang) if s in text]
        assert printed == _sentences(lang)[: len(printed)]
        assert "…" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_scheduled_demo_meeting_has_its_introduction(
    demo: peewee.Database, settings: Settings, lang: str
) -> None:
    zoned = zone_settings(settings)
    first = _sentences(lang)[0]
    for shown in _scheduled(demo):
        text = flat(pdf_text(render_flyer(shown, zoned, "a5", lang=lang,
                                          creation_date=CREATED))[0])
        assert first in text, (shown.place, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_a6_flyer_has_no_introduction(meeting: MeetingDetail, settings: Settings,
                                          lang: str) -> None:
    text = flat(pdf_text(render_flyer(meeting, zone_settings(settings), "a4-4up", lang=lang,
                                      creation_date=CREATED))[0])
    assert _sentences(lang)[0] not in text


def test_a_long_description_is_printed_in_whole_sentences(
    meeting: MeetingDetail, settings: Settings
) -> None:
    import dataclasses

    sentences = [f"Phrase numéro {n} de la description, assez longue pour tenir une ligne."
                 for n in range(1, 30)]
    long = dataclasses.replace(meeting, description=" ".join(sentences))
    text = flat(pdf_text(render_flyer(long, zone_settings(settings), creation_date=CREATED))[0])
    printed = [s for s in sentences if s in text]
    assert 1 <= len(printed) < len(sentences)
    assert printed == sentences[: len(printed)]
    assert "…" not in text
