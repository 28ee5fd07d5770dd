"""Demo data, relative to today, and a large data set for benchmarks.

The demo zone is data: the zone file shipped with cafepol (`examples/zone-boraine.toml`), imported
as `cafepol zone import` would, its usual meeting places included; then meetings and sign-ups.
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
from cafepol_tui.services.meetings_admin import cancel_meeting
from cafepol_tui.services.permissions import SYSTEM
from cafepol_tui.services.registrations import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    name_key,
    register,
)
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.services.zone import import_zone
from cafepol_tui.services.zone_file import (
    DEMO_ZONE_FILE,
    ZoneFile,
    read_zone_file,
    shipped_zone_file,
)
from cafepol_tui.statuses import Channel, MeetingStatus, RegistrationStatus

DEMO_MARKER = "demo_seeded_at"
BULK_MARKER = "bulk_seeded"

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


@dataclass(frozen=True)
class _DemoTown:
    commune: Commune
    officer: Officer | None  # the commune's first officer in the zone file
    places: tuple[tuple[str, str], ...]  # (place, address): the file's usual places


def demo_zone() -> ZoneFile:
    """The demo zone's file, shipped with cafepol (examples/zone-boraine.toml)."""
    return read_zone_file(shipped_zone_file(DEMO_ZONE_FILE))


def _base_rows() -> tuple[dict[str, _DemoTown], list[Partner], list[Theme]]:
    """The demo zone imported (adding to what the database holds, deleting nothing), and its
    rows in the file's order."""
    zone = demo_zone()
    import_zone(zone, prune=False, actor=None)
    towns = {}
    for entry in zone.communes:
        commune = Commune.get(Commune.name == entry.name)
        first = next((o.name for o in zone.officers if o.commune == entry.name), None)
        officer = Officer.get(Officer.name == first) if first else None
        places = tuple((p.name, p.address) for p in entry.places) or ((entry.name, ""),)
        towns[entry.name] = _DemoTown(commune, officer, places)
    partners = [Partner.get(Partner.name == p.name) for p in zone.partners]
    themes = [Theme.get(Theme.name == t.name) for t in zone.themes]
    return towns, partners, themes


def _meeting_days(rng: random.Random, first: date, months: int) -> list[date]:
    """2 or 3 days a month on Tuesday–Saturday, over `months` months from `first`."""
    days = []
    for month in range(months):
        start = first + timedelta(days=30 * month)
        window = [start + timedelta(days=d) for d in range(30) if (start + timedelta(days=d)).weekday() in (1, 2, 3, 5)]
        days.extend(sorted(rng.sample(window, rng.choice((2, 3)))))
    return days


def seed_demo(*, now: datetime | None = None, seed: int = 2027) -> SeedReport:
    """The demo zone (its file imported), three months of meetings, sign-ups."""
    if MetaEntry.get_or_none(MetaEntry.key == DEMO_MARKER):
        return SeedReport(False, 0, 0)
    now = now or utcnow()
    rng = random.Random(seed)
    first_day = now.astimezone(BRUSSELS).date() + timedelta(days=1)
    towns, partners, themes = _base_rows()
    with database_proxy.atomic():
        meetings: list[Meeting] = []
        for town in towns.values():
            for day in _meeting_days(rng, first_day, 3):
                place, address = rng.choice(town.places)
                hour, minute = rng.choice(((9, 30), (10, 0), (14, 0), (18, 0)))
                meeting = Meeting.create(
                    commune=town.commune,
                    place=place,
                    address=address,
                    starts_at=_brussels(day, hour, minute),
                    duration_min=rng.choice((90, 120)),
                    officer=town.officer,
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
    # Drawn apart from `rng`, so the meetings and sign-ups stay those of earlier demos: about
    # one person in four leaves an e-mail (their confirmation waits in the outbox until a mail
    # server is configured), some in Dutch.
    mail_rng = random.Random(seed + 1)
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
                    name=(name := next(names)),
                    people=people,
                    phone=f"+32470{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else "",
                    email=_demo_email(name) if mail_rng.random() < 0.25 else "",
                    topic=rng.choice(TOPICS) if rng.random() < 0.3 else "",
                    consent=True,
                    language="nl" if mail_rng.random() < 0.1 else "fr",
                ),
                max_party=45,
                topic_max=500,
                channel=rng.choice(Channel.ALL),
                now=now,
            )
            taken += result.people
            count += 1
    # Cancelled as staff would: everyone signed up is told (e-mail, or the call list). The
    # busiest of a few meetings a week or two ahead, so the counter's call list has work.
    cancelled = max(meetings[6:10], key=lambda m: Meeting.get_by_id(m.id).seats_taken)
    cancel_meeting(
        cancelled.id,
        "Salle indisponible (travaux). Une nouvelle date sera annoncée.",
        SYSTEM,
        now=now,
    )
    return SeedReport(True, len(meetings), count)


def _demo_email(name: str) -> str:
    """« marie.dubois@exemple.be »: the name folded to ASCII (a reserved-looking demo domain)."""
    local_part = ".".join(name_key(name).replace("'", "").split())
    ascii_only = "".join(ch for ch in local_part if ch.isascii() and (ch.isalnum() or ch in ".-"))
    return f"{ascii_only or 'demo'}@exemple.be"


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
    towns, _partners, _themes = _base_rows()
    with database_proxy.atomic():
        order = list(towns.values())
        rows = []
        for i in range(meetings):
            town = order[i % len(order)]
            place, address = rng.choice(town.places)
            day = first_day + timedelta(days=(i * 730) // max(1, meetings))
            rows.append({
                "commune": town.commune.id,
                "place": place,
                "address": address,
                "starts_at": _brussels(day, rng.choice((9, 10, 14, 18)), 0),
                "duration_min": 90,
                "officer": town.officer.id if town.officer else None,
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
