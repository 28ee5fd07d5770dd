"""What every staff screen shares: the footer, the command palette (staff mode only), the way out.

The App keeps `ENABLE_COMMAND_PALETTE = False`, so citizens never get ctrl+p. Staff screens bind
ctrl+p themselves and open the palette only after checking that a staff member is logged in;
the palette then offers the staff commands below (plus Textual's system commands).

Texts are in the kiosk's current language (catalog ``staff``); binding descriptions are marked
with `N_` and translated when the footer asks for them (`TranslatedBindings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import ActiveBinding, Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Footer

from cafepol_tui.i18n import N_, translator
from cafepol_tui.statuses import StaffRole
from cafepol_tui.ui.screens.base import KioskScreen

if TYPE_CHECKING:
    from cafepol_tui.services.staff import StaffUser

_ = translator("staff")
_kiosk = translator("kiosk")

# action -> (title, help, admin only); translated when the palette lists them.
STAFF_COMMANDS: dict[str, tuple[str, str, bool]] = {
    "home": (
        N_("Accueil du personnel"),
        N_("Doléances en retard et liste des rencontres"),
        False,
    ),
    "new_meeting": (N_("Nouvelle rencontre"), N_("Créer une rencontre"), False),
    "new_series": (
        N_("Planifier une série"),
        N_("Ex. chaque 1er et 3e mardi pendant trois mois"),
        False,
    ),
    "concerns": (N_("Doléances"), N_("Suivi des situations soulevées"), False),
    "new_concern": (N_("Nouvelle doléance"), N_("Enregistrer une situation soulevée"), False),
    "stats": (N_("Statistiques"), N_("Rythme des rencontres, participation, doléances"), False),
    "audit": (N_("Journal d'audit"), N_("Qui a fait quoi, quand (administrateurs)"), True),
    "accounts": (
        N_("Comptes du personnel"),
        N_("Créer ou désactiver des comptes (administrateurs)"),
        True,
    ),
    "purge": (
        N_("Purger les données personnelles"),
        N_("Appliquer la durée de conservation"),
        True,
    ),
    "programme": (
        N_("Programme du mois"),
        N_("Affiche A4 des rencontres d'un mois, avec leurs QR codes"),
        False,
    ),
    "diagnostics": (
        N_("Diagnostic et sauvegarde"),
        N_("Les contrôles de « cafepol doctor », une sauvegarde maintenant"),
        False,
    ),
    "citizen_mode": (N_("Retour au mode citoyen"), N_("Quitter le mode personnel"), False),
}


def translate_binding(description: str) -> str:
    """A footer text: the staff catalog's, else the kiosk's (App-wide bindings), else as is."""
    if not description:
        return description
    text = _(description)
    return text if text != description else _kiosk(description)


class TranslatedBindings:
    """Mixin for a Screen: the footer (and the keys panel) show the bindings translated."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {
            key: active._replace(
                binding=dataclasses.replace(
                    active.binding, description=translate_binding(active.binding.description)
                ),
                tooltip=translate_binding(active.tooltip),
            )
            for key, active in bindings.items()
        }


class StaffCommands(Provider):
    """The staff console's commands, in the kiosk's language, filtered by role."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        user: StaffUser | None = getattr(self.app, "staff_user", None)
        if not isinstance(screen, StaffScreen) or user is None:
            return []
        is_admin = user.role == StaffRole.ADMIN
        return [
            (_(title), _(help_text), partial(screen.run_staff_action, action))
            for action, (title, help_text, admin_only) in STAFF_COMMANDS.items()
            if is_admin or not admin_only
        ]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class StaffScreen(TranslatedBindings, KioskScreen):
    """A staff console screen: footer bindings, palette, and the staff-wide actions."""

    COMMANDS = {StaffCommands}
    BINDINGS = [
        Binding("escape", "back", N_("Retour"), id="back"),
        Binding("ctrl+p", "staff_palette", N_("Commandes"), id="staff-palette"),
        Binding("f2", "citizen_mode", N_("Mode citoyen"), id="staff-citizen"),
    ]

    def compose_footer(self) -> Footer:
        return Footer()

    @property
    def user(self) -> StaffUser | None:
        return self.kiosk.staff_user

    @property
    def actor(self) -> str:
        return self.user.name if self.user else ""

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.role == StaffRole.ADMIN

    def action_staff_palette(self) -> None:
        if self.kiosk.current_mode != "staff" or self.user is None:
            return
        if not CommandPalette.is_open(self.app):
            palette = CommandPalette(
                placeholder=_("Rechercher une commande…"), id="--command-palette"
            )
            self.app.push_screen(palette)

    def run_staff_action(self, action: str) -> None:
        getattr(self, f"action_{action}")()

    def action_citizen_mode(self) -> None:
        self.kiosk.leave_staff_mode()

    def _push_staff(
        self, screen_factory: Callable[[], Screen[Any]], admin_only: bool = False
    ) -> None:
        if admin_only and not self.is_admin:
            self.notify(_("Réservé aux administrateurs."), severity="warning")
            return
        self.app.push_screen(screen_factory())

    def action_home(self) -> None:
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_concerns(self) -> None:
        from cafepol_tui.ui.screens.staff.concerns import ConcernsScreen

        self._push_staff(ConcernsScreen)

    def action_stats(self) -> None:
        from cafepol_tui.ui.screens.staff.stats import StatsScreen

        self._push_staff(StatsScreen)

    def action_audit(self) -> None:
        from cafepol_tui.ui.screens.staff.audit import AuditScreen

        self._push_staff(AuditScreen, admin_only=True)

    def action_accounts(self) -> None:
        from cafepol_tui.ui.screens.staff.accounts import AccountsScreen

        self._push_staff(AccountsScreen, admin_only=True)

    def action_programme(self) -> None:
        from cafepol_tui.ui.screens.staff.documents import PROGRAMME, PrintDialog

        self.app.push_screen(PrintDialog(self.kiosk, PROGRAMME))

    def action_diagnostics(self) -> None:
        from cafepol_tui.ui.screens.staff.diagnostics import DiagnosticsScreen

        self._push_staff(DiagnosticsScreen)

    def action_new_meeting(self) -> None:
        from cafepol_tui.ui.screens.staff.editors import meeting_editor

        self.app.push_screen(meeting_editor(self.kiosk, None), self._saved)

    def action_new_series(self) -> None:
        from cafepol_tui.ui.screens.staff.editors import series_editor

        self.app.push_screen(series_editor(self.kiosk), self._saved)

    def action_new_concern(self, meeting_id: int | None = None) -> None:
        from cafepol_tui.ui.screens.staff.editors import concern_editor

        self.app.push_screen(concern_editor(self.kiosk, meeting_id), self._saved)

    def action_purge(self) -> None:
        from cafepol_tui.ui.screens.staff.editors import purge_dialog

        if not self.is_admin:
            self.notify(_("Réservé aux administrateurs."), severity="warning")
            return
        self.app.push_screen(purge_dialog(self.kiosk), self._saved)

    def _saved(self, result: object) -> None:
        """A dialog closed: say what it did and reload."""
        if isinstance(result, str) and result:
            self.notify(result)
        if result is not None:
            self.reload()

    def reload(self) -> None:
        """Reload the screen's data (screens override)."""
