"""The `cafepol` command and `python -m cafepol_tui`."""

from __future__ import annotations

import gc
import os
import sys

# Every file the program writes (database, WAL, backups, exports, PDFs, logs) holds personal
# data: readable by its own user only, whoever starts it (the systemd units say UMask=0077 too).
PRIVATE_UMASK = 0o077


def main() -> int:
    """The command line, with the cyclic garbage collector held back while the program loads.

    Loading allocates a few hundred thousand objects that live as long as the process (modules,
    classes, peewee models, Babel's calendars); the collector would walk them again and again
    for no garbage, some 40 ms of the kiosk's start-up. `cafepol run` freezes them out of its
    way (`gc.freeze`) and turns it back on before the first screen; other commands are short.
    The umask is set first, before anything can create a file. psycopg is imported by the first
    PostgreSQL database rather than with peewee: a SQLite kiosk never pays for it (pg_driver).
    """
    os.umask(PRIVATE_UMASK)
    gc.disable()
    try:
        from cafepol_tui.pg_driver import defer_psycopg

        defer_psycopg()  # before anything imports peewee
        from cafepol_tui.cli import main as cli_main

        return cli_main()
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
