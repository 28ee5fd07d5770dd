"""The audit log, for administrators: who did what, when."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cafepol_tui.i18n import translator
from cafepol_tui.services.audit import AuditView, read_entries
from cafepol_tui.ui.screens.staff import labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


class AuditScreen(StaffScreen):
    AUTO_FOCUS = "DataTable"

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-audit-page"):
            yield Static(_("Journal d'audit (500 dernières actions)"), id="staff-heading")
            yield DataTable(id="audit-log", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            _("Quand"), _("Qui"), _("Action"), _("Objet"), _("Détail")
        )
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            entries = read_entries(self.actor)
        self.app.call_from_thread(self.show, entries)

    def show(self, entries: list[AuditView]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for e in entries:
            table.add_row(
                labels.short_datetime(e.at, seconds=True),
                e.actor or "—",
                e.action,
                e.target,
                e.detail[:60],
            )
