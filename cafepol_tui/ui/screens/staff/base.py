"""What every staff screen shares: the footer, the command palette (staff mode only), the way out.

The App keeps `ENABLE_COMMAND_PALETTE = False`, so citizens never get ctrl+p. Staff screens bind
ctrl+p themselves and open the palette only after checking that a staff member is logged in;
the palette then offers the routes of the staff console (`routes.ROUTES`) the staff member's
role allows (plus Textual's system commands). Every route opens through `action_open`.

Texts are in the kiosk's current language (catalog ``staff``); binding descriptions are marked
with `N_` and translated when the footer asks for them (`TranslatedBindings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import ActiveBinding, Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Footer

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.permissions import (
    NOBODY,
    Actor,
    Permission,
    PermissionRefusedError,
    allows,
)
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.screens.staff import routes

if TYPE_CHECKING:
    from cafepol_tui.services.staff import StaffUser

_ = translator("staff")
_kiosk = translator("kiosk")

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
    """The staff console's routes, in the kiosk's language, those the role allows."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        user: StaffUser | None = getattr(self.app, "staff_user", None)
        if not isinstance(screen, StaffScreen) or user is None:
            return []
        return [
            (_(route.title), _(route.help), partial(screen.action_open, route.name))
            for route in routes.ROUTES
            if route.allows(user)
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
        *routes.bindings(everywhere=True),  # f2: the citizen mode
    ]

    def compose_footer(self) -> Footer:
        return Footer()

    @property
    def user(self) -> StaffUser | None:
        return self.kiosk.staff_user

    @property
    def actor(self) -> Actor:
        """Who the services are told does it: the signed-in staff member (or `NOBODY`)."""
        return self.user or NOBODY

    def refused(self, permission: Permission) -> bool:
        """Say so and return True if the signed-in role may not do this (the services refuse
        it anyway: this only spares a dialog that could not be saved)."""
        if allows(self.user, permission):
            return False
        self.notify(str(PermissionRefusedError(permission, self.actor.role)), severity="warning")
        return True

    def action_staff_palette(self) -> None:
        if self.kiosk.current_mode != "staff" or self.user is None:
            return
        if not CommandPalette.is_open(self.app):
            palette = CommandPalette(
                placeholder=_("Rechercher une commande…"), id="--command-palette"
            )
            self.app.push_screen(palette)

    def action_open(self, name: str, *args: object) -> None:
        """Open the staff console's route `name` (see `routes`), if the role allows it.

        `args` go to the screen (e.g. the meeting a new concern is about). A dialog's result
        comes back to this screen (`_saved`).
        """
        route = routes.route(name)
        if not route.allows(self.user):
            # A route open to every staff member is refused only to no one signed in: the
            # counter's permissions say « réservée au personnel connecté ».
            self.refused(route.permission or Permission.SIGN_UP)
            return
        screen = route.build(self.kiosk, *args)
        if screen is not None:
            self.app.push_screen(screen, self._saved)

    def _saved(self, result: object) -> None:
        """A dialog closed: say what it did and reload."""
        if isinstance(result, str) and result:
            self.notify(result)
        if result is not None:
            self.reload()

    def reload(self) -> None:
        """Reload the screen's data (screens override)."""
