"""Staff accounts, for administrators: create (or give a new PIN), deactivate; and the kiosks
whose PIN gate is locked, to lift the lock from here (the locked kiosk can't be used for that)."""

from __future__ import annotations

import peewee
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services.formatting import format_clock, format_short_day
from cafepol_tui.services.staff import (
    AccountView,
    GateView,
    deactivate_account,
    list_accounts,
    locked_gates,
    unlock_kiosk,
)
from cafepol_tui.services.validation import NotFoundError, RefusedError
from cafepol_tui.ui.screens.staff import editors, labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


class AccountsScreen(StaffScreen):
    BINDINGS = [
        Binding("n", "new_account", N_("Nouveau compte / PIN"), id="accounts-new"),
        Binding("delete", "deactivate", N_("Désactiver"), id="accounts-deactivate"),
        # TRANSLATORS: footer key: lift the PIN lock of the kiosk selected below the accounts.
        Binding("u", "unlock", N_("Débloquer la borne"), id="accounts-unlock"),
    ]
    AUTO_FOCUS = "#accounts"

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-accounts-page"):
            yield Static(_("Comptes du personnel"), id="staff-heading")
            yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            yield Static(_("Bornes bloquées (trop de codes PIN faux)"), classes="staff-section")
            yield DataTable(id="locked-kiosks", cursor_type="row", zebra_stripes=True)
            yield Static(_("Aucune borne bloquée."), id="locked-none")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#accounts", DataTable).add_columns(_("Nom"), _("Rôle"), _("Actif"))
        self.query_one("#locked-kiosks", DataTable).add_columns(
            _("Borne"), _("Bloquée jusqu'à"), _("Blocages de suite")
        )
        self.query_one("#locked-kiosks").display = False
        self.load()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            accounts = list_accounts()
            gates = locked_gates()
        self.app.call_from_thread(self.show, accounts, gates)

    def show(self, accounts: list[AccountView], gates: list[GateView] | None = None) -> None:
        table = self.query_one("#accounts", DataTable)
        table.clear()
        yes, no = _("oui"), _("non")
        for a in accounts:
            table.add_row(a.name, labels.role(a.role), yes if a.active else no, key=str(a.id))
        locked = self.query_one("#locked-kiosks", DataTable)
        locked.clear()
        lang = current_language()
        for gate in gates or []:
            day, clock = format_short_day(gate.locked_until, lang), format_clock(gate.locked_until, lang)
            until = f"{day} {clock}"
            locked.add_row(self._kiosk_label(gate.kiosk_id), until, str(gate.lockouts),
                           key=gate.kiosk_id)
        locked.display = bool(gates)
        self.query_one("#locked-none").display = not gates

    @staticmethod
    def _kiosk_label(kiosk_id: str) -> str:
        return kiosk_id or _("bornes d'une version antérieure (code commun)")

    def action_new_account(self) -> None:
        self.app.push_screen(editors.account_dialog(self.kiosk), self._saved)

    def action_deactivate(self) -> None:
        table = self.query_one("#accounts", DataTable)
        if not table.row_count or self.user is None:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.deactivate(int(key))

    def action_unlock(self) -> None:
        table = self.query_one("#locked-kiosks", DataTable)
        if not table.row_count or self.user is None:
            self.notify(_("Aucune borne bloquée."))
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.unlock(key)

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

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def unlock(self, kiosk_id: str) -> None:
        try:
            with self.kiosk.database.connection_context():
                unlocked = unlock_kiosk(kiosk_id, self.user)
        except RefusedError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        except peewee.DatabaseError:
            self.app.call_from_thread(
                self.notify, _("Base de données indisponible : rien n'a été enregistré."),
                severity="error",
            )
            return
        if unlocked:
            message = _("Borne « {kiosk} » débloquée.").format(kiosk=self._kiosk_label(kiosk_id))
        else:
            message = _("Cette borne n'était plus bloquée.")
        self.app.call_from_thread(self.notify, message)
        self.app.call_from_thread(self.load)
