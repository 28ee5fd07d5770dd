"""The zone file: the shipped one and a Dutch-speaking second zone imported (twice: nothing
changes the second time), updated, replaced, exported and imported back; bad files refused
with the table, the entry and the key named."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.models import (
    Commissariat,
    Commune,
    Concern,
    Meeting,
    MeetingPartner,
    Officer,
    Partner,
    Theme,
    Zone,
)
from cafepol_tui.services.meetings import commune_names
from cafepol_tui.services.permissions import CLI
from cafepol_tui.services.zone import (
    export_zone,
    import_zone,
    zone_profile,
    zone_settings,
)
from cafepol_tui.services.zone_file import (
    ZoneFileError,
    parse_zone,
    read_zone_file,
    render_zone_file,
    shipped_zone_file,
    toml_string,
)
from cafepol_tui.settings import Settings
from tests.conftest import FIXED_NOW
from tests.zones import (
    BORAINE_NAMES,
    POLDERLAND,
    POLDERLAND_NAMES,
    logo_png,
    photo_jpeg,
    write_polderland,
)

pytestmark = pytest.mark.usefixtures("english")  # the refusals are checked in their English source


def names(model: type[peewee.Model], *, active: bool | None = None) -> list[str]:
    query = model.select().order_by(model.id)
    if active is not None:
        query = query.where(model.active == active)
    return [row.name for row in query]


def all_names() -> dict[str, list[str]]:
    return {"communes": names(Commune), "officers": names(Officer),
            "partners": names(Partner), "themes": names(Theme)}


def rows() -> dict[str, list[tuple]]:
    """Every row the zone file describes, every column: what an import must not change."""
    return {
        m._meta.table_name: [tuple(r.values()) for r in m.select().order_by(m.id).dicts()]
        for m in (Zone, Commissariat, Commune, Officer, Partner, Theme)
    }


@pytest.fixture
def polderland(tmp_path: Path) -> Path:
    return write_polderland(tmp_path / "polderland")


# --- the shipped zone ---------------------------------------------------------------------


def test_the_shipped_zone_gives_the_demo_its_communes_officers_partners_and_themes(db) -> None:
    report = import_zone(read_zone_file(shipped_zone_file()))
    assert report.changed
    assert all_names() == BORAINE_NAMES  # the same names, the same ids, as before zone files
    frameries = Commune.get(Commune.name == "Frameries")
    assert (frameries.id, frameries.postal_code, frameries.postal_codes) == (3, "7080", "7080")
    assert frameries.commissariat.name == "Commissariat de Frameries"
    assert json.loads(frameries.places)[0] == {
        "name": "Salle Le Trianon", "address": "Rue de la Libération 8, 7080 Frameries"
    }
    assert Commune.get(Commune.name == "Saint-Ghislain").postal_codes == "7330 7331 7332 7333 7334"
    karim = Officer.get(Officer.name == "Inspecteur Karim Benali")
    assert (karim.commune.name, karim.commissariat, karim.phone, karim.gender) == (
        "Frameries", "Commissariat de Frameries", "+3265712300", "m"
    )
    assert Theme.get(Theme.name == "Sentiment d'insécurité").name_nl == "Onveiligheidsgevoel"
    zone = Zone.get()
    assert (zone.name, zone.language, zone.emergency, zone.logo) == (
        "Zone de Police Boraine", "fr", "101 / 112", None
    )
    again = import_zone(read_zone_file(shipped_zone_file()))
    assert not again.changed
    assert "nothing changed" in again.lines()[0]


def test_seed_demo_is_the_shipped_zone_and_its_meetings(db) -> None:
    from cafepol_tui.services.demo import seed_demo

    seed_demo(now=FIXED_NOW)
    assert all_names() == BORAINE_NAMES
    places = {p["name"] for c in Commune.select() for p in json.loads(c.places)}
    assert {m.place for m in Meeting.select()} <= places
    # The demo's database holds the shipped file exactly: importing it changes nothing.
    assert not import_zone(read_zone_file(shipped_zone_file())).changed


# --- a second zone, in Dutch ----------------------------------------------------------------


def test_a_dutch_zone_is_imported_once_whatever_the_number_of_imports(db, polderland) -> None:
    zone = read_zone_file(polderland)
    first = import_zone(zone, actor=CLI, source=str(polderland))
    assert first.changed and first.tables["communes"].created == 2
    assert all_names() == POLDERLAND_NAMES
    oosterdijk = Commune.get(Commune.name == "Oosterdijk")
    westerveld = Commune.get(Commune.name == "Westerveld")
    assert (oosterdijk.postal_code, oosterdijk.postal_codes) == ("2990", "2990 2991")
    assert westerveld.postal_codes == "2995"  # written as a number in the file
    assert westerveld.commissariat.name == "Wijkpost Westerveld"  # matched without case
    an = Officer.get(Officer.name == "Hoofdinspecteur An Janssens")
    assert (an.gender, an.grade, an.commune_id, an.commissariat, an.phone) == (
        "f", "hoofdinspecteur", westerveld.id, "Wijkpost Westerveld", ""
    )
    jan = Officer.get(Officer.name == "Inspecteur Jan Peeters")
    assert jan.phone == "+3232100001"
    assert bytes(jan.photo) == photo_jpeg() and jan.photo_name == "peeters.jpg"
    assert an.photo is None and an.photo_name == ""
    ocmw = Partner.get(Partner.name == "OCMW Oosterdijk")
    assert (ocmw.kind, ocmw.email, ocmw.phone) == ("welzijn", "info@ocmw-oosterdijk.be",
                                                   "+3232100050")
    road = Theme.get(Theme.name == "Verkeersveiligheid")
    assert (road.name_fr, road.name_de, road.name_en, road.name_nl) == (
        "Sécurité routière", "Verkehrssicherheit", "Road safety", ""
    )
    station = Commissariat.get(Commissariat.name == "Commissariaat Oosterdijk")
    assert (station.phone, station.hours) == ("+3232100000", "maandag tot vrijdag, van 8 tot 17 uur")
    zone_row = Zone.get()
    assert zone_row.language == "nl"
    assert zone_row.publisher == "De korpschef van Politiezone Polderland\nMarktplein 1, 2990 Oosterdijk"
    assert bytes(zone_row.logo) == logo_png() and zone_row.logo_name == "polderland.png"
    before = rows()
    for _ in range(2):
        again = import_zone(read_zone_file(polderland), actor=CLI)
        assert not again.changed
        assert rows() == before
    from cafepol_tui.services.audit import list_entries

    assert [e.action for e in list_entries()] == ["zone import"]  # no entry for a no-op


def test_what_changed_is_updated_and_nothing_else(db, polderland) -> None:
    import_zone(read_zone_file(polderland))
    ids = {name: Officer.get(Officer.name == name).id for name in POLDERLAND_NAMES["officers"]}
    changed = POLDERLAND.replace('phone = "03 210 00 01"', 'phone = "+32 3 210 00 09"').replace(
        'en = "Road safety"', 'en = "Safety on the roads"'
    ).replace('name = "Westerveld"', 'name = "WESTERVELD"')
    polderland.write_text(changed, encoding="utf-8")
    report = import_zone(read_zone_file(polderland))
    assert (report.tables["officers"].updated, report.tables["officers"].unchanged) == (1, 1)
    assert (report.tables["themes"].updated, report.tables["communes"].updated) == (1, 1)
    assert report.tables["partners"].changed is False and not report.zone_changed
    assert Officer.get_by_id(ids["Inspecteur Jan Peeters"]).phone == "+3232100009"
    assert Theme.get(Theme.name == "Verkeersveiligheid").name_en == "Safety on the roads"
    assert names(Commune) == ["Oosterdijk", "WESTERVELD"]  # matched by name, spelling updated
    assert {o.name: o.id for o in Officer.select()} == ids


def test_a_new_zone_file_deletes_what_is_unused_and_deactivates_what_meetings_use(
    db, polderland
) -> None:
    """The demo's Boraine, then Polderland's file: Boraine's rows that meetings or concerns
    use are kept, inactive, for the history; the rest goes. Boraine's file brings them back."""
    from cafepol_tui.services.demo import seed_demo

    seed_demo(now=FIXED_NOW)
    used_communes = {m.commune.name for m in Meeting.select()}
    meetings = [(m.id, m.commune_id, m.officer_id) for m in Meeting.select().order_by(Meeting.id)]
    # One partner no meeting uses but a concern was handed to; one nothing uses any more.
    hygea, toit = (Partner.get(Partner.name == n) for n in ("Hygea", BORAINE_NAMES["partners"][0]))
    MeetingPartner.delete().where(MeetingPartner.partner.in_([hygea.id, toit.id])).execute()
    Concern.create(description="Dépôt clandestin", partner=hygea, due_on=FIXED_NOW.date())
    report = import_zone(read_zone_file(polderland))
    assert report.tables["communes"].deactivated == len(used_communes)
    assert names(Commune, active=True) == POLDERLAND_NAMES["communes"]
    assert set(names(Commune, active=False)) == used_communes
    assert names(Partner, active=False) == BORAINE_NAMES["partners"][1:]  # Hygea: its concern
    assert names(Partner, active=True) == POLDERLAND_NAMES["partners"]
    assert toit.name not in names(Partner)  # unused: deleted
    assert [(m.id, m.commune_id, m.officer_id) for m in Meeting.select().order_by(Meeting.id)] \
        == meetings  # the history is intact
    # What is offered for new meetings and concerns, and shown on the kiosk, is Polderland's.
    from cafepol_tui.services.concerns import partner_names, theme_names
    from cafepol_tui.services.meeting_fields import officer_names

    assert commune_names() == ["Oosterdijk", "Westerveld"]
    assert commune_names("Boussu") == ["Boussu", "Oosterdijk", "Westerveld"]  # an old meeting's
    assert officer_names() == sorted(POLDERLAND_NAMES["officers"])
    assert theme_names() == sorted(POLDERLAND_NAMES["themes"])
    assert partner_names() == sorted(POLDERLAND_NAMES["partners"])
    # The file that lists them again makes them active again.
    back = import_zone(read_zone_file(shipped_zone_file()))
    assert back.tables["communes"].updated == len(used_communes)
    assert set(names(Commune, active=True)) == set(BORAINE_NAMES["communes"])
    assert set(names(Commune)) == set(BORAINE_NAMES["communes"])  # Polderland's were unused


def test_export_then_import_changes_nothing(db, polderland, settings: Settings) -> None:
    import_zone(read_zone_file(polderland))
    before = rows()
    exported = export_zone(settings)
    read = read_zone_file(polderland)
    # The same zone; a photo read from a subfolder is named as it will be written: beside it.
    assert read.officers[0].photo == "photos/peeters.jpg"
    assert exported == dataclasses.replace(read, officers=tuple(
        dataclasses.replace(o, photo=Path(o.photo).name) for o in read.officers
    ))
    assert exported.officers[0].photo_data == photo_jpeg()
    text = render_zone_file(exported)
    assert parse_zone(tomllib.loads(text)) == dataclasses.replace(
        exported, logo_data=None,
        officers=tuple(dataclasses.replace(o, photo_data=None) for o in exported.officers),
    )
    out = polderland.parent / "exported.toml"
    out.write_text(text, encoding="utf-8")
    (out.parent / "peeters.jpg").write_bytes(photo_jpeg())  # as `zone export --out` writes it
    report = import_zone(read_zone_file(out))
    assert not report.changed and rows() == before


@pytest.mark.parametrize(
    "text",
    [
        'Zone "de" \\ Police',
        "Ligne 1\nLigne 2",
        "Œdipe & Fils — « guillemets » 𝒵 ﬃ",
        "tab\tin",
        "'single' and \"double\" \\n not a newline",
    ],
)
def test_any_text_written_reads_back_the_same(text: str) -> None:
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_the_zone_name_and_page_come_from_the_database_once_imported(
    db, polderland, settings: Settings
) -> None:
    config = dataclasses.replace(settings, zone_page_url="https://www.facebook.com/config/")
    before = zone_profile(config)
    assert (before.name, before.page_url, before.imported) == (
        "Zone de Police Boraine", "https://www.facebook.com/config/", False
    )
    assert before.communes == settings.communes
    import_zone(read_zone_file(polderland))
    after = zone_settings(config)
    assert after.zone_name == "Politiezone Polderland"
    assert after.zone_page_url == "https://www.facebook.com/politiezonepolderland"
    assert after.communes == ("Oosterdijk", "Westerveld")
    assert after.language == "nl"  # the zone's, as the config chose none
    assert after.documents.publisher.startswith("De korpschef")
    assert Path(after.documents.logo).read_bytes() == logo_png()
    chosen = zone_settings(dataclasses.replace(config, language="de"))
    assert chosen.language == "de"  # the config's choice stays


def test_without_any_zone_the_kiosk_names_none(db, settings: Settings) -> None:
    bare = dataclasses.replace(settings, zone_name="", communes=())
    Commune.create(name="Mons", postal_code="7000")
    profile = zone_profile(bare)
    assert (profile.name, profile.communes, profile.language) == ("CaféPol", ("Mons",), "fr")


def test_an_older_database_exports_what_it_holds_named_by_the_config(
    db, settings: Settings
) -> None:
    Commune.create(name="Frameries", postal_code="7080")
    exported = export_zone(settings)
    assert exported.zone.name == "Zone de Police Boraine"
    assert [(c.name, c.postal_codes) for c in exported.communes] == [("Frameries", ("7080",))]


# --- bad files ------------------------------------------------------------------------------

ZONE_HEAD = '[zone]\nname = "Z"\nlanguage = "fr"\n'
ONE_COMMUNE = '[[communes]]\nname = "A"\npostal_codes = ["1000"]\n'


def _variant(old: str, new: str) -> str:
    assert old in POLDERLAND, old
    return POLDERLAND.replace(old, new, 1)


BAD_FILES: list[tuple[str, str]] = [
    (ONE_COMMUNE, "[zone]: missing"),
    (ZONE_HEAD, "[[communes]]: missing"),
    (ZONE_HEAD + ONE_COMMUNE + "[zones]\nx = 1\n", "unknown table [zones]"),
    (ZONE_HEAD + ONE_COMMUNE + '[officers]\nname = "X"\n', "[[officers]]: expected entries"),
    (ZONE_HEAD + "[[communes]\n", "is not valid TOML"),
    (ZONE_HEAD + "x = " + "[" * 1000 + "]" * 1000 + "\n", "nested too deeply"),
    (_variant('name = "Politiezone Polderland"', 'colour = "blue"\nname = "P"'),
     "[zone], key 'colour': unknown key"),
    (_variant('name = "Politiezone Polderland"\n', ""), "[zone], key 'name': missing"),
    (_variant('name = "Politiezone Polderland"', 'name = "  "'), "[zone], key 'name': empty"),
    (_variant('name = "Politiezone Polderland"', "name = 5"), "[zone], key 'name': expected text"),
    (_variant('language = "nl"', 'language = "fy"'),
     "[zone], key 'language': must be one of fr, nl, de, en"),
    (_variant('language = "nl"\n', ""), "[zone], key 'language': missing"),
    (_variant('facebook = "https://', 'facebook = "ftp://'),
     "[zone], key 'facebook': not a web address"),
    (_variant('logo = "polderland.png"', 'logo = "missing.png"'),
     "[zone], key 'logo': logo "),
    (_variant('logo = "polderland.png"', 'logo = "polderland.toml"'),
     "[zone], key 'logo': "),
    (_variant('photo = "photos/peeters.jpg"', 'photo = "photos/missing.jpg"'),
     "[[officers]] entry 1 (\"Inspecteur Jan Peeters\"), key 'photo': photo "),
    (_variant('photo = "photos/peeters.jpg"', 'photo = "polderland.toml"'),
     "[[officers]] entry 1 (\"Inspecteur Jan Peeters\"), key 'photo': "),
    (_variant('photo = "photos/peeters.jpg"', 'photo = 3'),
     "[[officers]] entry 1 (\"Inspecteur Jan Peeters\"), key 'photo': expected text"),
    (_variant('phone = "03 210 00 00"', 'phone = "12"'),
     "[[commissariats]] entry 1 (\"Commissariaat Oosterdijk\"), key 'phone': not a phone number"),
    (_variant('hours = "maandag', 'hours = "\\u001b[2Jmaandag'),
     "[[commissariats]] entry 1 (\"Commissariaat Oosterdijk\"), key 'hours': contains control"),
    (_variant('postal_codes = ["2990", "2991"]', "postal_codes = []"),
     "[[communes]] entry 1 (\"Oosterdijk\"), key 'postal_codes': expected a list"),
    (_variant('postal_codes = ["2990", "2991"]', 'postal_codes = ["29900"]'),
     "[[communes]] entry 1 (\"Oosterdijk\"), key 'postal_codes': '29900' is not a postal code"),
    (_variant('postal_codes = [2995]', 'postal_codes = [true]'),
     "[[communes]] entry 2 (\"Westerveld\"), key 'postal_codes': True is not a postal code"),
    (_variant('commissariat = "wijkpost westerveld"', 'commissariat = "Nergens"'),
     "[[communes]] entry 2 (\"Westerveld\"), key 'commissariat': 'Nergens' is not one of the "
     "[[commissariats]]"),
    (_variant('name = "Westerveld"', 'name = "oosterdijk"'),
     "[[communes]] entry 2 (\"oosterdijk\"), key 'name': the same name as entry 1"),
    (_variant('address = "Zorgstraat 1, 2991 Hoeve" }', 'seats = 40 }'),
     "[[communes]] entry 1 (\"Oosterdijk\"), key 'places[2].seats': unknown key"),
    (_variant('{ name = "Cafetaria van het woonzorgcentrum", ', "{ "),
     "[[communes]] entry 1 (\"Oosterdijk\"), key 'places[2].name': missing"),
    (_variant('gender = "F"', 'gender = "q"'),
     "[[officers]] entry 2 (\"Hoofdinspecteur An Janssens\"), key 'gender': must be one of f, m, x"),
    (_variant('commune = "westerveld"\n', ""),
     "[[officers]] entry 2 (\"Hoofdinspecteur An Janssens\"), key 'commune': missing"),
    (_variant('commune = "westerveld"', 'commune = "Boussu"'),
     "[[officers]] entry 2 (\"Hoofdinspecteur An Janssens\"), key 'commune': 'Boussu' is not one"),
    (_variant('email = "info@ocmw-oosterdijk.be"', 'email = "info@"'),
     "[[partners]] entry 1 (\"OCMW Oosterdijk\"), key 'email': not an e-mail address"),
    (_variant('name = "Buurtinformatienetwerk"', 'name = "' + "B" * 121 + '"'),
     "[[themes]] entry 2 (\"" + "B" * 60 + "… [121 characters]\"), key 'name': too long"),
    (_variant('name = "Buurtinformatienetwerk"', 'nl = "Buurt"'),
     "[[themes]] entry 2, key 'name': missing"),
    (_variant('en = "Road safety"', 'es = "Seguridad vial"'),
     "[[themes]] entry 1 (\"Verkeersveiligheid\"), key 'es': unknown key"),
]


@pytest.mark.parametrize(("text", "named"), BAD_FILES, ids=range(len(BAD_FILES)))
def test_a_bad_file_is_refused_naming_the_table_the_entry_and_the_key(
    db, polderland, text: str, named: str
) -> None:
    polderland.write_text(text, encoding="utf-8")
    with pytest.raises(ZoneFileError) as refused:
        read_zone_file(polderland)
    message = str(refused.value)
    assert message.startswith(f"zone file {polderland}")
    assert named in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize(
    ("picture", "said"),
    [
        (lambda: b"\xff\xd8\xff" + b"x" * (2 * 1024 * 1024), "too big (2097152 bytes at most)"),
        (lambda: photo_jpeg()[:400], "is not a readable image"),
        (lambda: b"GIF89a" + b"\0" * 100, "is not a PNG or JPEG image"),
        (lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a PNG or JPEG image"),
        (lambda: _huge_png(), "is too large (6000 × 5000 pixels, 25 million at most)"),
    ],
    ids=["too-big", "cut", "gif", "svg", "too-many-pixels"],
)
def test_a_bad_photo_is_refused_naming_the_officer(
    db, polderland: Path, picture, said: str
) -> None:
    photo = polderland.parent / "photos" / "peeters.jpg"
    photo.write_bytes(picture())
    with pytest.raises(ZoneFileError) as refused:
        read_zone_file(polderland)
    message = str(refused.value)
    assert message.startswith(
        f"zone file {polderland}: [[officers]] entry 1 (\"Inspecteur Jan Peeters\"), key 'photo': "
    ), message
    assert said in message and len(message.splitlines()) == 1
    assert not Officer.select().exists()  # nothing imported


def _huge_png() -> bytes:
    """30 million pixels of one colour: a PNG of a few kilobytes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_officer_without_a_photo_in_the_new_file_loses_it(db, polderland: Path) -> None:
    import_zone(read_zone_file(polderland))
    text = polderland.read_text(encoding="utf-8").replace('photo = "photos/peeters.jpg"\n', "")
    polderland.write_text(text, encoding="utf-8")
    report = import_zone(read_zone_file(polderland))
    assert report.tables["officers"].updated == 1
    jan = Officer.get(Officer.name == "Inspecteur Jan Peeters")
    assert jan.photo is None and jan.photo_name == ""


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "it is a folder"),
        (lambda p: p.write_bytes(b"x" * (1024 * 1024 + 1)), "too big"),
        (lambda p: p.write_bytes("[zone]\nname = 'Liège'\n".encode("latin-1")), "not UTF-8"),
        (lambda p: None, "not found"),
    ],
    ids=["folder", "huge", "latin-1", "missing"],
)
def test_a_file_that_is_no_zone_file_is_refused(tmp_path: Path, make, said: str) -> None:
    path = tmp_path / "zone.toml"
    make(path)
    with pytest.raises(ZoneFileError, match=said):
        read_zone_file(path)


def test_a_device_or_a_fifo_is_refused_before_any_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ZoneFileError, match="not a regular file"):
        read_zone_file(fifo)
    with pytest.raises(ZoneFileError, match="not a regular file"):
        read_zone_file("/dev/zero")
