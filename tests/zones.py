"""Zone files for the tests: a second zone, Dutch-speaking, that has nothing of Boraine.

Politiezone Polderland and its communes are made up (no real zone is described); its file uses
what the shipped Boraine one doesn't: a logo, an officer's photo, a publisher over two lines, case-insensitive
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
photo = "photos/peeters.jpg"

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


def photo_jpeg(size: tuple[int, int] = (120, 160)) -> bytes:
    """An officer's portrait: a face-coloured oval on a blue-grey ground, as a JPEG."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (150, 165, 185))
    w, h = size
    ImageDraw.Draw(image).ellipse((w * 0.25, h * 0.15, w * 0.75, h * 0.6), fill=(225, 185, 150))
    ImageDraw.Draw(image).rectangle((w * 0.1, h * 0.65, w * 0.9, h), fill=(30, 50, 100))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def write_polderland(folder: Path, text: str = POLDERLAND) -> Path:
    """The Polderland zone file, its logo and its first officer's photo (in a subfolder) in
    `folder`; the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "polderland.png").write_bytes(logo_png())
    (folder / "photos").mkdir(exist_ok=True)
    (folder / "photos" / "peeters.jpg").write_bytes(photo_jpeg())
    path = folder / "polderland.toml"
    path.write_text(text, encoding="utf-8")
    return path
