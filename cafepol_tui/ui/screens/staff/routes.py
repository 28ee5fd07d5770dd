"""Every place of the staff console, in one table: what the palette, the footers, the buttons
and `StaffScreen.action_open` know about it.

Adding a staff screen is adding one `Route` here. Its `screen` names where it lives,
``Lazy("module", "Name")``, imported on first use (staff screens cost the citizen's first screen
nothing, and this module imports none of them): `Name` is a `Screen` class, built with the
arguments given to `open` (most take none), or a function called with the App and those
arguments. A route may also have a function of its own, which returns the screen to push or
`None` when it did the navigation itself (back to the staff home, the citizen mode).

Titles, help texts and footer labels are in French, marked for the ``staff`` catalog, and
translated when shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.permissions import GRANTS, Permission, allows

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widgets.button import ButtonVariant

    from cafepol_tui.services.permissions import Actor
    from cafepol_tui.ui.app import CafePolApp

# Names this module's N_() texts as the staff catalog's (tools/i18n.py finds catalogs by this line).
_ = translator("staff")

Opener = Callable[..., "Screen[Any] | None"]

STAFF = "cafepol_tui.ui.screens.staff"


class Lazy:
    """A staff screen named by where it lives (`module` in this package, `name` in it), imported
    when first opened: a `Screen` class, built with the route's arguments, or a function
    called with the App and those arguments."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __repr__(self) -> str:
        return f"{STAFF}.{self.module}:{self.name}"

    def target(self) -> object:
        return getattr(importlib.import_module(f"{STAFF}.{self.module}"), self.name)

    def __call__(self, kiosk: CafePolApp, *args: object) -> Screen[Any] | None:
        from textual.screen import Screen

        target: Any = self.target()
        is_screen_class = isinstance(target, type) and issubclass(target, Screen)
        # StatsScreen(), meeting_editor(kiosk), concern_editor(kiosk, meeting_id)…
        return target(*args) if is_screen_class else target(kiosk, *args)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Route:
    """One place of the staff console (or way out of it): see the module's docstring."""

    name: str  # `action_open(name)`; its footer binding's id is `staff-<name>`
    title: str  # the palette's title (and the button's label)
    help: str  # the palette's help line
    screen: Opener  # Lazy("module", "Name"), or a function of its own: (App, *args) -> screen
    # None: every staff member; otherwise what the role must allow (`permissions.GRANTS`)
    permission: Permission | None = None
    key: str = ""  # its key in the footer: on the staff home, or on every staff screen
    short: str = ""  # the footer's label when shorter than the title
    everywhere: bool = False  # the key is bound on every staff screen, not only the home
    button: ButtonVariant | None = None  # its button on the staff home, of that variant

    def allows(self, user: Actor | None) -> bool:
        if self.permission is None:
            return user is not None and user.role in GRANTS
        return allows(user, self.permission)

    @property
    def label(self) -> str:
        """What the footer shows (untranslated: `TranslatedBindings` translates it)."""
        return self.short or self.title

    @property
    def widget_id(self) -> str:
        return self.name.replace("_", "-")

    def build(self, kiosk: CafePolApp, *args: object) -> Screen[Any] | None:
        """The screen to push (or None: the opener did the navigation itself)."""
        return self.screen(kiosk, *args)


def back_to_staff_home(kiosk: CafePolApp) -> None:
    while len(kiosk.screen_stack) > 1:
        kiosk.pop_screen()


def citizen_mode(kiosk: CafePolApp) -> None:
    kiosk.leave_staff_mode()


ROUTES: tuple[Route, ...] = (
    Route(
        "home",
        N_("Accueil du personnel"),
        N_("Doléances en retard et liste des rencontres"),
        back_to_staff_home,
    ),
    Route(
        "new_meeting",
        N_("Nouvelle rencontre"),
        N_("Créer une rencontre"),
        Lazy("editors", "meeting_editor"),
        permission=Permission.MANAGE_MEETINGS,
        key="n",
    ),
    Route(
        "new_series",
        N_("Planifier une série"),
        N_("Ex. chaque 1er et 3e mardi pendant trois mois"),
        Lazy("editors", "series_editor"),
        permission=Permission.MANAGE_MEETINGS,
        key="s",
        # TRANSLATORS: footer key: plan a series of meetings.
        short=N_("Série"),
    ),
    Route(
        "concerns",
        N_("Doléances"),
        N_("Suivi des situations soulevées"),
        Lazy("concerns", "ConcernsScreen"),
        key="d",
    ),
    Route(
        "calls",
        N_("À appeler"),
        N_("Appels à passer, lettres à imprimer, messages envoyés"),
        Lazy("calls", "CallsScreen"),
        permission=Permission.NOTIFY,
        key="a",
    ),
    Route(
        "new_concern",
        N_("Nouvelle doléance"),
        N_("Enregistrer une situation soulevée"),
        Lazy("editors", "concern_editor"),
    ),
    Route(
        "stats",
        N_("Statistiques"),
        N_("Rythme des rencontres, participation, doléances"),
        Lazy("stats", "StatsScreen"),
        key="t",
    ),
    Route(
        "audit",
        N_("Journal d'audit"),
        N_("Qui a fait quoi, quand (administrateurs)"),
        Lazy("audit", "AuditScreen"),
        permission=Permission.READ_AUDIT,
        key="j",
        # TRANSLATORS: footer key: the audit log.
        short=N_("Journal"),
    ),
    Route(
        "accounts",
        N_("Comptes du personnel"),
        N_("Créer ou désactiver des comptes (administrateurs)"),
        Lazy("accounts", "AccountsScreen"),
        permission=Permission.MANAGE_ACCOUNTS,
        key="c",
        # TRANSLATORS: footer key: staff accounts.
        short=N_("Comptes"),
    ),
    Route(
        "reference",
        N_("Données de la zone"),
        N_("Communes, commissariats, policiers, partenaires, thèmes (administrateurs)"),
        Lazy("reference", "ReferenceScreen"),
        permission=Permission.MANAGE_ZONE,
        key="z",
        # TRANSLATORS: footer key: the zone's reference data (communes, officers, themes…).
        short=N_("Données"),
    ),
    Route(
        "purge",
        N_("Purger les données personnelles"),
        N_("Appliquer la durée de conservation"),
        Lazy("editors", "purge_dialog"),
        permission=Permission.PURGE,
    ),
    Route(
        "programme",
        N_("Programme du mois"),
        N_("Affiche A4 des rencontres d'un mois, avec leurs QR codes"),
        Lazy("documents", "programme_dialog"),
        permission=Permission.PRINT,
    ),
    Route(
        "diagnostics",
        N_("Diagnostic et sauvegarde"),
        N_("Les contrôles de « cafepol doctor », une sauvegarde maintenant"),
        Lazy("diagnostics", "DiagnosticsScreen"),
    ),
    Route(
        "citizen_mode",
        N_("Retour au mode citoyen"),
        N_("Quitter le mode personnel"),
        citizen_mode,
        key="f2",
        short=N_("Mode citoyen"),
        everywhere=True,
        button="primary",
    ),
)

BY_NAME: dict[str, Route] = {route.name: route for route in ROUTES}
if len(BY_NAME) != len(ROUTES):  # pragma: no cover - caught by any import
    raise ValueError("two staff routes share a name")


def route(name: str) -> Route:
    return BY_NAME[name]


def bindings(*, everywhere: bool) -> list[Binding]:
    """The footer keys: those of every staff screen, or those of the staff home."""
    return [
        Binding(r.key, f"open({r.name!r})", r.label, id=f"staff-{r.widget_id}")
        for r in ROUTES
        if r.key and r.everywhere == everywhere
    ]


def buttons() -> list[tuple[Route, ButtonVariant]]:
    """The routes with a button on the staff home (and its variant), in the table's order."""
    return [(r, r.button) for r in ROUTES if r.button is not None]
