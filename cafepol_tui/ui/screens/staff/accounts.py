"""Staff accounts, for administrators: create (or give a new PIN), deactivate."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cafepol_tui.services.staff import ROLE_FR, AccountView, deactivate_account, list_accounts
from cafepol_tui.services.validation import NotFoundError, RefusedError
from cafepol_tui.ui.screens.staff import editors
from cafepol_tui.ui.screens.staff.base import StaffScreen


class AccountsScreen(StaffScreen):
    BINDINGS = [
        Binding("n", "new_account", "Nouveau compte / PIN", id="accounts-new"),
        Binding("delete", "deactivate", "Désactiver", id="accounts-deactivate"),
    ]
    AUTO_FOCUS = "#accounts"

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-accounts-page"):
            yield Static("Comptes du personnel", id="staff-heading")
            yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Nom", "Rôle", "Actif")
        self.load()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            accounts = list_accounts()
        self.app.call_from_thread(self.show, accounts)

    def show(self, accounts: list[AccountView]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for a in accounts:
            table.add_row(
                a.name, ROLE_FR.get(a.role, a.role), "oui" if a.active else "non", key=str(a.id)
            )

    def action_new_account(self) -> None:
        self.app.push_screen(editors.account_dialog(self.kiosk), self._saved)

    def action_deactivate(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count or self.user is None:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.deactivate(int(key))

    @work(thread=True, exclusive=True, group="deactivate", exit_on_error=False)
    def deactivate(self, account_id: int) -> None:
        assert self.user is not None
        try:
            with self.kiosk.database.connection_context():
                deactivate_account(account_id, self.user)
        except (RefusedError, NotFoundError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        self.app.call_from_thread(self.notify, "Compte désactivé.")
        self.app.call_from_thread(self.load)
