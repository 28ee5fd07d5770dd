"""Concerns (doléances): the list, overdue first, and one concern with its history."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from cafepol_tui.services.concerns import (
    STATUS_FR,
    ConcernDetail,
    ConcernSummary,
    get_concern,
    list_concerns,
)
from cafepol_tui.services.formatting import local
from cafepol_tui.services.validation import format_phone
from cafepol_tui.ui.screens.staff import editors
from cafepol_tui.ui.screens.staff.base import StaffScreen


class ConcernsScreen(StaffScreen):
    BINDINGS = [
        Binding("n", "new_concern", "Nouvelle doléance", id="concerns-new"),
        Binding("f", "toggle_finished", "Afficher/masquer les terminées", id="concerns-finished"),
    ]
    AUTO_FOCUS = "#concern-list"

    def __init__(self) -> None:
        super().__init__()
        self.include_finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-concerns-page"):
            yield Static("Doléances — en retard d'abord", id="staff-heading")
            yield DataTable(id="concern-list", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "N°", "Échéance", "État", "Thème", "Commune", "Partenaire", "Lieu", "Situation"
        )
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def action_toggle_finished(self) -> None:
        self.include_finished = not self.include_finished
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            rows = list_concerns(include_finished=self.include_finished)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[ConcernSummary]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for c in rows:
            due = c.due_on.strftime("%d/%m/%Y") + (" ⚠ retard" if c.overdue else "")
            table.add_row(
                str(c.id),
                due,
                c.status_fr,
                c.theme,
                c.commune,
                c.partner,
                c.place[:20],
                c.description.replace("\n", " ")[:40],
                key=str(c.id),
            )
        finished = "avec" if self.include_finished else "sans"
        self.query_one("#staff-heading", Static).update(
            f"Doléances — en retard d'abord ({len(rows)}, {finished} les terminées)"
        )

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(ConcernScreen(int(event.row_key.value)))


class ConcernScreen(StaffScreen):
    BINDINGS = [Binding("s", "update", "Suivi / changer l'état", id="concern-update")]

    def __init__(self, concern_id: int) -> None:
        super().__init__()
        self.concern_id = concern_id
        self.detail: ConcernDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-concern-page"):
            yield Static(f"Doléance n° {self.concern_id}", id="staff-heading")
            with VerticalScroll(id="concern-body"):
                yield Static("Chargement…", id="concern-detail", markup=False)
                yield Static("Historique", classes="staff-section")
                yield DataTable(id="concern-history", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Quand", "Qui", "État", "Note")
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
        lines = [
            f"État : {d.status_fr}" + (" — EN RETARD" if d.overdue else ""),
            f"Échéance : {d.due_on.strftime('%d/%m/%Y')}",
            f"Thème : {d.theme or '—'}   Commune : {d.commune or '—'}   "
            f"Partenaire : {d.partner or '—'}",
            f"Lieu : {d.place or '—'}"
            + (f"   Rencontre n° {d.meeting_id}" if d.meeting_id else ""),
            "",
            d.description,
            "",
        ]
        if d.wants_feedback and (d.contact_name or d.contact_phone or d.contact_email):
            contact = " · ".join(
                x for x in (d.contact_name, format_phone(d.contact_phone), d.contact_email) if x
            )
            lines.append(f"Retour souhaité : {contact}")
        elif d.wants_feedback:
            lines.append("Retour souhaité (contact effacé après le retour ou la clôture)")
        else:
            lines.append("Pas de retour demandé")
        if d.close_reason:
            lines.append(f"Clôturée sans retour : {d.close_reason}")
        self.query_one("#concern-detail", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        table.clear()
        for u in d.updates:
            table.add_row(
                local(u.at).strftime("%d/%m/%Y %H:%M"),
                u.actor,
                STATUS_FR.get(u.status, u.status),
                u.note.replace("\n", " ")[:60],
            )

    def action_update(self) -> None:
        if self.detail is None:
            return
        if not self.detail.next_states:
            self.notify("Cette doléance est terminée.", severity="warning")
            return
        self.app.push_screen(editors.concern_update_dialog(self.kiosk, self.detail), self._saved)
