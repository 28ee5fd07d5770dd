"""Show what someone typed without letting it steer the terminal, and refuse absurd file names.

A message that echoes input (a path, a commune, a code) goes to a terminal and to the log: a
newline there forges a second line, an ESC sequence recolours or rewrites the screen, and a
100,000-character argument buries the message. `shown` escapes every control character the way
`repr` does and shortens long echoes; `one_line` does the same for a whole message, so that a
refusal is always exactly one line whatever the services put in it.

Nothing here imports peewee or Textual: the settings, the database layer and the CLI use it.
"""

from __future__ import annotations

import os
import unicodedata

from cafepol_tui.i18n import translator

_ = translator("messages")

# Control (Cc: C0, DEL, C1 with ESC and CSI), format (Cf: bidi overrides, zero-width), surrogate
# (Cs: undecodable bytes), private use (Co), unassigned (Cn) and the line/paragraph separators
# (Zl, Zp) that `str.splitlines` also breaks on.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

SHOWN_MAX = 120  # characters of one echoed value
LINE_MAX = 600  # characters of a whole one-line message

NAME_MAX_BYTES = 255  # one file or folder name (Linux NAME_MAX)
PATH_MAX_BYTES = 4095  # a whole path (Linux PATH_MAX, without the final NUL)


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """`value` as text that is safe to echo: controls escaped (\\n, \\x1b…), at most `limit`
    characters kept (then « … [N characters] »)."""
    text = str(value)
    if len(text) <= limit:
        return _escape(text)
    return _escape(text[:limit]) + "… " + _("[{count} characters]").format(count=len(text))


def one_line(message: str, limit: int = LINE_MAX) -> str:
    """A whole message on one safe line: controls escaped; when too long, its beginning and end
    are kept around « … » (the start says what went wrong, the end often how to fix it)."""
    if len(message) <= limit:
        return _escape(message)
    head = limit * 2 // 3
    tail = limit - head
    return _escape(message[:head]) + " … " + _escape(message[-tail:])


def has_unsafe_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in text)


def is_valid_utf8(text: str) -> bool:
    """False when `text` holds bytes that were not UTF-8 (Python keeps them as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def path_problem(text: str) -> str | None:
    """Why `text` can't be a file path (empty, NUL, a name over 255 bytes, over 4095 bytes in
    all), or None. The operating system would refuse these with errors that are easy to
    mishandle (ValueError, ENAMETOOLONG from a mere `exists()`)."""
    if not text.strip():
        return _("an empty file name")
    if "\0" in text:
        return _("a file name can't contain a NUL character")
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:
        return _("the file name is not valid text")
    if len(raw) > PATH_MAX_BYTES:
        return _("the path is too long ({size} bytes, {max} at most)").format(
            size=len(raw), max=PATH_MAX_BYTES
        )
    for part in raw.split(b"/"):
        if len(part) > NAME_MAX_BYTES:
            return _("a file or folder name is too long ({size} bytes, {max} at most)").format(
                size=len(part), max=NAME_MAX_BYTES
            )
    return None
