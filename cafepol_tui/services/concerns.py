"""Concerns (doléances): every situation raised at a meeting is followed until feedback.

open → in progress → resolved → feedback given, or closed without feedback (with a reason).
Each change is a `ConcernUpdate` row (who, when, what). The citizen's contact is erased as soon
as feedback is given or the concern is closed: it is kept only as long as it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import (
    Commune,
    Concern,
    ConcernUpdate,
    Meeting,
    Partner,
    Registration,
    Theme,
    utcnow,
)
from cafepol_tui.i18n import N_, translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import local
from cafepol_tui.services.meeting_fields import parse_date
from cafepol_tui.services.permissions import Actor, Permission, require
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
from cafepol_tui.statuses import ConcernStatus

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
    ConcernStatus.RESOLVED: (
        ConcernStatus.FEEDBACK_GIVEN,
        ConcernStatus.IN_PROGRESS,
        ConcernStatus.CLOSED,
    ),
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


@dataclass(frozen=True)
class UpdateView:
    at: datetime
    actor: str
    status: str
    note: str


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
        if not (form.contact_phone.strip() or form.contact_email.strip()):
            errors.setdefault(
                "contact_phone", _("Pour un retour, indiquez un téléphone ou une adresse e-mail.")
            )
    else:
        out |= {"contact_name": "", "contact_phone": "", "contact_email": ""}
    if errors:
        raise ValidationError(errors)
    return out


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
            raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=form.meeting_id))
        commune_id = meeting.commune_id
    with write_transaction(database_proxy.obj):
        concern = Concern.create(
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


def update_concern(
    concern_id: int,
    status: str,
    note: str,
    actor: Actor,
    *,
    reason: str = "",
    due_on: str = "",
    now: datetime | None = None,
) -> str:
    """Move to `status` (or stay, to add a note / change the target date)."""
    require(actor, Permission.FOLLOW_UP)
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
        )
        audit.record(actor.name, "concern-update", f"concern:{concern_id}", status, now=now)
    return status


def _erase_contact(concern: Concern, now: datetime) -> None:
    if concern.contact_name or concern.contact_phone or concern.contact_email:
        concern.contact_name = concern.contact_phone = concern.contact_email = ""
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
    }


def list_concerns(
    *, include_finished: bool = False, meeting_id: int | None = None, now: datetime | None = None
) -> list[ConcernSummary]:
    """Overdue first (oldest target date first), then the others by target date."""
    today = local(now or utcnow()).date()
    query = _summary_query()
    if not include_finished:
        query = query.where(Concern.status.not_in(ConcernStatus.FINAL))
    if meeting_id is not None:
        query = query.where(Concern.meeting == meeting_id)
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
        UpdateView(u.at, u.actor, u.status, u.note)
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
    )


def raised_in_advance(meeting_id: int) -> list[AdvanceTopic]:
    """Sign-up topics for this meeting not yet turned into a concern."""
    done = Concern.select(Concern.registration).where(Concern.registration.is_null(False))
    rows = (
        Registration.select()
        .where(
            (Registration.meeting == meeting_id)
            & (Registration.topic != "")
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
            }
        )
    return rows
