"""`cafepol serve`: the same kiosk in a web browser, through textual-serve.

Each browser tab gets its own kiosk process (textual-serve starts `python -m cafepol_tui run`
per connection), so staff mode, its PIN gate and the idle reset work exactly as on the counter
terminal. The database URL reaches those processes through `CAFEPOL_DB` in their environment,
never on a command line where `ps` would show a password.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys

from cafepol_tui.db.engine import DatabaseUnreachableError
from cafepol_tui.db.open import open_database
from cafepol_tui.i18n import translator
from cafepol_tui.settings import Settings

_ = translator("messages")


class ServeError(Exception):
    """Can't serve (bad address, port taken, textual-serve missing)."""


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback one (127.0.0.0/8, ::1)."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise ServeError(
            _("--host {host}: unknown address ({error})").format(host=host, error=exc.strerror)
        ) from None
    return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def exposure_warning(host: str, port: int) -> str | None:
    if is_loopback(host):
        return None
    return _(
        "warning: serving on {host}:{port}, reachable from the network, in clear HTTP. "
        "The staff PIN still guards staff mode; allow only the office PCs/tablets in the "
        "firewall, or put a TLS proxy in front."
    ).format(host=host, port=port)


def kiosk_command(config: str | None = None, lang: str | None = None) -> str:
    """The shell command textual-serve runs for each browser connection: the same --config and
    --lang, never the database URL."""
    parts = [sys.executable, "-m", "cafepol_tui"]
    if config:
        parts += ["--config", os.path.abspath(os.path.expanduser(config))]
    if lang:
        parts += ["--lang", lang]
    parts.append("run")
    return shlex.join(parts)


def check_port(host: str, port: int) -> None:
    if not 1 <= port <= 65535:
        raise ServeError(_("--port {port}: give a port between 1 and 65535").format(port=port))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        raise ServeError(
            _("can't listen on {host}:{port}: {error}").format(
                host=host, port=port, error=exc.strerror
            )
        ) from None
    finally:
        probe.close()


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    public_url: str | None = None,
    config: str | None = None,
    lang: str | None = None,
) -> None:
    """Serve the kiosk on `host`:`port` until stopped; each kiosk process started with
    `config` and `lang` (the command line's --config and --lang)."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ServeError(
            _("textual-serve is not installed (pip install textual-serve)")
        ) from None
    check_port(host, port)
    url = settings.resolved_database_url
    from cafepol_tui.services.zone import UNNAMED_ZONE, zone_profile

    zone = settings.zone_name
    try:
        db = open_database(url)  # create or upgrade the schema once, before any tab connects
        with db.connection_context():
            zone = zone_profile(settings).name  # the zone file's, over the config's
    except DatabaseUnreachableError as exc:
        # Serve anyway: each kiosk shows its outage screen and retries by itself.
        print(_("cafepol: {error} (the kiosks will retry)").format(error=exc), file=sys.stderr)
    warning = exposure_warning(host, port)
    if warning:
        print(warning, file=sys.stderr)
    os.environ["CAFEPOL_DB"] = url
    server = Server(
        kiosk_command(config, lang),
        host=host,
        port=port,
        title=f"CaféPol — {zone}" if zone and zone != UNNAMED_ZONE else "CaféPol",
        public_url=public_url,
    )
    server.serve()
