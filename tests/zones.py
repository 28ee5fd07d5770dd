"""Zone files for the tests: a second zone, Dutch-speaking, that has nothing of Boraine.

Politiezone Polderland and its communes are made up (no real zone is described); its file uses
what the shipped Boraine one doesn't: a logo, a publisher over two lines, case-insensitive
references, a postal code written as a number, e-mail and phone of a partner.
"""

from __future__ import annotations

from pathlib import Path

POLDERLAND = """\
[zone]
name = "Politiezone Polderland"
language = "nl"
website = "https://www.polderland.be/politie"
facebook = "https://www.facebook.com/politiezonepolderland"
logo = "polderland.png"
publisher = \"\"\"De korpschef van Politiezone Polderland
Marktplein 1, 2990 Oosterdijk\"\"\"
emergency = "101 / 112"

[[commissariats]]
name = "Commissariaat Oosterdijk"
address = "Marktplein 1, 2990 Oosterdijk"
phone = "03 210 00 00"
hours = "maandag tot vrijdag, van 8 tot 17 uur"

[[commissariats]]
name = "Wijkpost Westerveld"
address = "Kerkstraat 2, 2995 Westerveld"

[[communes]]
name = "Oosterdijk"
postal_codes = ["2990", "2991"]
commissariat = "Commissariaat Oosterdijk"
places = [
    { name = "Ontmoetingscentrum De Polder", address = "Dorpsstraat 5, 2990 Oosterdijk" },
    { name = "Cafetaria van het woonzorgcentrum", address = "Zorgstraat 1, 2991 Hoeve" },
]

[[communes]]
name = "Westerveld"
postal_codes = [2995]
commissariat = "wijkpost westerveld"

[[officers]]
name = "Inspecteur Jan Peeters"
grade = "inspecteur"
gender = "m"
commune = "Oosterdijk"
phone = "03 210 00 01"

[[officers]]
name = "Hoofdinspecteur An Janssens"
grade = "hoofdinspecteur"
gender = "F"
commune = "westerveld"

[[partners]]
name = "OCMW Oosterdijk"
kind = "welzijn"
email = "info@ocmw-oosterdijk.be"
phone = "03 210 00 50"

[[partners]]
name = "Gemeentelijke preventiedienst"
kind = "preventie"

[[themes]]
name = "Verkeersveiligheid"
fr = "Sécurité routière"
de = "Verkehrssicherheit"
en = "Road safety"

[[themes]]
name = "Buurtinformatienetwerk"
"""

POLDERLAND_NAMES = {
    "communes": ["Oosterdijk", "Westerveld"],
    "officers": ["Inspecteur Jan Peeters", "Hoofdinspecteur An Janssens"],
    "partners": ["OCMW Oosterdijk", "Gemeentelijke preventiedienst"],
    "themes": ["Verkeersveiligheid", "Buurtinformatienetwerk"],
}

# What the demo held before the zone file (services/demo.py's tables), in the order of its ids.
BORAINE_NAMES = {
    "communes": ["Boussu", "Colfontaine", "Frameries", "Quaregnon", "Saint-Ghislain"],
    "officers": [
        "Inspecteur Marc Dufrane", "Inspectrice Sophie Lambert", "Inspecteur Karim Benali",
        "Inspectrice Julie Desmet", "Inspecteur Thomas Van Acker",
    ],
    "partners": [
        "Toit & Moi (société de logement social)", "Échevin de la sécurité",
        "Gardiens de la Paix", "Plan de Cohésion Sociale", "Service de prévention", "Hygea",
    ],
    "themes": [
        "Problèmes de quartier", "Sentiment d'insécurité", "Nuisances de groupes de jeunes",
        "Cambriolages pendant les vacances", "Règlement Général de Police / cadre de vie",
        "Senior Focus",
    ],
}

# Words of Boraine that a Polderland kiosk or flyer must never show.
BORAINE_WORDS = ["Boraine", *BORAINE_NAMES["communes"], "Inspecteur Marc", "Hygea"]


def logo_png(color: tuple[int, int, int] = (0, 90, 160)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buffer, format="PNG")
    return buffer.getvalue()


def write_polderland(folder: Path, text: str = POLDERLAND) -> Path:
    """The Polderland zone file and its logo in `folder`; the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "polderland.png").write_bytes(logo_png())
    path = folder / "polderland.toml"
    path.write_text(text, encoding="utf-8")
    return path
