"""Demo data for Zone de Police Boraine, relative to today, and a large data set for benchmarks.

Seeding is idempotent: a marker in the `meta` table says it was done, so running it twice
adds nothing (the meetings are relative to the day of the first run).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cafepol_tui.db.engine import database_proxy
from cafepol_tui.db.models import (
    Commune,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    MetaEntry,
    Officer,
    Partner,
    Registration,
    Theme,
    utcnow,
)
from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.registrations import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    name_key,
    register,
)
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.statuses import Channel, MeetingStatus, RegistrationStatus

DEMO_MARKER = "demo_seeded_at"
BULK_MARKER = "bulk_seeded"

COMMUNES = {
    # commune: (postal code, officer, commissariat, phone, [(place, address), ...])
    "Boussu": ("7300", "Inspecteur Marc Dufrane", "Commissariat de Boussu", "+3265712100", [
        ("Cafétéria du Grand-Hornu", "Rue Sainte-Louise 82, 7301 Hornu"),
        ("Salle des fêtes de Hainin", "Place de Hainin 1, 7321 Hainin"),
        ("Maison de quartier du Coron", "Rue du Coron 14, 7300 Boussu"),
    ]),
    "Colfontaine": ("7340", "Inspectrice Sophie Lambert", "Commissariat de Colfontaine",
                    "+3265712200", [
        ("Maison de village de Wasmes", "Place de Wasmes 3, 7340 Wasmes"),
        ("Espace citoyen de Pâturages", "Rue de l'Église 21, 7340 Pâturages"),
        ("Cafétéria du hall omnisports", "Rue des Sports 2, 7340 Colfontaine"),
    ]),
    "Frameries": ("7080", "Inspecteur Karim Benali", "Commissariat de Frameries", "+3265712300", [
        ("Salle Le Trianon", "Rue de la Libération 8, 7080 Frameries"),
        ("Maison de quartier de La Bouverie", "Rue Ferrer 40, 7080 La Bouverie"),
        ("Bibliothèque d'Eugies", "Place d'Eugies 5, 7080 Eugies"),
    ]),
    "Quaregnon": ("7390", "Inspectrice Julie Desmet", "Commissariat de Quaregnon", "+3265712400", [
        ("Cafétéria de la Maison des seniors", "Rue Paul Pastur 12, 7390 Quaregnon"),
        ("Salle paroissiale de Wasmuel", "Rue de Wasmuel 30, 7390 Wasmuel"),
        ("Espace Jeunes du Rivage", "Rue du Rivage 5, 7390 Quaregnon"),
    ]),
    "Saint-Ghislain": ("7330", "Inspecteur Thomas Van Acker", "Commissariat de Saint-Ghislain",
                       "+3265712500", [
        ("Maison communale de Baudour", "Place de Baudour 1, 7331 Baudour"),
        ("Cafétéria du CPAS", "Rue de Tertre 4, 7330 Saint-Ghislain"),
        ("Salle Le Foyer de Hautrage", "Rue Grande 60, 7334 Hautrage"),
    ]),
}

PARTNERS = [
    ("Toit & Moi (société de logement social)", "logement social"),
    ("Échevin de la sécurité", "autorité communale"),
    ("Gardiens de la Paix", "prévention"),
    ("Plan de Cohésion Sociale", "cohésion sociale"),
    ("Service de prévention", "prévention"),
    ("Hygea", "propreté publique"),
]

THEMES = [
    "Problèmes de quartier",
    "Sentiment d'insécurité",
    "Nuisances de groupes de jeunes",
    "Cambriolages pendant les vacances",
    "Règlement Général de Police / cadre de vie",
    "Senior Focus",
]

NAMES = [
    "Marie Dubois", "Jean-Pierre Lemaire", "Fatima El Amrani", "Giuseppe Russo",
    "Agnieszka Kowalczyk", "Mehmet Yılmaz", "Nguyễn Thị Hoa", "Chantal Delhaye",
    "André Cornez", "Éloïse D'Hondt", "Mustafa Öztürk", "Ginette Lefebvre",
    "Hélène Wauquier", "Paul Fontaine", "Rachida Bouzid", "Christiane Mahieu",
    "Zbigniew Wiśniewski", "Nadia Haddad", "Robert Lecomte", "Simone Dupont",
    "Vincenzo Esposito", "Lucienne Hanot", "Ahmet Kaya", "Trần Văn Minh", "Œdipe Lavoie",
]

TOPICS = [
    "Stationnement gênant devant l'école le matin.",
    "Des jeunes se réunissent tard le soir sur la place.",
    "Dépôts clandestins d'immondices rue du Coron.",
    "Comment protéger ma maison pendant les vacances ?",
    "Vitesse excessive dans notre rue.",
    "Je me sens seule et pas rassurée le soir.",
]


@dataclass(frozen=True)
class SeedReport:
    created: bool
    meetings: int
    registrations: int


def _brussels(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


def _event_url(rng: random.Random) -> str:
    return f"https://www.facebook.com/events/{rng.randrange(10**15, 10**16)}/"


def _base_rows() -> tuple[dict[str, Commune], dict[str, Officer], list[Partner], list[Theme]]:
    communes, officers = {}, {}
    for name, (postal, officer, commissariat, phone, _places) in COMMUNES.items():
        commune, _ = Commune.get_or_create(name=name, defaults={"postal_code": postal})
        communes[name] = commune
        found = Officer.get_or_none(Officer.name == officer)
        officers[name] = found or Officer.create(
            name=officer, commune=commune, commissariat=commissariat, phone=phone
        )
    partners = [Partner.get_or_create(name=n, defaults={"kind": k})[0] for n, k in PARTNERS]
    themes = [Theme.get_or_create(name=n)[0] for n in THEMES]
    return communes, officers, partners, themes


def _meeting_days(rng: random.Random, first: date, months: int) -> list[date]:
    """2 or 3 days a month on Tuesday–Saturday, over `months` months from `first`."""
    days = []
    for month in range(months):
        start = first + timedelta(days=30 * month)
        window = [start + timedelta(days=d) for d in range(30) if (start + timedelta(days=d)).weekday() in (1, 2, 3, 5)]
        days.extend(sorted(rng.sample(window, rng.choice((2, 3)))))
    return days


def seed_demo(*, now: datetime | None = None, seed: int = 2027) -> SeedReport:
    """The demo zone: five communes, officers, partners, themes, three months of meetings."""
    if MetaEntry.get_or_none(MetaEntry.key == DEMO_MARKER):
        return SeedReport(False, 0, 0)
    now = now or utcnow()
    rng = random.Random(seed)
    first_day = now.astimezone(BRUSSELS).date() + timedelta(days=1)
    with database_proxy.atomic():
        communes, officers, partners, themes = _base_rows()
        meetings: list[Meeting] = []
        for name, (_postal, _o, _c, _p, places) in COMMUNES.items():
            for day in _meeting_days(rng, first_day, 3):
                place, address = rng.choice(places)
                hour, minute = rng.choice(((9, 30), (10, 0), (14, 0), (18, 0)))
                meeting = Meeting.create(
                    commune=communes[name],
                    place=place,
                    address=address,
                    starts_at=_brussels(day, hour, minute),
                    duration_min=rng.choice((90, 120)),
                    officer=officers[name],
                    capacity=rng.choice((20, 25, 30, 40, 45)),
                    event_url=_event_url(rng) if rng.random() < 0.85 else None,
                    interested_count=rng.randrange(3, 60),
                )
                for partner in rng.sample(partners, rng.choice((0, 1, 2, 3))):
                    MeetingPartner.create(meeting=meeting, partner=partner)
                for theme in rng.sample(themes, rng.choice((1, 2, 3))):
                    MeetingTheme.create(meeting=meeting, theme=theme)
                meetings.append(meeting)
        MetaEntry.create(key=DEMO_MARKER, value=now.isoformat())

    meetings.sort(key=lambda m: m.starts_at)
    count = 0
    people_names = _all_names()
    # Most meetings get a few sign-ups; some are nearly full; one is full with a waiting list.
    full = meetings[3]
    nearly_full = {m.id for m in meetings[5:40:9]}
    for meeting in meetings:
        if meeting.id == full.id:
            target = meeting.capacity + 5
        elif meeting.id in nearly_full:
            target = meeting.capacity - rng.choice((1, 2))
        else:
            target = rng.randrange(0, meeting.capacity // 2)
        taken = 0
        names = iter(rng.sample(people_names, 60))
        while taken < target:
            people = min(rng.choice((1, 1, 1, 2, 2, 3)), max(1, target - taken))
            result = register(
                meeting.id,
                SignupForm(
                    name=next(names),
                    people=people,
                    phone=f"+32470{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else "",
                    topic=rng.choice(TOPICS) if rng.random() < 0.3 else "",
                    consent=True,
                ),
                max_party=45,
                topic_max=500,
                channel=rng.choice(Channel.ALL),
                now=now,
            )
            taken += result.people
            count += 1
    cancelled = meetings[7]
    Meeting.update(
        status=MeetingStatus.CANCELLED,
        cancel_reason="Salle indisponible (travaux). Une nouvelle date sera annoncée.",
    ).where(Meeting.id == cancelled.id).execute()
    return SeedReport(True, len(meetings), count)


def _all_names() -> list[str]:
    """First names crossed with family names: hundreds of distinct, plausible people."""
    firsts = [n.split(" ", 1)[0] for n in NAMES]
    lasts = [n.split(" ", 1)[1] for n in NAMES]
    return NAMES + [f"{f} {s}" for f in firsts for s in lasts if f"{f} {s}" not in NAMES]


def seed_bulk(meetings: int, registrations: int, *, now: datetime | None = None, seed: int = 7) -> SeedReport:
    """A large realistic data set (benchmarks): meetings over the coming years, bulk-inserted."""
    marker = f"{BULK_MARKER}:{meetings}:{registrations}"
    if MetaEntry.get_or_none(MetaEntry.key == marker):
        return SeedReport(False, 0, 0)
    now = now or utcnow()
    rng = random.Random(seed)
    first_day = now.astimezone(BRUSSELS).date() + timedelta(days=1)
    with database_proxy.atomic():
        communes, officers, _partners, _themes = _base_rows()
        names = list(COMMUNES)
        rows = []
        for i in range(meetings):
            commune = names[i % len(names)]
            place, address = rng.choice(COMMUNES[commune][4])
            day = first_day + timedelta(days=(i * 730) // max(1, meetings))
            rows.append({
                "commune": communes[commune].id,
                "place": place,
                "address": address,
                "starts_at": _brussels(day, rng.choice((9, 10, 14, 18)), 0),
                "duration_min": 90,
                "officer": officers[commune].id,
                "capacity": 45,
                "seats_taken": 0,
                "event_url": _event_url(rng),
                "interested_count": rng.randrange(0, 80),
                "status": MeetingStatus.SCHEDULED,
                "created_at": now,
                "updated_at": now,
            })
        for start in range(0, len(rows), 500):
            batch = rows[start:start + 500]
            Meeting.insert_many(batch).execute()
        ids = [m.id for m in Meeting.select(Meeting.id).order_by(Meeting.id.desc()).limit(meetings)]
        ids.reverse()
        taken = dict.fromkeys(ids, 0)
        waitpos = dict.fromkeys(ids, 0)
        reg_rows = []
        for n in range(registrations):
            meeting_id = rng.choice(ids)
            people = rng.choice((1, 1, 1, 2, 2, 3))
            if taken[meeting_id] + people <= 45:
                taken[meeting_id] += people
                status, position = RegistrationStatus.CONFIRMED, None
            else:
                waitpos[meeting_id] += 1
                status, position = RegistrationStatus.WAITLISTED, waitpos[meeting_id]
            name = f"{rng.choice(NAMES)} {n}"
            reg_rows.append({
                "meeting": meeting_id,
                "reference": _bulk_reference(n),
                "name": name,
                "name_key": name_key(name),
                "people": people,
                "phone": "",
                "email": "",
                "topic": "",
                "consent_at": now,
                "status": status,
                "waitlist_position": position,
                "channel": Channel.KIOSK,
                "created_at": now,
                "updated_at": now,
            })
            if len(reg_rows) == 1000:
                Registration.insert_many(reg_rows).execute()
                reg_rows = []
        if reg_rows:
            Registration.insert_many(reg_rows).execute()
        for meeting_id, seats in taken.items():
            if seats:
                Meeting.update(seats_taken=seats).where(Meeting.id == meeting_id).execute()
        MetaEntry.create(key=marker, value=now.isoformat())
    return SeedReport(True, meetings, registrations)


def _bulk_reference(n: int) -> str:
    """Distinct codes in the reference alphabet, prefixed so they can't meet kiosk codes' pattern."""
    base = len(REFERENCE_ALPHABET)
    chars = []
    for _ in range(REFERENCE_LENGTH - 1):
        n, r = divmod(n, base)
        chars.append(REFERENCE_ALPHABET[r])
    return "Z" + "".join(reversed(chars))
