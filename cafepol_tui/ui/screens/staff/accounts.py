"""Staff accounts, for administrators: create (or give a new PIN), deactivate."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.staff import AccountView, deactivate_account, list_accounts
from cafepol_tui.services.validation import NotFoundError, RefusedError
from cafepol_tui.ui.screens.staff import editors, labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


class AccountsScreen(StaffScreen):
    BINDINGS = [
        Binding("n", "new_account", N_("Nouveau compte / PIN"), id="accounts-new"),
        Binding("delete", "deactivate", N_("Désactiver"), id="accounts-deactivate"),
    ]
    AUTO_FOCUS = "#accounts"

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-accounts-page"):
            yield Static(_("Comptes du personnel"), id="staff-heading")
            yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Nom"), _("Rôle"), _("Actif"))
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
        yes, no = _("oui"), _("non")
        for a in accounts:
            table.add_row(a.name, labels.role(a.role), yes if a.active else no, key=str(a.id))

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
        self.app.call_from_thread(self.notify, _("Compte désactivé."))
        self.app.call_from_thread(self.load)
