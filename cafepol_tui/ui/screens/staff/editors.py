"""The staff dialogs: each is a `FormDialog` wired to one service call.

Choice lists (communes, officers, themes, partners) and the values being edited are read by a
loader the dialog runs in a worker thread when it opens (never on the UI thread: a database
that stops answering there would freeze the console); the save runs in a worker thread too. Labels are translated when the
dialog is built, messages returned by a save when it succeeds (catalog ``staff``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services import series
from cafepol_tui.services.formatting import BRUSSELS, format_clock, format_short_day
from cafepol_tui.services.meetings import commune_names, get_meeting, list_upcoming
from cafepol_tui.services.permissions import NOBODY, Actor
from cafepol_tui.services.validation import (
    NotFoundError,
    RefusedError,
    SignupForm,
    ValidationError,
    format_phone,
)
from cafepol_tui.statuses import Channel, ConcernStatus, StaffRole
from cafepol_tui.ui.screens.staff import labels
from cafepol_tui.ui.screens.staff.form import Field, FormDialog, Stay

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp

_ = translator("staff")


def _opts(names: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple((n, n) for n in names)


def _actor(kiosk: CafePolApp) -> Actor:
    """The signed-in staff member, whom the services check and name in the audit log."""
    return kiosk.staff_user or NOBODY


def _meeting_fields(form: mf.MeetingForm, communes: list[str], officers: list[str]) -> list[Field]:
    return [
        Field("commune", _("Commune"), form.commune, "select", _opts(communes)),
        Field("place", _("Lieu"), form.place, placeholder=_("ex. Cafétéria du Grand-Hornu")),
        Field("address", _("Adresse"), form.address),
        Field("day", _("Date (JJ/MM/AAAA)"), form.day, placeholder="12/01/2027"),
        Field("start", _("Heure (HH:MM)"), form.start),
        Field(name="duration_min", label=_("Durée (minutes)"), value=form.duration_min),
        Field("capacity", _("Capacité (places)"), form.capacity),
        Field("officer", _("Policier de quartier"), form.officer, "select", _opts(officers)),
        Field(
            name="event_url",
            label=_("Événement Facebook (http:// ou https://)"),
            value=form.event_url,
        ),
        Field(
            name="interested_count",
            label=_("Personnes « intéressées » sur Facebook"),
            value=form.interested_count,
        ),
        Field("description", _("Description"), form.description, "text"),
    ]


def _form_from(values: dict[str, Any]) -> mf.MeetingForm:
    keys = mf.MeetingForm.__dataclass_fields__
    return mf.MeetingForm(**{k: v for k, v in values.items() if k in keys})


def _link_fields(form: mf.MeetingForm) -> list[Field]:
    """The partners and themes to tick: the active ones and the meeting's own."""
    partners, themes = tuple(form.partners or ()), tuple(form.themes or ())
    return [
        Field(
            "partners", _("Partenaires présents"), partners, "multi",
            _opts(mf.link_choices("partners", partners)),
        ),
        Field(
            "themes", _("Thèmes"), themes, "multi", _opts(mf.link_choices("themes", themes))
        ),
    ]


def _duplicate_field() -> Field:
    return Field(
        name="allow_duplicate",
        label=_("Une rencontre existe déjà à ce lieu et cette heure — créer quand même ?"),
        value=False,
        kind="check",
        hidden=True,
    )


class MeetingDialog(FormDialog):
    """The meeting editor. A capacity below the confirmed seats reveals the list of confirmed
    parties: the staff member ticks who goes back to the waiting list, then saves again.

    A meeting changed elsewhere since the dialog opened is not saved over: the dialog says so
    and loads the fresh values. Another meeting at the same place and start reveals a box to
    tick to create it anyway."""

    def on_refused(self, exc: RefusedError | NotFoundError) -> object:
        if isinstance(exc, ma.StaleEditError):
            return self.reload_fields(str(exc))
        if isinstance(exc, ma.DuplicateMeetingError):
            from textual.widgets import Checkbox

            self.query_one("#f-allow_duplicate", Checkbox).display = True
        return super().on_refused(exc)

    def on_validation_error(self, exc: ValidationError) -> None:
        if not isinstance(exc, ma.CapacityConflict):
            return
        from textual.widgets import Label, SelectionList

        chooser = self.query_one("#f-to_waitlist", SelectionList)
        chosen = set(chooser.selected)
        chooser.clear_options()
        party = _("{reference} — {name} ({people} pers.)")
        chooser.add_options(
            [
                (
                    party.format(reference=r.reference, name=r.name, people=r.people),
                    r.id,
                    r.id in chosen,
                )
                for r in exc.confirmed
            ]
        )
        chooser.display = True
        self.query_one("#l-to_waitlist", Label).display = True


def meeting_editor(kiosk: CafePolApp, meeting_id: int | None = None) -> FormDialog:
    def fields() -> list[Field]:  # in the dialog's worker thread
        form = mf.form_for(meeting_id, links=True) if meeting_id else mf.MeetingForm()
        found = _meeting_fields(
            form, commune_names(form.commune), mf.officer_names(form.officer)
        )
        found[-1:-1] = _link_fields(form)  # before the description
        found.append(_duplicate_field())
        if meeting_id is not None:
            # The version the edit is based on: someone else's change since is not saved over.
            found.append(
                Field("version", "", ma.meeting_version(meeting_id), hidden=True)
            )
            found.append(
                Field(
                    name="to_waitlist",
                    label=_("Qui passe en liste d'attente ?"),
                    kind="multi",
                    hidden=True,
                )
            )
        return found

    actor = _actor(kiosk)
    if meeting_id is None:
        return MeetingDialog(
            kiosk,
            _("Nouvelle rencontre"),
            fields,
            lambda v: _("Rencontre n° {id} créée.").format(
                id=ma.create_meeting(
                    _form_from(v), actor, allow_duplicate=bool(v.get("allow_duplicate"))
                )
            ),
        )

    def save(values: dict[str, Any]) -> str:
        promoted = ma.update_meeting(
            meeting_id,
            _form_from(values),
            actor,
            to_waitlist=tuple(values.get("to_waitlist", ())),
            expected_version=values.get("version") or None,
            allow_duplicate=bool(values.get("allow_duplicate")),
        )
        return _("Rencontre enregistrée.") + _promoted_text(promoted)

    return MeetingDialog(
        kiosk, _("Modifier la rencontre n° {id}").format(id=meeting_id), fields, save
    )


def _promoted_text(promoted: list[str] | tuple[str, ...]) -> str:
    """« Confirmés depuis la liste d'attente : … » after a change that freed seats."""
    if not promoted:
        return ""
    return " " + _("Confirmés depuis la liste d'attente : {references}.").format(
        references=", ".join(promoted)
    )


def series_editor(kiosk: CafePolApp) -> FormDialog:
    # The list shows the days in the kiosk's language; the service reads their numbers (0 = Monday).
    weekdays = tuple((name, str(day)) for day, name in enumerate(labels.weekday_names()))

    def fields() -> list[Field]:  # in the dialog's worker thread
        found = [
            Field("weekday", _("Jour de la semaine"), "1", "select", weekdays),
            Field("nths", _("Semaines du mois (ex. 1,3 = 1er et 3e ; 5 = dernier)"), "1,3"),
            Field("months", _("Pendant combien de mois"), "3"),
            *_meeting_fields(mf.MeetingForm(), commune_names(), mf.officer_names()),
        ]
        found[3 + 3] = Field("day", _("À partir du (JJ/MM/AAAA)"), "", placeholder="01/01/2027")
        return found

    actor = _actor(kiosk)
    previewed: list[dict[str, Any]] = []  # the values last previewed

    def save(v: dict[str, Any]) -> str | Stay:
        # First « OK »: the dates and the months' counts; « OK » again, unchanged: created.
        if not previewed or previewed[-1] != v:
            preview = series.preview_series(_form_from(v), v["weekday"], v["nths"], v["months"])
            previewed[:] = [v]
            n = len(preview.dates)
            return Stay(
                series_preview_text(preview),
                _.plural("Créer {n} rencontre", "Créer les {n} rencontres", n).format(n=n),
            )
        ids = series.plan_series(_form_from(v), v["weekday"], v["nths"], v["months"], actor)
        return _.plural("{n} rencontre planifiée.", "{n} rencontres planifiées.", len(ids)).format(
            n=len(ids)
        )

    return FormDialog(
        kiosk,
        _("Planifier une série de rencontres"),
        fields,
        save,
        intro=_("Les dates sont montrées d'abord : rien n'est créé avant confirmation."),
        ok_label=_("Voir les dates"),
    )


def series_preview_text(preview: series.SeriesPreview) -> str:
    """The dates, then each commune's months: existing + planned against the aim."""
    lang = current_language()
    dates = ", ".join(
        f"{format_short_day(d, lang)} {format_clock(d, lang)}" for d in preview.dates
    )
    low, high = series.MONTHLY_AIM
    lines = [_("Dates : {dates}").format(dates=dates), "",
             _("Rencontres par mois (objectif : {low} à {high}) :").format(low=low, high=high)]
    for m in preview.months:
        line = _("{commune} {month:02d}/{year} : {existing} existante(s) + {planned} prévue(s) "
                 "= {total}").format(
            commune=m.commune, month=m.month, year=m.year, existing=m.existing,
            planned=m.planned, total=m.total,
        )
        if m.below_aim:
            line += " — " + _("⚠ moins de {n}").format(n=low)
        elif m.above_aim:
            line += " — " + _("⚠ plus de {n}").format(n=high)
        lines.append(line)
    lines += ["", _("Modifiez un champ pour revoir les dates, ou confirmez.")]
    return "\n".join(lines)


def replacement_choices(meeting_id: int) -> tuple[tuple[str, str], ...]:
    """The commune's upcoming scheduled meetings (not this one) that may replace it."""
    commune = get_meeting(meeting_id).commune
    lang = current_language()
    found = [
        (f"{format_short_day(m.starts_at, lang)} {format_clock(m.starts_at, lang)} — {m.place}",
         str(m.id))
        for m in list_upcoming(commune=commune, include_cancelled=False)
        if m.id != meeting_id
    ]
    return ((_("(aucune)"), ""), *found)


def cancel_meeting_dialog(kiosk: CafePolApp, meeting_id: int) -> FormDialog:
    actor = _actor(kiosk)

    def fields() -> list[Field]:  # in the dialog's worker thread
        return [
            Field("reason", _("Raison (affichée aux citoyens)"), ""),
            Field(
                "replacement",
                _("Remplacée par (facultatif)"),
                "",
                "select",
                replacement_choices(meeting_id),
            ),
        ]

    def save(v: dict[str, Any]) -> list[Any]:
        chosen = v.get("replacement") or ""
        return ma.cancel_meeting(
            meeting_id, v["reason"], actor, replacement_id=int(chosen) if chosen else None
        )

    return FormDialog(
        kiosk,
        _("Annuler la rencontre n° {id}").format(id=meeting_id),
        fields,
        save,
        intro=_("Les personnes inscrites seront listées ensuite, pour les prévenir."),
        ok_label=_("Annuler la rencontre"),
    )


def warn_text(people: list[Any]) -> str:
    if not people:
        return _("Personne n'était inscrit.")
    lines = []
    party = _("{reference}  {name} ({people} pers.)")
    for r in people:
        contact = " · ".join(x for x in (format_phone(r.phone), r.email) if x) or _(
            "(sans contact)"
        )
        line = party.format(reference=r.reference, name=r.name, people=r.people)
        if r.status == "waitlisted":
            line += " — " + labels.registration_status(r.status)
        lines.append(f"{line}\n    {contact}")
    return _("À prévenir :") + "\n\n" + "\n".join(lines)


def duplicate_dialog(kiosk: CafePolApp, meeting_id: int) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        new = ma.duplicate_meeting(meeting_id, v["day"], actor, start=v["start"])
        return _("Copie créée : rencontre n° {id}.").format(id=new)

    return FormDialog(
        kiosk,
        _("Dupliquer la rencontre n° {id}").format(id=meeting_id),
        [
            Field("day", _("Nouvelle date (JJ/MM/AAAA)"), ""),
            Field("start", _("Heure (vide = même heure)"), ""),
        ],
        save,
        ok_label=_("Dupliquer"),
    )


def interested_dialog(kiosk: CafePolApp, meeting_id: int, current: int) -> FormDialog:
    actor = _actor(kiosk)
    return FormDialog(
        kiosk,
        _("Personnes « intéressées » sur Facebook"),
        [Field(name="interested_count", label=_("Nombre"), value=str(current))],
        lambda v: _("Intéressés : {n}.").format(
            n=ma.set_interested(meeting_id, v["interested_count"], actor)
        ),
    )


def add_registration_dialog(kiosk: CafePolApp, meeting_id: int) -> FormDialog:
    actor = _actor(kiosk)
    k = kiosk.settings.kiosk

    def save(v: dict[str, Any]) -> str:
        form = SignupForm(
            name=v["name"],
            people=v["people"],
            phone=v["phone"],
            email=v["email"],
            topic=v["topic"],
            consent=v["consent"],
        )
        r = ra.add_on_behalf(
            meeting_id,
            form,
            v["channel"] or "",
            actor,
            max_party=k.max_party_size,
            topic_max=k.topic_max_length,
        )
        if r.confirmed:
            return _("Inscription {reference} confirmée.").format(reference=r.reference)
        return _("Inscription {reference} en liste d'attente ({rank}).").format(
            reference=r.reference, rank=r.waitlist_rank
        )

    return FormDialog(
        kiosk,
        _("Inscrire une personne"),
        [
            Field(
                "channel",
                _("Canal"),
                Channel.COUNTER,
                "select",
                ((_("Guichet"), Channel.COUNTER), (_("Téléphone"), Channel.PHONE)),
            ),
            Field("name", _("Nom")),
            Field(
                "people",
                _("Nombre de personnes (1 à {max})").format(max=k.max_party_size),
                "1",
            ),
            Field("phone", _("Téléphone")),
            Field("email", _("E-mail")),
            Field("topic", _("Sujet à aborder (facultatif)"), "", "text"),
            Field(
                "consent",
                _("La personne accepte l'enregistrement de ses données"),
                False,
                "check",
            ),
        ],
        save,
        ok_label=_("Inscrire"),
    )


def reorder_dialog(kiosk: CafePolApp, registration_id: int, reference: str) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        promoted = ra.move_in_waitlist(registration_id, v["rank"], v["reason"], actor)
        extra = (
            " " + _("Confirmés : {references}.").format(references=", ".join(promoted))
            if promoted
            else ""
        )
        return _("Ordre modifié.") + extra

    return FormDialog(
        kiosk,
        _("Changer le rang de {reference} en liste d'attente").format(reference=reference),
        [
            Field("rank", _("Nouveau rang (1 = le prochain)"), "1"),
            Field("reason", _("Raison (gardée dans le journal d'audit)")),
        ],
        save,
        ok_label=_("Déplacer"),
    )


def confirm_cancel_registration(kiosk: CafePolApp, reference: str) -> FormDialog:
    actor = _actor(kiosk)

    def save(values: dict[str, Any]) -> str:
        r = ra.cancel_registration(reference, actor)
        cancelled = _("Inscription {reference} annulée.").format(reference=r.reference)
        return cancelled + _promoted_text(r.promoted)

    return FormDialog(
        kiosk,
        _("Annuler l'inscription {reference} ?").format(reference=reference),
        [],
        save,
        ok_label=_("Annuler l'inscription"),
    )


def concern_editor(kiosk: CafePolApp, meeting_id: int | None = None) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        form = cs.ConcernForm(
            theme=v["theme"],
            description=v["description"],
            place=v["place"],
            partner=v["partner"],
            meeting_id=meeting_id,
            wants_feedback=v["wants_feedback"],
            contact_name=v["contact_name"],
            contact_phone=v["contact_phone"],
            contact_email=v["contact_email"],
            due_on=v["due_on"],
        )
        return _("Doléance n° {id} enregistrée.").format(id=cs.create_concern(form, actor))

    title = (
        _("Nouvelle doléance (rencontre n° {id})").format(id=meeting_id)
        if meeting_id
        else _("Nouvelle doléance")
    )
    due = _.plural(
        "Échéance (vide = dans {n} jour)",
        "Échéance (vide = dans {n} jours)",
        cs.DEFAULT_DUE_DAYS,
    ).format(n=cs.DEFAULT_DUE_DAYS)

    def fields() -> list[Field]:  # in the dialog's worker thread
        return [
            Field("theme", _("Thème"), "", "select", _opts(cs.theme_names())),
            Field("description", _("Situation décrite"), "", "text"),
            Field("place", _("Rue ou lieu")),
            Field("partner", _("Partenaire concerné"), "", "select", _opts(cs.partner_names())),
            Field(name="due_on", label=due),
            Field(
                name="wants_feedback",
                label=_("La personne souhaite un retour"),
                value=False,
                kind="check",
            ),
            Field(name="contact_name", label=_("Nom (si retour)")),
            Field(name="contact_phone", label=_("Téléphone (si retour)")),
            Field(name="contact_email", label=_("E-mail (si retour)")),
        ]

    return FormDialog(kiosk, title, fields, save)


def concern_from_topic_dialog(kiosk: CafePolApp, registration_id: int, topic: str) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        cid = cs.concern_from_topic(
            registration_id, v["theme"], actor, wants_feedback=v["wants_feedback"]
        )
        return _("Doléance n° {id} créée depuis le sujet.").format(id=cid)

    def fields() -> list[Field]:  # in the dialog's worker thread
        return [
            Field("theme", _("Thème"), "", "select", _opts(cs.theme_names())),
            Field(
                name="wants_feedback",
                label=_("La personne souhaite un retour (contact repris)"),
                value=False,
                kind="check",
            ),
        ]

    return FormDialog(
        kiosk,
        _("Transformer le sujet en doléance"),
        fields,
        save,
        intro=_("« {topic} »").format(topic=topic),
        ok_label=_("Créer la doléance"),
    )


def concern_update_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    actor = _actor(kiosk)
    unchanged = _("{status} (inchangé)").format(status=labels.concern_status(detail.status))
    states = ((unchanged, detail.status),) + tuple(
        (labels.concern_status(s), s) for s in detail.next_states
    )

    def save(v: dict[str, Any]) -> str:
        status = v["status"] or detail.status
        cs.update_concern(
            detail.id, status, v["note"], actor, reason=v["reason"], due_on=v["due_on"]
        )
        return _("Doléance n° {id} : {status}.").format(
            id=detail.id, status=labels.concern_status(status)
        )

    closed = labels.concern_status(ConcernStatus.CLOSED)
    return FormDialog(
        kiosk,
        _("Suivi de la doléance n° {id}").format(id=detail.id),
        [
            Field("status", _("État"), detail.status, "select", states),
            Field("note", _("Note (ce qui a été fait)"), "", "text"),
            Field("reason", _("Raison si « {status} »").format(status=closed)),
            Field(name="due_on", label=_("Nouvelle échéance (JJ/MM/AAAA, facultatif)")),
        ],
        save,
    )


def feedback_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    """« Donner le retour »: the reply, by a channel the contact allows (or in person)."""
    from cafepol_tui.statuses import ReplyChannel

    actor = _actor(kiosk)
    allowed = [
        c
        for c, has in (
            (ReplyChannel.EMAIL, detail.contact_email),
            (ReplyChannel.LETTER, detail.contact_address),
            (ReplyChannel.PHONE, detail.contact_phone),
            (ReplyChannel.IN_PERSON, True),
        )
        if has
    ]
    choices = tuple((labels.reply_channel(c), str(c)) for c in allowed)

    def save(v: dict[str, Any]) -> str:
        cs.give_feedback(detail.id, v["reply"], v["channel"] or allowed[0], actor)
        return _("Retour donné {channel} pour la doléance n° {id}.").format(
            channel=labels.reply_channel(v["channel"] or allowed[0]), id=detail.id
        )

    return FormDialog(
        kiosk,
        _("Donner le retour — doléance n° {id}").format(id=detail.id),
        [
            Field("reply", _("Réponse au citoyen"), "", "text"),
            Field("channel", _("Par"), str(allowed[0]), "select", choices),
        ],
        save,
    )


def handoff_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    """« Transmettre »: the concern handed to a partner, by e-mail or a printed sheet."""
    actor = _actor(kiosk)
    ways = ((_("par e-mail"), "email"), (_("fiche imprimée"), "letter"))

    def fields() -> list[Field]:  # in the dialog's worker thread
        return [
            Field("partner", _("Partenaire"), detail.partner or "", "select",
                  _opts(cs.partner_names())),
            Field(name="due_on", label=_("Réponse attendue pour le (JJ/MM/AAAA)")),
            Field("channel", _("Envoi"), "email", "select", ways),
            Field("note", _("Note pour le partenaire (facultatif)"), "", "text"),
        ]

    def save(v: dict[str, Any]) -> str:
        cs.hand_off(detail.id, v["partner"] or "", v["due_on"], actor,
                    channel=v["channel"] or "email", note=v["note"], sender=actor.name)
        return _("Doléance n° {id} transmise à {partner}.").format(
            id=detail.id, partner=v["partner"]
        )

    return FormDialog(
        kiosk, _("Transmettre la doléance n° {id}").format(id=detail.id), fields, save
    )


def partner_answer_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    """« Réponse du partenaire »: what a partner answered to a hand-off still waiting."""
    from cafepol_tui.statuses import HandoffStatus

    actor = _actor(kiosk)
    waiting = [h for h in detail.handoffs if h.status == HandoffStatus.SENT]
    choices = tuple(
        (f"{h.partner} — {labels.short_date(h.due_on)}", str(h.id)) for h in waiting
    )

    def save(v: dict[str, Any]) -> str:
        cs.record_partner_answer(int(v["handoff"] or waiting[0].id), v["answer"], actor)
        return _("Réponse du partenaire notée.")

    return FormDialog(
        kiosk,
        _("Réponse du partenaire — doléance n° {id}").format(id=detail.id),
        [
            Field("handoff", _("Transmission"), choices[0][1] if choices else "", "select",
                  choices),
            Field("answer", _("Réponse"), "", "text"),
        ],
        save,
    )


def purge_dialog(kiosk: CafePolApp) -> FormDialog:
    from cafepol_tui.db.models import utcnow
    from cafepol_tui.services.upkeep import purge_everywhere

    days = kiosk.settings.retention_days
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        as_of = None
        if v["day"].strip():
            day: date = mf.parse_date(v["day"], "day")
            if day > utcnow().astimezone(BRUSSELS).date():
                # A day to come would erase people who still have to be warned.
                raise ValidationError({"day": _("Choisissez aujourd'hui ou un jour passé.")})
            as_of = datetime.combine(day, time(23, 59, 59), BRUSSELS)
        r = purge_everywhere(kiosk.settings, as_of, actor=actor).database
        registrations = _.plural("{n} inscription", "{n} inscriptions", r.registrations).format(
            n=r.registrations
        )
        contacts = _.plural(
            "{n} contact de doléance", "{n} contacts de doléance", r.concern_contacts
        ).format(n=r.concern_contacts)
        return _("Anonymisés : {registrations} et {contacts}.").format(
            registrations=registrations, contacts=contacts
        )

    return FormDialog(
        kiosk,
        _("Purger les données personnelles"),
        [
            Field("day", _("À la date du (JJ/MM/AAAA, vide = aujourd'hui)")),
        ],
        save,
        intro=_.plural(
            "Anonymise les inscriptions des rencontres passées depuis plus de {n} jour.",
            "Anonymise les inscriptions des rencontres passées depuis plus de {n} jours.",
            days,
        ).format(n=days),
        ok_label=_("Purger"),
    )


def account_dialog(kiosk: CafePolApp) -> FormDialog:
    from cafepol_tui.services.staff import create_account

    user = kiosk.staff_user

    def save(v: dict[str, Any]) -> str:
        assert user is not None
        account = create_account(v["name"], v["pin"], v["role"] or "", user)
        return _("Compte « {name} » enregistré.").format(name=account.name)

    return FormDialog(
        kiosk,
        _("Nouveau compte (ou nouveau PIN)"),
        [
            Field("name", _("Nom")),
            Field(
                "role",
                _("Rôle"),
                StaffRole.COUNTER,
                "select",
                tuple((labels.role(r), r) for r in StaffRole.ALL),
            ),
            Field("pin", _("Code PIN (4 à 12 chiffres)"), "", "password"),
        ],
        save,
    )


def correct_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    """« Corriger »: theme, place, description and contact; each change goes to the history."""
    actor = _actor(kiosk)

    def fields() -> list[Field]:  # in the dialog's worker thread
        with kiosk.database.connection_context():
            themes = tuple((name, name) for name in cs.theme_names())
        if detail.theme and all(value != detail.theme for _label, value in themes):
            themes = ((detail.theme, detail.theme), *themes)
        found = [
            Field("theme", _("Thème"), detail.theme, "select", themes),
            Field("place", _("Lieu"), detail.place),
            Field("description", _("Situation"), detail.description, "text"),
        ]
        if detail.wants_feedback:
            found += [
                Field("contact_name", _("Nom"), detail.contact_name),
                Field("contact_phone", _("Téléphone"), detail.contact_phone),
                Field("contact_email", _("E-mail"), detail.contact_email),
                Field("contact_address", _("Adresse postale"), detail.contact_address, "text"),
            ]
        return found

    def save(v: dict[str, Any]) -> str:
        changed = cs.correct_concern(detail.id, actor, **{k: v[k] for k in v})
        if not changed:
            return _("Rien n'a changé.")
        return _("Doléance n° {id} corrigée.").format(id=detail.id)

    return FormDialog(kiosk, _("Corriger la doléance n° {id}").format(id=detail.id), fields, save)
