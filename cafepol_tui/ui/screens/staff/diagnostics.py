"""The same checks as `cafepol doctor`, and a backup on demand, for the staff at the counter."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from cafepol_tui.i18n import N_, translator
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")

# The status is said in words and a symbol, never by colour alone.
STATUS_WORDS = {"OK": N_("✔ correct"), "WARN": N_("⚠ à surveiller"), "FAIL": N_("✖ en panne")}


class DiagnosticsScreen(StaffScreen):
    BINDINGS = [
        Binding("r", "refresh_checks", N_("Actualiser"), id="diagnostics-refresh"),
        Binding("b", "backup_now", N_("Sauvegarder maintenant"), id="diagnostics-backup"),
    ]
    AUTO_FOCUS = "DataTable"

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-diagnostics"):
            yield Static(_("Diagnostic de la borne (comme « cafepol doctor »)"),
                         id="diagnostics-heading")
            yield DataTable(id="checks", cursor_type="row")
            yield Static("", id="diagnostics-message")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield Button(_("Actualiser"), id="refresh")
                yield Button(_("Sauvegarder maintenant"), id="backup-now", variant="primary")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("État"), _("Contrôle"), _("Détail"))
        self.reload()

    def reload(self) -> None:
        self.query_one("#diagnostics-message", Static).update(_("Contrôles en cours…"))
        self.run_checks()

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_checks(self) -> None:
        from cafepol_tui.services.doctor import run_checks

        checks = run_checks(self.kiosk.settings, terminal_size=(self.app.size.width,
                                                               self.app.size.height))
        self.app.call_from_thread(self.show, checks)

    def show(self, checks: list) -> None:  # list[Check]
        table = self.query_one(DataTable)
        table.clear()
        for check in checks:
            table.add_row(_(STATUS_WORDS.get(check.status, check.status)), check.name, check.detail)
        failing = sum(1 for c in checks if c.status != "OK")
        self.query_one("#diagnostics-message", Static).update(
            _("Tout est correct.") if not failing
            else _.plural("{n} point à regarder.", "{n} points à regarder.", failing).format(
                n=failing)
        )

    @on(Button.Pressed, "#refresh")
    def action_refresh_checks(self) -> None:
        self.reload()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#backup-now")
    def action_backup_now(self) -> None:
        self.query_one("#backup-now", Button).disabled = True
        self.query_one("#diagnostics-message", Static).update(_("Sauvegarde en cours…"))
        self.backup_now()

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def backup_now(self) -> None:
        from cafepol_tui.services.backup import BackupError, backup

        try:
            report = backup(self.kiosk.settings)
        except BackupError as exc:
            message = "⚠ " + str(exc)
        else:
            message = "✔ " + _("Sauvegarde vérifiée : {path} ({rows} lignes).").format(
                path=report.path, rows=report.rows)
        self.app.call_from_thread(self.backed_up, message)

    def backed_up(self, message: str) -> None:
        self.query_one("#backup-now", Button).disabled = False
        self.query_one("#diagnostics-message", Static).update(message)
        self.run_checks()
