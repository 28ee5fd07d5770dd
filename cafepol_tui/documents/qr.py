"""QR codes for event pages: error correction M, a 4-module quiet zone, never a broken code.

A URL that isn't http(s), or so long that its modules would print too small to scan, gets
no code at all (`None`): the caller prints a note instead. The image is 1-bit and carries
its quiet zone, so fpdf2 embeds it once however many pages draw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.constants
from PIL import Image

from cafepol_tui.services.validation import web_address, without_tracking

# The meeting editor keeps event pages at version 8 or less (0.5 mm modules at 30 mm:
# `services.validation.clean_event_url`); a longer address saved before that check still
# prints up to version 10 (0.46 mm at 30 mm) rather than being replaced by the zone's page.
MAX_VERSION = 10
QUIET_ZONE = 4
PIXELS_PER_MODULE = 8  # crisp edges whatever the viewer's or printer's scaling


@dataclass(frozen=True)
class EventLink:
    """What a document links to: the URL, whether it is the meeting's own page, and its QR."""

    url: str | None
    own_page: bool
    image: Image.Image | None


@lru_cache(maxsize=256)
def qr_image(url: str) -> Image.Image | None:
    """The QR of `url` as a 1-bit PIL image with its quiet zone, or None if it can't be scanned."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=PIXELS_PER_MODULE,
        border=QUIET_ZONE,
    )
    code.add_data(url)
    try:
        code.make(fit=True)
    except Exception:  # qrcode raises DataOverflowError past version 40
        return None
    if code.version > MAX_VERSION:
        return None
    image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("1")


def event_link(event_url: str | None, fallback_url: str | None) -> EventLink:
    """The meeting's own page if it has one, else the zone's page, else nothing; an event
    page too long for a scannable code gives no code (`image` None), not the zone's."""
    own = web_address(event_url)
    if own:
        own = without_tracking(own)  # a link saved before the editor dropped them
        # Too long to scan (saved before the editor refused such links): no code at all,
        # never the zone's page in its place as if it were the event's.
        return EventLink(own, True, qr_image(own))
    fallback = web_address(fallback_url)
    if fallback and (image := qr_image(fallback)) is not None:
        return EventLink(fallback, False, image)
    return EventLink(None, False, None)
