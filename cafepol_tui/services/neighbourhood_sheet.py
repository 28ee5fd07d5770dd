"""What the neighbourhood sheet shows: a commune's recent concerns, without names or contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cafepol_tui.db.models import Concern, ConcernStatus, ConcernUpdate
from cafepol_tui.services.concerns import status_label
from cafepol_tui.services.formatting import babel_locale, local
from cafepol_tui.services.meetings import find_commune, theme_name


def sheet_items(
    commune: str, *, months: int, now: datetime | None = None
) -> tuple[str, list[dict]]:
    """(the commune's name as stored, one dict per concern created in the last `months`
    months: theme, place, state, reply, month). Never a name, a contact or a description."""
    found = find_commune(commune)
    now = now or datetime.now(UTC)
    since = now - timedelta(days=31 * months)
    concerns = (
        Concern.select()
        .where((Concern.commune == found.id) & (Concern.created_at >= since))
        .order_by(Concern.created_at.desc())
    )
    items: list[dict] = []
    for c in concerns:
        if c.status == ConcernStatus.FEEDBACK_GIVEN and c.reply_text:
            reply = c.reply_text
        else:
            last = (
                ConcernUpdate.select(ConcernUpdate.note)
                .where(
                    (ConcernUpdate.concern == c.id)
                    & ConcernUpdate.public
                    & (ConcernUpdate.note != "")
                )
                .order_by(ConcernUpdate.at.desc(), ConcernUpdate.id.desc())
                .first()
            )
            reply = last.note if last else ""
        items.append(
            {
                "theme": theme_name(c.theme) if c.theme is not None else "",
                "place": c.place,
                "state": status_label(c.status),
                "reply": reply,
                "month": _month(c.created_at),
            }
        )
    return found.name, items


def _month(dt: datetime) -> str:
    """« novembre 2026 » in the current language."""
    from babel.dates import format_date

    return format_date(local(dt).date(), "LLLL yyyy", locale=babel_locale())
