"""The staff dialogs: each is a `FormDialog` wired to one service call.

Choice lists (communes, officers, themes, partners) are a handful of short rows read when the
dialog opens; the save itself runs in the dialog's worker thread.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from cafepol_tui.db.models import Channel, ConcernStatus, StaffRole
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.meetings import commune_names
from cafepol_tui.services.validation import SignupForm, ValidationError, format_phone
from cafepol_tui.ui.screens.staff.form import Field, FormDialog

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp


def _opts(names: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple((n, n) for n in names)


def _actor(kiosk: CafePolApp) -> str:
    return kiosk.staff_user.name if kiosk.staff_user else ""


def _meeting_fields(form: ma.MeetingForm, communes: list[str], officers: list[str]) -> list[Field]:
    return [
        Field("commune", "Commune", form.commune, "select", _opts(communes)),
        Field("place", "Lieu", form.place, placeholder="ex. Cafétéria du Grand-Hornu"),
        Field("address", "Adresse", form.address),
        Field("day", "Date (JJ/MM/AAAA)", form.day, placeholder="12/01/2027"),
        Field("start", "Heure (HH:MM)", form.start),
        Field("duration_min", "Durée (minutes)", form.duration_min),
        Field("capacity", "Capacité (places)", form.capacity),
        Field("officer", "Policier de quartier", form.officer, "select", _opts(officers)),
        Field("event_url", "Événement Facebook (http:// ou https://)", form.event_url),
        Field("interested_count", "Personnes « intéressées » sur Facebook", form.interested_count),
        Field("description", "Description", form.description, "text"),
    ]


def _form_from(values: dict[str, Any]) -> ma.MeetingForm:
    keys = ma.MeetingForm.__dataclass_fields__
    return ma.MeetingForm(**{k: v for k, v in values.items() if k in keys})


class MeetingDialog(FormDialog):
    """The meeting editor. A capacity below the confirmed seats reveals the list of confirmed
    parties: the staff member ticks who goes back to the waiting list, then saves again."""

    def on_validation_error(self, exc: ValidationError) -> None:
        if not isinstance(exc, ma.CapacityConflict):
            return
        from textual.widgets import Label, SelectionList

        chooser = self.query_one("#f-to_waitlist", SelectionList)
        chosen = set(chooser.selected)
        chooser.clear_options()
        chooser.add_options(
            [
                (f"{r.reference} — {r.name} ({r.people} pers.)", r.id, r.id in chosen)
                for r in exc.confirmed
            ]
        )
        chooser.display = True
        self.query_one("#l-to_waitlist", Label).display = True


def meeting_editor(kiosk: CafePolApp, meeting_id: int | None) -> FormDialog:
    with kiosk.database.connection_context():
        communes, officers = commune_names(), ma.officer_names()
        form = ma.form_for(meeting_id) if meeting_id else ma.MeetingForm()
    fields = _meeting_fields(form, communes, officers)
    actor = _actor(kiosk)
    if meeting_id is None:
        return FormDialog(
            kiosk,
            "Nouvelle rencontre",
            fields,
            lambda v: f"Rencontre n° {ma.create_meeting(_form_from(v), actor)} créée.",
        )
    fields.append(Field("to_waitlist", "Qui passe en liste d'attente ?", kind="multi", hidden=True))

    def save(values: dict[str, Any]) -> str:
        promoted = ma.update_meeting(
            meeting_id, _form_from(values), actor, to_waitlist=tuple(values.get("to_waitlist", ()))
        )
        extra = f" Confirmés depuis la liste d'attente : {', '.join(promoted)}." if promoted else ""
        return "Rencontre enregistrée." + extra

    return MeetingDialog(kiosk, f"Modifier la rencontre n° {meeting_id}", fields, save)


def series_editor(kiosk: CafePolApp) -> FormDialog:
    with kiosk.database.connection_context():
        communes, officers = commune_names(), ma.officer_names()
    fields = [
        Field(
            "weekday",
            "Jour de la semaine",
            "mardi",
            "select",
            tuple((d, d) for d in ma.WEEKDAYS_FR),
        ),
        Field("nths", "Semaines du mois (ex. 1,3 = 1er et 3e ; 5 = dernier)", "1,3"),
        Field("months", "Pendant combien de mois", "3"),
        *_meeting_fields(ma.MeetingForm(), communes, officers),
    ]
    fields[3 + 3] = Field("day", "À partir du (JJ/MM/AAAA)", "", placeholder="01/01/2027")
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        ids = ma.plan_series(_form_from(v), v["weekday"], v["nths"], v["months"], actor)
        return f"{len(ids)} rencontres planifiées."

    return FormDialog(kiosk, "Planifier une série de rencontres", fields, save)


def cancel_meeting_dialog(kiosk: CafePolApp, meeting_id: int) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> list[Any]:
        return ma.cancel_meeting(meeting_id, v["reason"], actor)

    return FormDialog(
        kiosk,
        f"Annuler la rencontre n° {meeting_id}",
        [Field("reason", "Raison (affichée aux citoyens)", "")],
        save,
        intro="Les personnes inscrites seront listées ensuite, pour les prévenir.",
        ok_label="Annuler la rencontre",
    )


def warn_text(people: list[Any]) -> str:
    if not people:
        return "Personne n'était inscrit."
    lines = []
    for r in people:
        contact = " · ".join(x for x in (format_phone(r.phone), r.email) if x) or "(sans contact)"
        wait = " — liste d'attente" if r.status == "waitlisted" else ""
        lines.append(f"{r.reference}  {r.name} ({r.people} pers.){wait}\n    {contact}")
    return "À prévenir :\n\n" + "\n".join(lines)


def duplicate_dialog(kiosk: CafePolApp, meeting_id: int) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        new = ma.duplicate_meeting(meeting_id, v["day"], actor, start=v["start"])
        return f"Copie créée : rencontre n° {new}."

    return FormDialog(
        kiosk,
        f"Dupliquer la rencontre n° {meeting_id}",
        [
            Field("day", "Nouvelle date (JJ/MM/AAAA)", ""),
            Field("start", "Heure (vide = même heure)", ""),
        ],
        save,
        ok_label="Dupliquer",
    )


def interested_dialog(kiosk: CafePolApp, meeting_id: int, current: int) -> FormDialog:
    actor = _actor(kiosk)
    return FormDialog(
        kiosk,
        "Personnes « intéressées » sur Facebook",
        [Field("interested_count", "Nombre", str(current))],
        lambda v: f"Intéressés : {ma.set_interested(meeting_id, v['interested_count'], actor)}.",
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
        state = "confirmée" if r.confirmed else f"en liste d'attente ({r.waitlist_rank})"
        return f"Inscription {r.reference} {state}."

    return FormDialog(
        kiosk,
        "Inscrire une personne",
        [
            Field(
                "channel",
                "Canal",
                Channel.COUNTER,
                "select",
                (("Guichet", Channel.COUNTER), ("Téléphone", Channel.PHONE)),
            ),
            Field("name", "Nom"),
            Field("people", f"Nombre de personnes (1 à {k.max_party_size})", "1"),
            Field("phone", "Téléphone"),
            Field("email", "E-mail"),
            Field("topic", "Sujet à aborder (facultatif)", "", "text"),
            Field("consent", "La personne accepte l'enregistrement de ses données", False, "check"),
        ],
        save,
        ok_label="Inscrire",
    )


def reorder_dialog(kiosk: CafePolApp, registration_id: int, reference: str) -> FormDialog:
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        promoted = ra.move_in_waitlist(registration_id, v["rank"], v["reason"], actor)
        return "Ordre modifié." + (f" Confirmés : {', '.join(promoted)}." if promoted else "")

    return FormDialog(
        kiosk,
        f"Changer le rang de {reference} en liste d'attente",
        [
            Field("rank", "Nouveau rang (1 = le prochain)", "1"),
            Field("reason", "Raison (gardée dans le journal d'audit)"),
        ],
        save,
        ok_label="Déplacer",
    )


def confirm_cancel_registration(kiosk: CafePolApp, reference: str) -> FormDialog:
    actor = _actor(kiosk)

    def save(_: dict[str, Any]) -> str:
        r = ra.cancel_registration(reference, actor)
        extra = (
            f" Confirmés depuis la liste d'attente : {', '.join(r.promoted)}." if r.promoted else ""
        )
        return f"Inscription {r.reference} annulée." + extra

    return FormDialog(
        kiosk, f"Annuler l'inscription {reference} ?", [], save, ok_label="Annuler l'inscription"
    )


def concern_editor(kiosk: CafePolApp, meeting_id: int | None) -> FormDialog:
    with kiosk.database.connection_context():
        themes, partners = cs.theme_names(), cs.partner_names()
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
        return f"Doléance n° {cs.create_concern(form, actor)} enregistrée."

    where = f" (rencontre n° {meeting_id})" if meeting_id else ""
    return FormDialog(
        kiosk,
        "Nouvelle doléance" + where,
        [
            Field("theme", "Thème", "", "select", _opts(themes)),
            Field("description", "Situation décrite", "", "text"),
            Field("place", "Rue ou lieu"),
            Field("partner", "Partenaire concerné", "", "select", _opts(partners)),
            Field("due_on", f"Échéance (vide = dans {cs.DEFAULT_DUE_DAYS} jours)"),
            Field("wants_feedback", "La personne souhaite un retour", False, "check"),
            Field("contact_name", "Nom (si retour)"),
            Field("contact_phone", "Téléphone (si retour)"),
            Field("contact_email", "E-mail (si retour)"),
        ],
        save,
    )


def concern_from_topic_dialog(kiosk: CafePolApp, registration_id: int, topic: str) -> FormDialog:
    with kiosk.database.connection_context():
        themes = cs.theme_names()
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        cid = cs.concern_from_topic(
            registration_id, v["theme"], actor, wants_feedback=v["wants_feedback"]
        )
        return f"Doléance n° {cid} créée depuis le sujet."

    return FormDialog(
        kiosk,
        "Transformer le sujet en doléance",
        [
            Field("theme", "Thème", "", "select", _opts(themes)),
            Field(
                "wants_feedback", "La personne souhaite un retour (contact repris)", False, "check"
            ),
        ],
        save,
        intro=f"« {topic} »",
        ok_label="Créer la doléance",
    )


def concern_update_dialog(kiosk: CafePolApp, detail: cs.ConcernDetail) -> FormDialog:
    actor = _actor(kiosk)
    states = ((f"{cs.STATUS_FR[detail.status]} (inchangé)", detail.status),) + tuple(
        (cs.STATUS_FR[s], s) for s in detail.next_states
    )

    def save(v: dict[str, Any]) -> str:
        status = v["status"] or detail.status
        cs.update_concern(
            detail.id, status, v["note"], actor, reason=v["reason"], due_on=v["due_on"]
        )
        return f"Doléance n° {detail.id} : {cs.STATUS_FR[status]}."

    return FormDialog(
        kiosk,
        f"Suivi de la doléance n° {detail.id}",
        [
            Field("status", "État", detail.status, "select", states),
            Field("note", "Note (ce qui a été fait)", "", "text"),
            Field("reason", f"Raison si « {cs.STATUS_FR[ConcernStatus.CLOSED]} »"),
            Field("due_on", "Nouvelle échéance (JJ/MM/AAAA, facultatif)"),
        ],
        save,
    )


def purge_dialog(kiosk: CafePolApp) -> FormDialog:
    from cafepol_tui.services.retention import purge

    days = kiosk.settings.retention_days
    actor = _actor(kiosk)

    def save(v: dict[str, Any]) -> str:
        as_of = None
        if v["as_of"].strip():
            day: date = ma.parse_date(v["as_of"], "as_of")
            as_of = datetime.combine(day, time(23, 59, 59), BRUSSELS)
        r = purge(as_of, days, actor=actor)
        return f"{r.registrations} inscription(s) et {r.concern_contacts} contact(s) anonymisés."

    return FormDialog(
        kiosk,
        "Purger les données personnelles",
        [
            Field("as_of", "À la date du (JJ/MM/AAAA, vide = aujourd'hui)"),
        ],
        save,
        intro=f"Anonymise les inscriptions des rencontres passées depuis plus de {days} jours.",
        ok_label="Purger",
    )


def account_dialog(kiosk: CafePolApp) -> FormDialog:
    from cafepol_tui.services.staff import ROLE_FR, create_account

    user = kiosk.staff_user

    def save(v: dict[str, Any]) -> str:
        assert user is not None
        account = create_account(v["name"], v["pin"], v["role"] or "", user)
        return f"Compte « {account.name} » enregistré."

    return FormDialog(
        kiosk,
        "Nouveau compte (ou nouveau PIN)",
        [
            Field("name", "Nom"),
            Field(
                "role",
                "Rôle",
                StaffRole.COUNTER,
                "select",
                tuple((ROLE_FR[r], r) for r in StaffRole.ALL),
            ),
            Field("pin", "Code PIN (4 à 12 chiffres)", "", "password"),
        ],
        save,
    )
