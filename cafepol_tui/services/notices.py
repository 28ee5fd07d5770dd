"""What each citizen is told, and by which channel: the notices written to the outbox.

Each `notify_*` function is called inside the transaction of the event (the sign-up, the
cancellation…), with the rows as that transaction sees them, and writes the notice in the
citizen's language (`Registration.language`, else the zone's).

Who gets what:
- a citizen who gave an e-mail address gets every notice by e-mail;
- one who gave only a phone number is called from the « À appeler » list for what changes
  their plans (a seat freed, the meeting cancelled or changed, a capacity cut, a concern's
  reply), not for what their slip already says (confirmation, waiting list at sign-up) nor
  for reminders; when an SMS gateway is configured, the SMS goes first and the call is left
  for what an SMS could not carry (services.outbox);
- one who gave neither can't be told: the sign-up form says so before they confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from cafepol_tui.db.models import (
    Commissariat,
    Commune,
    Concern,
    ConcernHandoff,
    Meeting,
    Officer,
    Partner,
    Registration,
    Theme,
    Zone,
    utcnow,
)
from cafepol_tui.i18n import LANGUAGES, language, translator
from cafepol_tui.services import outbox
from cafepol_tui.services.formatting import format_day, format_hours, local
from cafepol_tui.statuses import NoticeChannel, NoticeKind, RegistrationStatus

_ = translator("texts")

# Kinds that change a citizen's plans: worth a call when there is no e-mail address.
CALL_WORTHY = frozenset(
    {
        NoticeKind.PROMOTION,
        NoticeKind.CANCELLATION,
        NoticeKind.CHANGE,
        NoticeKind.WAITLISTED,
        NoticeKind.FEEDBACK,
    }
)
# A reminder is queued this long before the meeting at the earliest (« the day before »).
REMINDER_WINDOW = timedelta(hours=36)


def zone_language() -> str:
    row = Zone.get_or_none(Zone.id == 1)
    return row.language if row is not None and row.language in LANGUAGES else "fr"


def reader_language(chosen: str) -> str:
    return chosen if chosen in LANGUAGES else zone_language()


def channel_for(email: str, phone: str, kind: str, *, call: bool = True) -> str | None:
    """E-mail if given; else a call for what changes their plans; else nothing."""
    if email:
        return NoticeChannel.EMAIL
    if phone and call and kind in CALL_WORTHY:
        return NoticeChannel.PHONE
    return None


def counter_phone(meeting: Meeting) -> str:
    """The number a citizen calls about a meeting: the commissariat's, else the officer's."""
    commune = Commune.get_or_none(Commune.id == meeting.commune_id)
    if commune is not None and commune.commissariat_id:
        found = Commissariat.get_or_none(Commissariat.id == commune.commissariat_id)
        if found is not None and found.phone:
            return str(found.phone)
    if meeting.officer_id:
        officer = Officer.get_or_none(Officer.id == meeting.officer_id)
        if officer is not None and officer.phone:
            return str(officer.phone)
    return ""


def _commune_name(meeting: Meeting) -> str:
    commune = Commune.get_or_none(Commune.id == meeting.commune_id)
    return commune.name if commune is not None else ""


def when_and_where(meeting: Meeting, lang: str) -> str:
    """The meeting's day, hours and place on one line (« Avant : … » in a change notice)."""
    return ", ".join(meeting_lines(meeting, lang).split("\n"))


def meeting_lines(meeting: Meeting, lang: str) -> str:
    """« mardi 12 janvier 2027, de 10 h à 11 h 30 / Salle X, rue Y / Frameries »."""
    start = meeting.starts_at
    end = start + timedelta(minutes=meeting.duration_min)
    lines = [f"{format_day(start, lang)}, {format_hours(start, end, lang)}", meeting.place]
    if meeting.address:
        lines.append(meeting.address)
    commune = _commune_name(meeting)
    if commune:
        lines.append(commune)
    return "\n".join(line for line in lines if line)


def _readable(phone: str) -> str:
    """« 065 71 24 00 », as people dial it; a number that can't be parsed as stored."""
    from cafepol_tui.services.validation import format_phone

    try:
        return format_phone(phone)
    except Exception:
        return phone


def _closing(meeting: Meeting, code: str) -> str:
    phone = _readable(counter_phone(meeting))
    lines = [_("Votre code : {code}").format(code=code)]
    if phone:
        lines.append(
            _(
                "Pour annuler ou changer : à la borne du commissariat avec ce code, ou au {phone}."
            ).format(phone=phone)
        )
    else:
        lines.append(_("Pour annuler ou changer : à la borne du commissariat avec ce code."))
    lines.append("")
    lines.append(_("Votre police de quartier"))
    return "\n".join(lines)


def _subject(kind: str, meeting: Meeting, lang: str) -> str:
    day = format_day(meeting.starts_at, lang, year=False)
    subjects: dict[str, str] = {
        NoticeKind.CONFIRMATION: _("Inscription confirmée : café avec votre policier, {day}"),
        NoticeKind.WAITLISTED: _("Liste d'attente : café avec votre policier, {day}"),
        NoticeKind.PROMOTION: _("Une place s'est libérée : café avec votre policier, {day}"),
        NoticeKind.CANCELLATION: _("Annulé : café avec votre policier, {day}"),
        NoticeKind.CHANGE: _("Changement : café avec votre policier, {day}"),
        NoticeKind.REMINDER: _("Rappel, c'est demain : café avec votre policier, {day}"),
    }
    return subjects[kind].format(day=day)


def _news(
    kind: str,
    registration: Registration,
    meeting: Meeting,
    lang: str,
    *,
    rank: int | None,
    capacity_cut: bool,
    replacement: Meeting | None,
    previous: str,
    reinstated: bool = False,
) -> list[str]:
    people = registration.people
    if kind == NoticeKind.CONFIRMATION:
        return [
            _.plural(
                "Votre inscription est confirmée ({n} personne).",
                "Votre inscription est confirmée ({n} personnes).",
                people,
            ).format(n=people)
        ]
    if kind == NoticeKind.WAITLISTED:
        head = (
            _("Le nombre de places a été réduit : vous passez sur la liste d'attente.")
            if capacity_cut
            else _("La rencontre est complète : vous êtes sur la liste d'attente.")
        )
        lines = [head]
        if rank:
            lines.append(_("Votre position : {rank}.").format(rank=rank))
        lines.append(_("Nous vous prévenons dès qu'une place se libère."))
        return lines
    if kind == NoticeKind.PROMOTION:
        return [
            _("Bonne nouvelle : une place s'est libérée."),
            _.plural(
                "Votre inscription est confirmée ({n} personne).",
                "Votre inscription est confirmée ({n} personnes).",
                people,
            ).format(n=people),
        ]
    if kind == NoticeKind.CANCELLATION:
        lines = [_("Cette rencontre est annulée.")]
        if meeting.cancel_reason:
            lines.append(_("Raison : {reason}").format(reason=meeting.cancel_reason))
        if replacement is not None:
            lines += [
                "",
                _("Elle est remplacée par celle-ci :"),
                meeting_lines(replacement, lang),
                _(
                    "Pour y garder votre inscription, choisissez « Suivre mon inscription ou ma demande » "
                    "à la borne et tapez votre code, ou appelez-nous."
                ),
            ]
        return lines
    if kind == NoticeKind.CHANGE and reinstated:
        return [_("Bonne nouvelle : la rencontre a bien lieu.")]
    if kind == NoticeKind.CHANGE:
        lines = [_("L'heure ou le lieu de la rencontre a changé. Voici les nouvelles indications.")]
        if previous:
            lines.append(_("Avant : {previous}").format(previous=previous))
        return lines
    if kind == NoticeKind.REMINDER:
        return [_("Nous vous attendons demain.")]
    raise ValueError(kind)


def notify_registration(
    kind: str,
    registration: Registration,
    meeting: Meeting,
    *,
    now: datetime | None = None,
    rank: int | None = None,
    capacity_cut: bool = False,
    replacement: Meeting | None = None,
    previous: str = "",
    at_signup: bool = False,
    dedupe_key: str | None = None,
    reinstated: bool = False,
) -> int | None:
    """Write the notice for one registration, if the person can be reached; its id or None."""
    channel = channel_for(registration.email, registration.phone, kind, call=not at_signup)
    if channel is None or registration.anonymised_at is not None:
        return None
    lang = reader_language(registration.language)
    with language(lang):
        the_meeting = replacement if replacement is not None and kind == NoticeKind.CHANGE else meeting
        body = "\n".join(
            [
                _("Bonjour {name},").format(name=registration.name),
                "",
                *_news(
                    kind,
                    registration,
                    meeting,
                    lang,
                    rank=rank,
                    capacity_cut=capacity_cut,
                    replacement=replacement,
                    previous=previous,
                    reinstated=reinstated,
                ),
                "",
                _("Un café avec votre policier de quartier"),
                meeting_lines(the_meeting, lang),
                "",
                _closing(meeting, registration.reference),
            ]
        )
        subject = _subject(kind, meeting, lang)
    with_ics = kind in (NoticeKind.CONFIRMATION, NoticeKind.PROMOTION, NoticeKind.CHANGE)
    return outbox.enqueue(
        kind,
        channel,
        recipient=registration.email if channel == NoticeChannel.EMAIL else registration.phone,
        recipient_name=registration.name,
        language=lang,
        subject=subject,
        body=body,
        reference=registration.reference,
        meeting_id=meeting.id,
        registration_id=registration.id,
        attachment="ics" if with_ics and channel == NoticeChannel.EMAIL else "",
        dedupe_key=dedupe_key,
        now=now,
    )


def notify_meeting(
    kind: str,
    meeting: Meeting,
    *,
    statuses: tuple[str, ...] = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    replacement: Meeting | None = None,
    previous: str = "",
    now: datetime | None = None,
    reinstated: bool = False,
    previous_for: Callable[[str], str] | None = None,
) -> int:
    """A notice to everyone registered (confirmed and waiting, by default); how many written.

    `previous_for(lang)`, when given, writes `previous` in each reader's language."""
    written = 0
    query = (
        Registration.select()
        .where((Registration.meeting == meeting.id) & Registration.status.in_(list(statuses)))
        .order_by(Registration.created_at, Registration.id)
    )
    for registration in query:
        if notify_registration(
            kind,
            registration,
            meeting,
            now=now,
            replacement=replacement,
            previous=(
                previous_for(reader_language(registration.language)) if previous_for else previous
            ),
            reinstated=reinstated,
        ):
            written += 1
    return written


def queue_reminders(*, now: datetime | None = None) -> int:
    """The reminders due: confirmed parties who asked for one, meetings starting tomorrow
    (zone time). Safe to run as often as wanted: one reminder per registration at most."""
    now = now or utcnow()
    tomorrow = local(now).date() + timedelta(days=1)
    query = (
        Registration.select(Registration, Meeting)
        .join(Meeting)
        .where(
            Registration.wants_reminder
            & (Registration.status == RegistrationStatus.CONFIRMED)
            & (Registration.email != "")
            & (Meeting.status == "scheduled")
            & (Meeting.starts_at > now)
            & (Meeting.starts_at <= now + REMINDER_WINDOW)
        )
    )
    written = 0
    for registration in query:
        meeting = registration.meeting
        if local(meeting.starts_at).date() != tomorrow:
            continue
        if notify_registration(
            NoticeKind.REMINDER,
            registration,
            meeting,
            now=now,
            dedupe_key=f"reminder:{registration.id}",
        ):
            written += 1
    return written


# Concerns --------------------------------------------------------------------------------


def feedback_body(concern: Concern, reply: str, lang: str) -> tuple[str, str]:
    """The subject and text of a concern's reply, in `lang`."""
    with language(lang):
        subject = _("Votre demande {reference} : notre réponse").format(
            reference=concern.reference
        )
        lines = []
        if concern.contact_name:
            lines += [_("Bonjour {name},").format(name=concern.contact_name), ""]
        lines += [
            _("Vous nous avez fait part d'une situation :"),
            concern.description,
            "",
            _("Voici ce qui a été fait :"),
            reply,
            "",
            _("Référence : {reference}").format(reference=concern.reference),
            _("Votre police de quartier"),
        ]
    return subject, "\n".join(lines)


def handoff_body(
    concern: Concern, handoff: ConcernHandoff, partner: Partner, sender: str
) -> tuple[str, str]:
    """The transmission of a concern to a partner, in the zone's language; no citizen contact."""
    lang = zone_language()
    theme = Theme.get_or_none(Theme.id == concern.theme_id) if concern.theme_id else None
    commune = Commune.get_or_none(Commune.id == concern.commune_id) if concern.commune_id else None
    with language(lang):
        subject = _("Situation transmise par la police de quartier : {reference}").format(
            reference=concern.reference
        )
        lines = [
            _("À l'attention de : {partner}").format(partner=partner.name),
            "",
            _(
                "Lors d'un café avec le policier de quartier, un citoyen a signalé une situation "
                "qui relève de vos services."
            ),
            "",
            _("Référence : {reference}").format(reference=concern.reference),
        ]
        if theme is not None:
            lines.append(_("Thème : {theme}").format(theme=theme.name))
        if commune is not None:
            lines.append(_("Commune : {commune}").format(commune=commune.name))
        if concern.place:
            lines.append(_("Lieu : {place}").format(place=concern.place))
        lines += ["", concern.description, ""]
        if handoff.note:
            lines += [handoff.note, ""]
        lines += [
            _("Merci de nous répondre avant le {day}, en citant la référence.").format(
                day=format_day(
                    datetime.combine(handoff.due_on, datetime.min.time()).replace(
                        tzinfo=local(utcnow()).tzinfo
                    ),
                    lang,
                )
            ),
        ]
        if sender:
            lines.append(_("Réponse à : {sender}").format(sender=sender))
        lines.append(_("Votre police de quartier"))
    return subject, "\n".join(lines)
