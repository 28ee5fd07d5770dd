"""Concerns (doléances): the list, overdue first, and one concern with its history."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.concerns import (
    ConcernDetail,
    ConcernSummary,
    get_concern,
    list_concerns,
)
from cafepol_tui.services.permissions import Permission
from cafepol_tui.services.validation import format_phone
from cafepol_tui.ui.screens.staff import editors, labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


class ConcernsScreen(StaffScreen):
    BINDINGS = [
        Binding("n", "open('new_concern')", N_("Nouvelle doléance"), id="concerns-new"),
        Binding(
            "f", "toggle_finished", N_("Afficher/masquer les terminées"), id="concerns-finished"
        ),
        Binding("m", "toggle_mine", N_("Mes doléances / toutes"), id="concerns-mine"),
    ]
    AUTO_FOCUS = "DataTable"

    def __init__(self) -> None:
        super().__init__()
        self.include_finished = False
        self.mine = False  # only the concerns the signed-in account is in charge of

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-concerns-page"):
            yield Static(_("Doléances — en retard d'abord"), id="staff-heading")
            yield DataTable(id="concern-list", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            _("N°"),
            _("Référence"),
            _("Échéance"),
            _("État"),
            _("Thème"),
            _("Commune"),
            _("Partenaire"),
            _("Lieu"),
            _("Situation"),
        )
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def action_toggle_finished(self) -> None:
        self.include_finished = not self.include_finished
        self.load()

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            rows = list_concerns(
                include_finished=self.include_finished,
                owner=self.actor.name if self.mine else None,
            )
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[ConcernSummary]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        late = _("⚠ retard")
        for c in rows:
            due = labels.short_date(c.due_on) + (f" {late}" if c.overdue else "")
            table.add_row(
                str(c.id),
                c.reference,
                due,
                labels.concern_status(c.status),
                c.theme,
                c.commune,
                c.partner,
                c.place[:20],
                c.description.replace("\n", " ")[:40],
                key=str(c.id),
            )
        heading = (
            _("Doléances — en retard d'abord ({count}, terminées comprises)")
            if self.include_finished
            else _("Doléances — en retard d'abord ({count}, sans les terminées)")
        )
        if self.mine:
            heading = _("Mes doléances") + " — " + heading
        self.query_one("#staff-heading", Static).update(heading.format(count=len(rows)))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(ConcernScreen(int(event.row_key.value)))


class ConcernScreen(StaffScreen):
    BINDINGS = [
        Binding("s", "update", N_("Suivi / changer l'état"), id="concern-update"),
        Binding("r", "feedback", N_("Donner le retour"), id="concern-feedback"),
        Binding("p", "handoff", N_("Transmettre"), id="concern-handoff"),
        Binding("a", "partner_answer", N_("Réponse du partenaire"), id="concern-answer"),
        Binding("k", "correct", N_("Corriger"), id="concern-correct"),
    ]

    def __init__(self, concern_id: int) -> None:
        super().__init__()
        self.concern_id = concern_id
        self.detail: ConcernDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-concern-page"):
            yield Static(_("Doléance n° {id}").format(id=self.concern_id), id="staff-heading")
            with VerticalScroll(id="concern-body"):
                yield Static(_("Chargement…"), id="concern-detail", markup=False)
                yield Static(_("Historique"), classes="staff-section")
                yield DataTable(id="concern-history", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Quand"), _("Qui"), _("État"), _("Note"))
        self.load()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            detail = get_concern(self.concern_id)
        self.app.call_from_thread(self.show, detail)

    def show(self, d: ConcernDetail) -> None:
        self.detail = d
        state = _("État : {status}").format(status=labels.concern_status(d.status))
        if d.overdue:
            state += " — " + _("EN RETARD")
        place = _("Lieu : {place}").format(place=d.place or "—")
        if d.meeting_id:
            place += "   " + _("Rencontre n° {id}").format(id=d.meeting_id)
        lines = [
            state,
            _("Référence : {reference}   Responsable : {owner}").format(
                reference=d.reference, owner=d.owner or "—"
            ),
            _("Échéance : {day}").format(day=labels.short_date(d.due_on)),
            _("Thème : {theme}   Commune : {commune}   Partenaire : {partner}").format(
                theme=d.theme or "—", commune=d.commune or "—", partner=d.partner or "—"
            ),
            place,
            "",
            d.description,
            "",
        ]
        if d.wants_feedback and (d.contact_name or d.contact_phone or d.contact_email):
            contact = " · ".join(
                x for x in (d.contact_name, format_phone(d.contact_phone), d.contact_email) if x
            )
            lines.append(_("Retour souhaité : {contact}").format(contact=contact))
        elif d.wants_feedback:
            lines.append(_("Retour souhaité (contact effacé après le retour ou la clôture)"))
        else:
            lines.append(_("Pas de retour demandé"))
        if d.close_reason:
            lines.append(_("Clôturée sans retour : {reason}").format(reason=d.close_reason))
        if d.reply_text:
            delivered = _("remis") if d.reply_delivered else _("en cours d'envoi")
            lines += [
                "",
                _("Retour ({channel}, {state}) :").format(
                    channel=labels.reply_channel(d.reply_channel), state=delivered
                ),
                d.reply_text,
            ]
        for h in d.handoffs:
            answer = h.answer or (_("en retard") if h.overdue else _("en attente"))
            lines.append(
                _("Transmise à {partner} le {day}, réponse pour le {due} : {answer}").format(
                    partner=h.partner,
                    day=labels.short_date(h.created_at.date()),
                    due=labels.short_date(h.due_on),
                    answer=answer,
                )
            )
        self.query_one("#concern-detail", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        table.clear()
        for u in d.updates:
            table.add_row(
                labels.short_datetime(u.at),
                u.actor,
                labels.concern_status(u.status),
                u.note.replace("\n", " "),  # whole: the table scrolls sideways
            )

    def action_update(self) -> None:
        if self.detail is None or self.refused(Permission.FOLLOW_UP):
            return
        if not self.detail.next_states:
            self.notify(_("Cette doléance est terminée."), severity="warning")
            return
        self.app.push_screen(editors.concern_update_dialog(self.kiosk, self.detail), self._saved)

    def action_feedback(self) -> None:
        if self.detail is None or self.refused(Permission.FOLLOW_UP):
            return
        if not self.detail.next_states:
            self.notify(_("Cette doléance est terminée."), severity="warning")
            return
        self.app.push_screen(editors.feedback_dialog(self.kiosk, self.detail), self._saved)

    def action_handoff(self) -> None:
        if self.detail is None or self.refused(Permission.FOLLOW_UP):
            return
        if not self.detail.next_states:
            self.notify(_("Cette doléance est terminée."), severity="warning")
            return
        self.app.push_screen(editors.handoff_dialog(self.kiosk, self.detail), self._saved)

    def action_partner_answer(self) -> None:
        from cafepol_tui.statuses import HandoffStatus

        if self.detail is None or self.refused(Permission.FOLLOW_UP):
            return
        if not any(h.status == HandoffStatus.SENT for h in self.detail.handoffs):
            self.notify(_("Aucune transmission n'attend de réponse."), severity="warning")
            return
        self.app.push_screen(editors.partner_answer_dialog(self.kiosk, self.detail), self._saved)

    def action_correct(self) -> None:
        if self.detail is None or self.refused(Permission.RECORD_CONCERN):
            return
        if not self.detail.next_states:
            self.notify(_("Cette doléance est terminée."), severity="warning")
            return
        self.app.push_screen(editors.correct_dialog(self.kiosk, self.detail), self._saved)
