#!/bin/sh
# Login shell of the `cafepol` user for the autologin alternative (see README.md).
# There is no interactive shell behind it: when the kiosk exits, the session ends and
# getty starts a new one, so nobody is ever left facing a prompt.
# Files the kiosk writes (database, backups, PDFs, log) are for this user only.
umask 077
export CAFEPOL_CONFIG=/etc/cafepol/config.toml
export LANG=C.UTF-8
exec /opt/cafepol/venv/bin/cafepol run
