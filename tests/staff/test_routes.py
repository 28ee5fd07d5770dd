"""The staff console's routes table: what it feeds (palette, footers, buttons) and where it leads."""

from __future__ import annotations

import pytest
from textual.screen import Screen

from cafepol_tui.db.models import StaffRole
from cafepol_tui.i18n import set_language, translator
from cafepol_tui.services.staff import StaffUser
from cafepol_tui.ui.screens.staff import routes
from cafepol_tui.ui.screens.staff.base import StaffScreen
from cafepol_tui.ui.screens.staff.concerns import ConcernsScreen
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen


@pytest.mark.parametrize("route", routes.ROUTES, ids=[r.name for r in routes.ROUTES])
def test_every_route_leads_somewhere(route: routes.Route) -> None:
    target = route.screen.target() if isinstance(route.screen, routes.Lazy) else route.screen
    assert callable(target)
    if isinstance(target, type):
        assert issubclass(target, Screen)


def test_roles_choose_what_a_staff_member_may_open() -> None:
    counter = StaffUser(id=1, name="Carl", role=StaffRole.COUNTER)
    officer = StaffUser(id=3, name="Olivier", role=StaffRole.OFFICER)
    admin = StaffUser(id=2, name="Anne", role=StaffRole.ADMIN)
    for_counter = {r.name for r in routes.ROUTES if r.allows(counter)}
    for_officer = {r.name for r in routes.ROUTES if r.allows(officer)}
    officers_only = {"new_meeting", "new_series", "programme"}
    admins_only = {"audit", "accounts", "purge"}
    assert (officers_only | admins_only).isdisjoint(for_counter)
    assert {"stats", "concerns", "new_concern", "citizen_mode"} <= for_counter
    assert for_officer == for_counter | officers_only
    assert all(r.allows(admin) for r in routes.ROUTES)
    assert not any(r.allows(None) for r in routes.ROUTES)


def test_the_footers_come_from_the_table() -> None:
    def keys(screen_class: type[StaffScreen]) -> dict[str, str]:
        merged = screen_class._merge_bindings().key_to_bindings
        return {key: bindings[-1].action for key, bindings in merged.items()}

    home = keys(StaffHomeScreen)
    assert {k: home[k] for k in "nsdtjc"} == {
        "n": "open('new_meeting')", "s": "open('new_series')", "d": "open('concerns')",
        "t": "open('stats')", "j": "open('audit')", "c": "open('accounts')",
    }
    assert home["f2"] == keys(ConcernsScreen)["f2"] == "open('citizen_mode')"
    assert "j" not in keys(ConcernsScreen)  # the home's keys stay on the home


def test_titles_are_in_the_staff_catalog() -> None:
    _ = translator("staff")
    try:
        set_language("nl")
        for route in routes.ROUTES:
            assert _(route.title) != route.title, route.name
            assert _(route.label) != route.label, route.name
    finally:
        set_language("fr")
