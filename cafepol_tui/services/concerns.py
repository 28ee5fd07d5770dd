"""Concerns (doléances): every situation raised at a meeting is followed until feedback.

open → in progress → resolved → feedback given, or closed without feedback (with a reason).
Each change is a `ConcernUpdate` row (who, when, what). The citizen's contact is erased as soon
as feedback is given or the concern is closed: it is kept only as long as it is needed.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, timedelta

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import (
    Commune,
    Concern,
    ConcernHandoff,
    ConcernUpdate,
    Meeting,
    OutboxMessage,
    Partner,
    Registration,
    StaffAccount,
    Theme,
    utcnow,
)
from cafepol_tui.i18n import N_, translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import local
from cafepol_tui.services.meeting_fields import parse_date
from cafepol_tui.services.permissions import CLI, SYSTEM, Actor, Permission, require
from cafepol_tui.services.validation import (
    FormCheck,
    NotFoundError,
    RefusedError,
    ValidationError,
    clean_email,
    clean_name,
    clean_phone,
    clean_text,
)
from cafepol_tui.statuses import (
    ConcernStatus,
    HandoffStatus,
    NoticeChannel,
    NoticeKind,
    OutboxStatus,
    ReplyChannel,
    StaffRole,
)

_ = translator("texts")

DEFAULT_DUE_DAYS = 14
DESCRIPTION_MAX = 2000

# The states' names, marked for translation: `status_label` gives them in the current language.
STATUS_LABELS = {
    ConcernStatus.OPEN: N_("ouverte"),
    ConcernStatus.IN_PROGRESS: N_("en cours"),
    ConcernStatus.RESOLVED: N_("résolue"),
    ConcernStatus.FEEDBACK_GIVEN: N_("retour donné"),
    ConcernStatus.CLOSED: N_("clôturée sans retour"),
}


def status_label(status: str) -> str:
    """The state's name in the current language (« ouverte », « open »…)."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


# Allowed next states. Closing (without feedback) is possible from any open state.
TRANSITIONS = {
    ConcernStatus.OPEN: (ConcernStatus.IN_PROGRESS, ConcernStatus.RESOLVED, ConcernStatus.CLOSED),
    ConcernStatus.IN_PROGRESS: (ConcernStatus.RESOLVED, ConcernStatus.CLOSED),
    # Feedback is given with `give_feedback` (a reply text and a channel), from any open state.
    ConcernStatus.RESOLVED: (ConcernStatus.IN_PROGRESS, ConcernStatus.CLOSED),
    ConcernStatus.FEEDBACK_GIVEN: (),
    ConcernStatus.CLOSED: (),
}


@dataclass(frozen=True)
class ConcernForm:
    """As typed in the staff form."""

    theme: str = ""
    description: str = ""
    place: str = ""
    partner: str = ""
    meeting_id: int | None = None
    wants_feedback: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    due_on: str = ""
    contact_address: str = ""
    owner: str = ""
    language: str = ""


@dataclass(frozen=True)
class ConcernSummary:
    id: int
    status: str
    theme: str
    commune: str
    place: str
    description: str
    partner: str
    due_on: date
    created_at: datetime
    meeting_id: int | None
    overdue: bool
    _: KW_ONLY
    reference: str = ""
    owner: str = ""
    handoff_overdue: bool = False


@dataclass(frozen=True)
class UpdateView:
    at: datetime
    actor: str
    status: str
    note: str
    public: bool = False


@dataclass(frozen=True)
class HandoffView:
    id: int
    concern_id: int
    concern_reference: str
    partner: str
    channel: str
    status: str
    due_on: date
    note: str
    answer: str
    answered_at: datetime | None
    created_at: datetime
    overdue: bool


@dataclass(frozen=True)
class ConcernDetail(ConcernSummary):
    wants_feedback: bool
    contact_name: str
    contact_phone: str
    contact_email: str
    close_reason: str
    created_by: str
    feedback_at: datetime | None
    updates: tuple[UpdateView, ...]
    contact_address: str = ""
    reply_text: str = ""
    reply_channel: str = ""
    reply_delivered: bool = False
    language: str = ""
    handoffs: tuple[HandoffView, ...] = ()

    @property
    def next_states(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


@dataclass(frozen=True)
class AdvanceTopic:
    """A topic a citizen typed when signing up, not yet turned into a concern."""

    registration_id: int
    reference: str
    name: str
    topic: str
    has_contact: bool


def _lookup(model: type[Theme] | type[Partner], raw: str, field: str, unknown: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    row = model.get_or_none(peewee.fn.LOWER(model.name) == text.lower())
    if row is None:
        raise ValidationError({field: unknown})
    return row.id


def _clean(form: ConcernForm, now: datetime) -> dict[str, object]:
    fields = FormCheck()
    errors, out, check = fields.errors, fields.values, fields.check

    def theme() -> int:
        found = _lookup(Theme, form.theme, "theme", _("Thème inconnu : choisissez dans la liste."))
        if found is None:
            raise ValidationError({"theme": _("Choisissez le thème.")})
        return found

    def due() -> date:
        if not form.due_on.strip():
            return local(now).date() + timedelta(days=DEFAULT_DUE_DAYS)
        return parse_date(form.due_on, "due_on")

    check("theme", theme)
    check(
        "partner",
        lambda: _lookup(
            Partner, form.partner, "partner", _("Partenaire inconnu : choisissez dans la liste.")
        ),
    )
    check(
        "description",
        lambda: clean_text(
            form.description, "description", DESCRIPTION_MAX, required=_("Décrivez la situation.")
        ),
    )
    check("place", lambda: clean_text(form.place, "place", 200))
    check("due_on", due)
    if form.wants_feedback:
        check("contact_name", lambda: clean_name(form.contact_name))
        if "name" in errors:
            errors["contact_name"] = errors.pop("name")
        check("contact_phone", lambda: clean_phone(form.contact_phone))
        check("contact_email", lambda: clean_email(form.contact_email))
        for src, dst in (("phone", "contact_phone"), ("email", "contact_email")):
            if src in errors:
                errors[dst] = errors.pop(src)
        check("contact_address", lambda: clean_address(form.contact_address))
        if not (
            form.contact_phone.strip() or form.contact_email.strip() or form.contact_address.strip()
        ):
            errors.setdefault(
                "contact_phone",
                _("Pour un retour, indiquez un téléphone, une adresse e-mail ou postale."),
            )
    else:
        out |= {"contact_name": "", "contact_phone": "", "contact_email": "", "contact_address": ""}
    if errors:
        raise ValidationError(errors)
    return out


ADDRESS_MAX = 300


def clean_address(raw: str) -> str:
    """A postal address: several lines allowed, no other control characters, ≤ 300."""
    lines = [" ".join(line.split()) for line in raw.replace("\r\n", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    if any(ord(ch) < 32 and ch != "\n" or ord(ch) == 127 for ch in text):
        raise ValidationError({"contact_address": _("Caractères non admis dans l'adresse.")})
    if len(text) > ADDRESS_MAX:
        raise ValidationError(
            {
                "contact_address": _("Adresse trop longue ({max} caractères au plus).").format(
                    max=ADDRESS_MAX
                )
            }
        )
    return text


def _default_owner(form: ConcernForm, actor: Actor) -> str:
    """The account named in the form, else the officer or admin recording it, else nobody."""
    if form.owner.strip():
        return _check_owner(form.owner)
    if getattr(actor, "role", "") in (StaffRole.OFFICER, StaffRole.ADMIN) and actor.name not in (
        CLI.name,
        SYSTEM.name,
    ):
        return actor.name
    return ""


def _check_owner(owner: str) -> str:
    name = owner.strip()
    if not name:
        return ""
    account = StaffAccount.get_or_none(
        (peewee.fn.LOWER(StaffAccount.name) == name.lower()) & (StaffAccount.active == True)  # noqa: E712
    )
    if account is None:
        raise ValidationError(
            {"owner": _("Compte inconnu ou désactivé : {name}").format(name=name)}
        )
    return str(account.name)


def create_concern(
    form: ConcernForm,
    actor: Actor,
    *,
    registration_id: int | None = None,
    now: datetime | None = None,
) -> int:
    require(actor, Permission.RECORD_CONCERN)
    now = now or utcnow()
    clean = _clean(form, now)
    commune_id = None
    if form.meeting_id is not None:
        meeting = Meeting.get_or_none(Meeting.id == form.meeting_id)
        if meeting is None:
            raise NotFoundError(
                _("aucune rencontre avec le numéro {id}").format(id=form.meeting_id)
            )
        commune_id = meeting.commune_id
    owner = _default_owner(form, actor)
    with write_transaction(database_proxy.obj):
        concern = _create_with_reference(
            owner=owner,
            contact_address=clean.get("contact_address", ""),
            language=(form.language or "").strip()[:2],
            meeting=form.meeting_id,
            commune=commune_id,
            theme=clean["theme"],
            partner=clean["partner"],
            registration=registration_id,
            description=clean["description"],
            place=clean["place"],
            wants_feedback=form.wants_feedback,
            contact_name=clean["contact_name"],
            contact_phone=clean["contact_phone"],
            contact_email=clean["contact_email"],
            status=ConcernStatus.OPEN,
            due_on=clean["due_on"],
            created_by=actor.name,
            created_at=now,
            updated_at=now,
        )
        ConcernUpdate.create(
            concern=concern.id,
            at=now,
            actor=actor.name,
            status=ConcernStatus.OPEN,
            note="Doléance enregistrée",
        )
        audit.record(
            actor.name,
            "concern-create",
            f"concern:{concern.id}",
            f"meeting:{form.meeting_id}" if form.meeting_id else "",
            now=now,
        )
    return concern.id


def _create_with_reference(**fields: object) -> Concern:
    from cafepol_tui.services.registrations import new_concern_reference

    for _attempt in range(20):
        try:
            with database_proxy.obj.atomic():
                return Concern.create(reference=new_concern_reference(), **fields)
        except peewee.IntegrityError:
            continue
    raise RuntimeError("no free concern reference")


def update_concern(
    concern_id: int,
    status: str,
    note: str,
    actor: Actor,
    *,
    reason: str = "",
    due_on: str = "",
    public: bool = False,
    now: datetime | None = None,
) -> str:
    """Move to `status` (or stay, to add a note / change the target date)."""
    require(actor, Permission.FOLLOW_UP)
    if status == ConcernStatus.FEEDBACK_GIVEN:
        raise ValidationError(
            {
                "status": _(
                    "Pour donner un retour, écrivez la réponse et choisissez comment elle est "
                    "transmise (« Donner le retour »)."
                )
            }
        )
    now = now or utcnow()
    text = clean_text(note, "note", DESCRIPTION_MAX)
    why = clean_text(reason, "reason", 500)
    with write_transaction(database_proxy.obj):
        concern = Concern.get_or_none(Concern.id == concern_id)
        if concern is None:
            raise NotFoundError(_("aucune doléance avec le numéro {id}").format(id=concern_id))
        if concern.status in ConcernStatus.FINAL:
            raise RefusedError(_("Cette doléance est terminée : elle ne peut plus changer."))
        if status != concern.status and status not in TRANSITIONS[concern.status]:
            raise ValidationError(
                {
                    "status": (
                        _("Passage impossible de « {old} » à « {new} ».").format(
                            old=status_label(concern.status), new=status_label(status)
                        )
                    )
                }
            )
        if status == ConcernStatus.CLOSED and not why:
            raise ValidationError({"reason": _("Indiquez pourquoi aucun retour n'est donné.")})
        if status == concern.status and not (text or due_on.strip()):
            raise ValidationError({"note": _("Écrivez une note ou changez l'état.")})
        if due_on.strip():
            concern.due_on = parse_date(due_on, "due_on")
        concern.status = status
        concern.updated_at = now
        if status == ConcernStatus.FEEDBACK_GIVEN:
            concern.feedback_at = now
        if status == ConcernStatus.CLOSED:
            concern.closed_at = now
            concern.close_reason = why
        if status in ConcernStatus.FINAL:
            _erase_contact(concern, now)
        concern.save()
        ConcernUpdate.create(
            concern=concern_id,
            at=now,
            actor=actor.name,
            status=status,
            note=text if status != ConcernStatus.CLOSED else (text or why),
            public=public,
        )
        audit.record(actor.name, "concern-update", f"concern:{concern_id}", status, now=now)
    return status


def _erase_contact(concern: Concern, now: datetime) -> None:
    if (
        concern.contact_name
        or concern.contact_phone
        or concern.contact_email
        or concern.contact_address
    ):
        concern.contact_name = concern.contact_phone = concern.contact_email = ""
        concern.contact_address = ""
        concern.contact_erased_at = now
        # The old text may linger in the file's free space until the next compaction.
        from cafepol_tui.services.retention import mark_compaction_pending

        mark_compaction_pending()


def _summary_query() -> peewee.ModelSelect:
    return (
        Concern.select(
            Concern,
            Theme.name.alias("theme_name"),
            Commune.name.alias("commune_name"),
            Partner.name.alias("partner_name"),
        )
        .join(Theme, peewee.JOIN.LEFT_OUTER, on=(Concern.theme == Theme.id))
        .switch(Concern)
        .join(Commune, peewee.JOIN.LEFT_OUTER, on=(Concern.commune == Commune.id))
        .switch(Concern)
        .join(Partner, peewee.JOIN.LEFT_OUTER, on=(Concern.partner == Partner.id))
        .objects()
    )


def _summary_kwargs(c: Concern, today: date) -> dict[str, object]:
    return {
        "id": c.id,
        "status": c.status,
        "theme": c.theme_name or "",
        "commune": c.commune_name or "",
        "place": c.place,
        "description": c.description,
        "partner": c.partner_name or "",
        "due_on": c.due_on,
        "created_at": c.created_at,
        "meeting_id": c.meeting_id,
        "overdue": c.status not in ConcernStatus.FINAL and c.due_on < today,
        "reference": c.reference or "",
        "owner": c.owner,
        "handoff_overdue": c.status not in ConcernStatus.FINAL
        and ConcernHandoff.select()
        .where(
            (ConcernHandoff.concern == c.id)
            & (ConcernHandoff.status == HandoffStatus.SENT)
            & (ConcernHandoff.due_on < today)
        )
        .exists(),
    }


def list_concerns(
    *,
    include_finished: bool = False,
    meeting_id: int | None = None,
    owner: str | None = None,
    commune: str | None = None,
    partner: str | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> list[ConcernSummary]:
    """Overdue first (oldest target date first), then the others by target date."""
    today = local(now or utcnow()).date()
    query = _summary_query()
    if status:
        query = query.where(Concern.status == status)
    elif not include_finished:
        query = query.where(Concern.status.not_in(ConcernStatus.FINAL))
    if meeting_id is not None:
        query = query.where(Concern.meeting == meeting_id)
    if owner is not None:
        query = query.where(Concern.owner == owner)
    if commune:
        query = query.where(peewee.fn.LOWER(Commune.name) == commune.strip().lower())
    if partner:
        handed = (
            ConcernHandoff.select(ConcernHandoff.concern)
            .join(Partner, on=(ConcernHandoff.partner == Partner.id))
            .where(peewee.fn.LOWER(Partner.name) == partner.strip().lower())
        )
        query = query.where(
            (peewee.fn.LOWER(Partner.name) == partner.strip().lower()) | Concern.id.in_(handed)
        )
    rows = [ConcernSummary(**_summary_kwargs(c, today)) for c in query]  # type: ignore[arg-type]
    final = [r for r in rows if r.status in ConcernStatus.FINAL]
    live = [r for r in rows if r.status not in ConcernStatus.FINAL]
    live.sort(key=lambda r: (not r.overdue, r.due_on, r.id))
    final.sort(key=lambda r: r.created_at, reverse=True)
    return live + final


def get_concern(concern_id: int, *, now: datetime | None = None) -> ConcernDetail:
    today = local(now or utcnow()).date()
    c = _summary_query().where(Concern.id == concern_id).first()
    if c is None:
        raise NotFoundError(_("aucune doléance avec le numéro {id}").format(id=concern_id))
    updates = tuple(
        UpdateView(u.at, u.actor, u.status, u.note, u.public)
        for u in ConcernUpdate.select()
        .where(ConcernUpdate.concern == concern_id)
        .order_by(ConcernUpdate.at, ConcernUpdate.id)
    )
    return ConcernDetail(
        **_summary_kwargs(c, today),  # type: ignore[arg-type]
        wants_feedback=c.wants_feedback,
        contact_name=c.contact_name,
        contact_phone=c.contact_phone,
        contact_email=c.contact_email,
        close_reason=c.close_reason,
        created_by=c.created_by,
        feedback_at=c.feedback_at,
        updates=updates,
        contact_address=c.contact_address,
        reply_text=c.reply_text,
        reply_channel=c.reply_channel,
        reply_delivered=_reply_delivered(c),
        language=c.language,
        handoffs=tuple(_handoffs(ConcernHandoff.concern == c.id, today)),
    )


def get_concern_by_reference(reference: str, *, now: datetime | None = None) -> ConcernDetail:
    from cafepol_tui.services.registrations import normalise_reference

    code = normalise_reference(reference)
    row = Concern.get_or_none(Concern.reference == code) if code else None
    if row is None:
        raise NotFoundError(_("aucune doléance avec la référence {ref}").format(ref=code))
    return get_concern(row.id, now=now)


def _reply_delivered(c: Concern) -> bool:
    if c.status != ConcernStatus.FEEDBACK_GIVEN:
        return False
    if c.reply_channel == ReplyChannel.IN_PERSON:
        return True
    return (
        OutboxMessage.select()
        .where(
            (OutboxMessage.concern == c.id)
            & (OutboxMessage.kind == NoticeKind.FEEDBACK)
            & OutboxMessage.status.in_(OutboxStatus.DELIVERED)
        )
        .exists()
    )


def _handoffs(where: peewee.Expression, today: date) -> list[HandoffView]:
    query = (
        ConcernHandoff.select(
            ConcernHandoff,
            Partner.name.alias("partner_name"),
            Concern.reference.alias("concern_reference"),
            Concern.status.alias("concern_status"),
        )
        .join(Partner, on=(ConcernHandoff.partner == Partner.id))
        .switch(ConcernHandoff)
        .join(Concern, on=(ConcernHandoff.concern == Concern.id))
        .where(where)
        .order_by(ConcernHandoff.due_on, ConcernHandoff.id)
        .objects()
    )
    return [
        HandoffView(
            id=h.id,
            concern_id=h.concern_id,
            concern_reference=h.concern_reference or "",
            partner=h.partner_name,
            channel=h.channel,
            status=h.status,
            due_on=h.due_on,
            note=h.note,
            answer=h.answer,
            answered_at=h.answered_at,
            created_at=h.created_at,
            overdue=h.status == HandoffStatus.SENT
            and h.due_on < today
            and h.concern_status not in ConcernStatus.FINAL,
        )
        for h in query
    ]


def overdue_handoffs(*, now: datetime | None = None) -> list[HandoffView]:
    today = local(now or utcnow()).date()
    where = (
        (ConcernHandoff.status == HandoffStatus.SENT)
        & (ConcernHandoff.due_on < today)
        & Concern.status.not_in(ConcernStatus.FINAL)
    )
    return _handoffs(where, today)


def _get(concern_id: int) -> Concern:
    concern = Concern.get_or_none(Concern.id == concern_id)
    if concern is None:
        raise NotFoundError(_("aucune doléance avec le numéro {id}").format(id=concern_id))
    return concern


def give_feedback(
    concern_id: int, reply: str, channel: str, actor: Actor, *, now: datetime | None = None
) -> int | None:
    """The reply to the citizen, through the outbox (e-mail, letter, call) or in person.

    The contact stays until the delivery is recorded (see `_reply_delivered_hook`)."""
    require(actor, Permission.FOLLOW_UP)
    from cafepol_tui.services import notices, outbox

    now = now or utcnow()
    text = clean_text(reply, "reply", DESCRIPTION_MAX, required=_("Écrivez la réponse."))
    with write_transaction(database_proxy.obj):
        concern = _get(concern_id)
        if concern.status in ConcernStatus.FINAL:
            raise RefusedError(_("Cette doléance est terminée : elle ne peut plus changer."))
        needs = {
            ReplyChannel.EMAIL: (concern.contact_email, _("Aucune adresse e-mail pour ce retour.")),
            ReplyChannel.LETTER: (
                concern.contact_address,
                _("Aucune adresse postale pour ce retour."),
            ),
            ReplyChannel.PHONE: (concern.contact_phone, _("Aucun téléphone pour ce retour.")),
        }
        if channel not in ReplyChannel.ALL:
            raise ValidationError({"channel": _("Choisissez comment le retour est donné.")})
        if channel in needs and not needs[channel][0]:
            raise ValidationError({"channel": needs[channel][1]})
        lang = concern.language or "fr"
        message_id: int | None = None
        if channel != ReplyChannel.IN_PERSON:
            subject, body = notices.feedback_body(concern, text, lang)
            notice_channel = {
                ReplyChannel.EMAIL: NoticeChannel.EMAIL,
                ReplyChannel.LETTER: NoticeChannel.LETTER,
                ReplyChannel.PHONE: NoticeChannel.PHONE,
            }[ReplyChannel(channel)]
            recipient = {
                ReplyChannel.EMAIL: concern.contact_email,
                ReplyChannel.LETTER: concern.contact_address,
                ReplyChannel.PHONE: concern.contact_phone,
            }[ReplyChannel(channel)]
            message_id = outbox.enqueue(
                NoticeKind.FEEDBACK,
                notice_channel,
                recipient=recipient,
                recipient_name=concern.contact_name,
                subject=subject,
                body=body,
                language=lang,
                reference=concern.reference or "",
                meeting_id=concern.meeting_id,
                concern_id=concern.id,
                now=now,
            )
        concern.status = ConcernStatus.FEEDBACK_GIVEN
        concern.reply_text = text
        concern.reply_channel = channel
        concern.feedback_at = now
        concern.updated_at = now
        if channel == ReplyChannel.IN_PERSON:
            _erase_contact(concern, now)
        concern.save()
        ConcernUpdate.create(
            concern=concern.id,
            at=now,
            actor=actor.name,
            status=ConcernStatus.FEEDBACK_GIVEN,
            note=text,
            public=True,
        )
        audit.record(actor.name, "concern-feedback", f"concern:{concern.id}", channel, now=now)
    return message_id


def _reply_delivered_hook(row: OutboxMessage, now: datetime) -> None:
    """Called by the outbox inside the delivery's transaction: the reply reached the citizen."""
    if row.kind != NoticeKind.FEEDBACK or row.concern_id is None:
        return
    concern = Concern.get_or_none(Concern.id == row.concern_id)
    if concern is None:
        return
    _erase_contact(concern, now)
    concern.updated_at = now
    concern.save()
    ConcernUpdate.create(
        concern=concern.id, at=now, actor="system", status=concern.status, note="retour remis"
    )


def _register_hook() -> None:
    from cafepol_tui.services import outbox

    outbox.on_delivered(_reply_delivered_hook)


def correct_concern(
    concern_id: int,
    actor: Actor,
    *,
    theme: str | None = None,
    place: str | None = None,
    description: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    contact_address: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Correct what was recorded; each change is a history row (contacts not written there)."""
    require(actor, Permission.RECORD_CONCERN)
    now = now or utcnow()
    changed: list[str] = []
    with write_transaction(database_proxy.obj):
        concern = _get(concern_id)
        if concern.status in ConcernStatus.FINAL:
            raise RefusedError(_("Cette doléance est terminée : elle ne peut plus changer."))
        notes: list[str] = []

        def label(field: str, old: str, new: str) -> None:
            notes.append(f"corrigé : {field} « {old} » → « {new} »")

        if theme is not None:
            new_id = _lookup(Theme, theme, "theme", _("Thème inconnu : choisissez dans la liste."))
            if new_id is None:
                raise ValidationError({"theme": _("Choisissez le thème.")})
            if new_id != concern.theme_id:
                old = Theme.get_or_none(Theme.id == concern.theme_id)
                label("thème", old.name if old else "", Theme.get_by_id(new_id).name)
                concern.theme_id = new_id
                changed.append("theme")
        if place is not None:
            value = clean_text(place, "place", 200)
            if value != concern.place:
                label("lieu", concern.place, value)
                concern.place = value
                changed.append("place")
        if description is not None:
            value = clean_text(
                description, "description", DESCRIPTION_MAX, required=_("Décrivez la situation.")
            )
            if value != concern.description:
                label("description", concern.description, value)
                concern.description = value
                changed.append("description")
        contacts: list[tuple[str, str | None, object]] = [
            ("contact_name", contact_name, lambda v: clean_name(v) if v.strip() else ""),
            ("contact_phone", contact_phone, lambda v: clean_phone(v) if v.strip() else ""),
            ("contact_email", contact_email, lambda v: clean_email(v) if v.strip() else ""),
            ("contact_address", contact_address, clean_address),
        ]
        contact_changed = False
        for field, raw, cleaner in contacts:
            if raw is None:
                continue
            try:
                value = cleaner(raw)  # type: ignore[operator]
            except ValidationError as exc:
                raise ValidationError({field: next(iter(exc.errors.values()))}) from exc
            if value != getattr(concern, field):
                setattr(concern, field, value)
                changed.append(field)
                contact_changed = True
        if contact_changed:
            notes.append("coordonnées corrigées")
        if not changed:
            return []
        concern.updated_at = now
        concern.save()
        for note in notes:
            ConcernUpdate.create(
                concern=concern.id, at=now, actor=actor.name, status=concern.status, note=note
            )
        audit.record(
            actor.name, "concern-correct", f"concern:{concern.id}", ",".join(changed), now=now
        )
    return changed


def assign_concern(
    concern_id: int, owner: str, actor: Actor, *, now: datetime | None = None
) -> None:
    require(actor, Permission.FOLLOW_UP)
    now = now or utcnow()
    name = _check_owner(owner)
    with write_transaction(database_proxy.obj):
        concern = _get(concern_id)
        if concern.owner == name:
            return
        concern.owner = name
        concern.updated_at = now
        concern.save()
        ConcernUpdate.create(
            concern=concern.id,
            at=now,
            actor=actor.name,
            status=concern.status,
            note=f"en charge : {name}" if name else "plus personne en charge",
        )
        audit.record(actor.name, "concern-assign", f"concern:{concern.id}", name, now=now)


def hand_off(
    concern_id: int,
    partner: str,
    due_on: str,
    actor: Actor,
    *,
    channel: str = "email",
    note: str = "",
    sender: str = "",
    now: datetime | None = None,
) -> int:
    """Hand the concern to a partner: an e-mail to the partner's address or a printed sheet."""
    require(actor, Permission.FOLLOW_UP)
    from cafepol_tui.services import notices, outbox

    now = now or utcnow()
    text = clean_text(note, "note", DESCRIPTION_MAX)
    row = Partner.get_or_none(
        (peewee.fn.LOWER(Partner.name) == partner.strip().lower()) & (Partner.active == True)  # noqa: E712
    )
    if row is None:
        raise ValidationError({"partner": _("Partenaire inconnu : choisissez dans la liste.")})
    if channel not in (NoticeChannel.EMAIL, NoticeChannel.LETTER):
        raise ValidationError({"channel": _("Par e-mail ou sur une feuille imprimée.")})
    if channel == NoticeChannel.EMAIL and not row.email:
        raise ValidationError(
            {
                "channel": _("Aucune adresse e-mail pour {partner} : imprimez la feuille.").format(
                    partner=row.name
                )
            }
        )
    due = (
        parse_date(due_on, "due_on")
        if due_on.strip()
        else local(now).date() + timedelta(days=DEFAULT_DUE_DAYS)
    )
    with write_transaction(database_proxy.obj):
        concern = _get(concern_id)
        if concern.status in ConcernStatus.FINAL:
            raise RefusedError(_("Cette doléance est terminée : elle ne peut plus changer."))
        handoff = ConcernHandoff.create(
            concern=concern.id,
            partner=row.id,
            channel=channel,
            status=HandoffStatus.SENT,
            due_on=due,
            note=text,
            created_by=actor.name,
            created_at=now,
        )
        subject, body = notices.handoff_body(concern, handoff, row, sender or actor.name)
        outbox.enqueue(
            NoticeKind.HANDOFF,
            channel,
            recipient=row.email if channel == NoticeChannel.EMAIL else "",
            recipient_name=row.name,
            subject=subject,
            body=body,
            reference=concern.reference or "",
            meeting_id=concern.meeting_id,
            concern_id=concern.id,
            handoff_id=handoff.id,
            now=now,
        )
        concern.partner = row.id
        if concern.status == ConcernStatus.OPEN:
            concern.status = ConcernStatus.IN_PROGRESS
        concern.updated_at = now
        concern.save()
        ConcernUpdate.create(
            concern=concern.id,
            at=now,
            actor=actor.name,
            status=concern.status,
            note=f"transmise à {row.name} (réponse attendue le {due.isoformat()})",
        )
        audit.record(actor.name, "concern-handoff", f"concern:{concern.id}", row.name, now=now)
    return int(handoff.id)


def record_partner_answer(
    handoff_id: int, answer: str, actor: Actor, *, now: datetime | None = None
) -> None:
    require(actor, Permission.FOLLOW_UP)
    now = now or utcnow()
    text = clean_text(
        answer, "answer", DESCRIPTION_MAX, required=_("Écrivez la réponse du partenaire.")
    )
    with write_transaction(database_proxy.obj):
        handoff = ConcernHandoff.get_or_none(ConcernHandoff.id == handoff_id)
        if handoff is None:
            raise NotFoundError(_("aucune transmission avec le numéro {id}").format(id=handoff_id))
        handoff.answer = text
        handoff.answered_at = now
        handoff.status = HandoffStatus.ANSWERED
        handoff.save()
        concern = Concern.get_by_id(handoff.concern_id)
        partner = Partner.get_by_id(handoff.partner_id)
        ConcernUpdate.create(
            concern=concern.id,
            at=now,
            actor=actor.name,
            status=concern.status,
            note=f"réponse de {partner.name} : {text}",
        )
        audit.record(actor.name, "concern-partner-answer", f"handoff:{handoff_id}", now=now)


def dismiss_topic(
    registration_id: int, reason: str, actor: Actor, *, now: datetime | None = None
) -> None:
    """A topic raised in advance that will not become a concern, with the reason."""
    require(actor, Permission.RECORD_CONCERN)
    now = now or utcnow()
    why = clean_text(reason, "reason", 500, required=_("Indiquez pourquoi ce sujet est écarté."))
    with write_transaction(database_proxy.obj):
        registration = Registration.get_or_none(Registration.id == registration_id)
        if registration is None:
            raise NotFoundError(
                _("aucune inscription avec le numéro {id}").format(id=registration_id)
            )
        if not registration.topic:
            raise RefusedError(_("Cette inscription ne mentionne aucun sujet."))
        registration.topic_dismissed_at = now
        registration.topic_dismissed_reason = why
        registration.save()
        audit.record(actor.name, "topic-dismiss", f"registration:{registration_id}", now=now)


def undecided_topics(*, now: datetime | None = None) -> list[AdvanceTopic]:
    """Topics of meetings already held that are neither a concern nor dismissed."""
    now = now or utcnow()
    held = Meeting.select(Meeting.id).where(Meeting.starts_at < now)
    return _pending_topics(Registration.meeting.in_(held))


def raised_in_advance(meeting_id: int) -> list[AdvanceTopic]:
    """Sign-up topics for this meeting not yet turned into a concern nor dismissed."""
    return _pending_topics(Registration.meeting == meeting_id)


def _pending_topics(where: peewee.Expression) -> list[AdvanceTopic]:
    done = Concern.select(Concern.registration).where(Concern.registration.is_null(False))
    rows = (
        Registration.select()
        .where(
            where
            & (Registration.topic != "")
            & Registration.topic_dismissed_at.is_null()
            & Registration.id.not_in(done)
        )
        .order_by(Registration.created_at, Registration.id)
    )
    return [
        AdvanceTopic(r.id, r.reference, r.name, r.topic, bool(r.phone or r.email)) for r in rows
    ]


def concern_from_topic(
    registration_id: int,
    theme: str,
    actor: Actor,
    *,
    wants_feedback: bool = False,
    now: datetime | None = None,
) -> int:
    """One step from « raised in advance » to a concern; the contact is copied only if wanted."""
    require(actor, Permission.RECORD_CONCERN)
    registration = Registration.get_or_none(Registration.id == registration_id)
    if registration is None:
        raise NotFoundError(_("aucune inscription avec le numéro {id}").format(id=registration_id))
    if not registration.topic:
        raise RefusedError(_("Cette inscription ne mentionne aucun sujet."))
    if Concern.select().where(Concern.registration == registration_id).exists():
        raise RefusedError(_("Ce sujet est déjà devenu une doléance."))
    form = ConcernForm(
        theme=theme,
        description=registration.topic,
        meeting_id=registration.meeting_id,
        wants_feedback=wants_feedback and bool(registration.phone or registration.email),
        contact_name=registration.name,
        contact_phone=registration.phone,
        contact_email=registration.email,
        language=registration.language,
    )
    return create_concern(form, actor, registration_id=registration_id, now=now)


def theme_names() -> list[str]:
    """The themes offered for a new concern: the active ones."""
    return [t.name for t in Theme.select(Theme.name).where(Theme.active).order_by(Theme.name)]


def partner_names() -> list[str]:
    """The partners offered for a new concern: the active ones."""
    query = Partner.select(Partner.name).where(Partner.active).order_by(Partner.name)
    return [p.name for p in query]


def concerns_for_export() -> list[dict[str, object]]:
    """Plain rows for CSV/JSON: no citizen contact (it's for follow-up, not for export)."""
    today = local(utcnow()).date()
    rows = []
    for c in _summary_query().order_by(Concern.id):
        s = _summary_kwargs(c, today)
        rows.append(
            {
                "id": c.id,
                "meeting_id": c.meeting_id,
                "commune": s["commune"],
                "theme": s["theme"],
                "partner": s["partner"],
                "place": c.place,
                "description": c.description,
                "status": c.status,
                "wants_feedback": c.wants_feedback,
                "due_on": c.due_on.isoformat(),
                "overdue": s["overdue"],
                "created_at": local(c.created_at).isoformat(),
                "feedback_at": local(c.feedback_at).isoformat() if c.feedback_at else None,
                "closed_at": local(c.closed_at).isoformat() if c.closed_at else None,
                "close_reason": c.close_reason,
                "reference": c.reference or "",
                "owner": c.owner,
                "reply_channel": c.reply_channel,
                "reply_text": c.reply_text,
            }
        )
    return rows


_register_hook()


@dataclass(frozen=True)
class SlipFacts:
    """What a concern's slip prints: never the description nor the contact itself."""

    reference: str
    theme: str
    place: str
    commune: str
    created_at: datetime
    reply_by: str  # "email", "letter", "phone" or "" (no contact, or no reply wanted)
    phone: str  # the counter's number


def slip_facts(reference: str) -> SlipFacts:
    """The facts of the citizen's slip for a concern (theme in the current language)."""
    from cafepol_tui.services.meetings import theme_name
    from cafepol_tui.services.notices import counter_phone

    detail = get_concern_by_reference(reference)
    concern = Concern.get_by_id(detail.id)
    theme = Theme.get_or_none(Theme.id == concern.theme_id) if concern.theme_id else None
    if not concern.wants_feedback:
        reply_by = ""
    elif concern.contact_email:
        reply_by = "email"
    elif concern.contact_address:
        reply_by = "letter"
    elif concern.contact_phone:
        reply_by = "phone"
    else:
        reply_by = ""
    meeting = Meeting.get_or_none(Meeting.id == concern.meeting_id) if concern.meeting_id else None
    return SlipFacts(
        reference=detail.reference,
        theme=theme_name(theme) if theme is not None else "",
        place=concern.place,
        commune=detail.commune,
        created_at=concern.created_at,
        reply_by=reply_by,
        phone=counter_phone(meeting) if meeting is not None else "",
    )
