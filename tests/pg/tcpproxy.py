"""A TCP relay in front of PostgreSQL that a test can cut (outage) and restore, or freeze.

Cut: every connection is dropped and new ones refused, as when the server is down. Freeze: the
relay keeps every connection open, accepts new ones, and forwards nothing in either direction, as
a link left half-open by the network (or a server that hangs) looks from the kiosk: no error, no
answer. `freeze_on(marker)` freezes the moment a client sends bytes containing `marker` (say
``b"COMMIT"``): that message is held, and forwarded when the relay thaws.
"""

from __future__ import annotations

import select
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        self.up = True
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._marker: bytes | None = None
        self.frozen_at = threading.Event()  # set when a freeze_on marker froze the relay
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # the "server" is unreachable: refuse at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                self._flowing.wait()
                readable, _, _ = select.select([a, b], [], [], 0.5)
                for sock in readable:
                    self._flowing.wait()  # frozen meanwhile: read nothing more
                    data = sock.recv(65536)
                    if not data:
                        raise OSError
                    if sock is a and self._marker is not None and self._marker in data:
                        self._marker = None
                        self.freeze()
                        self.frozen_at.set()
                        self._flowing.wait()  # hold the message until the thaw
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.up = False
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for sock in (a, b):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def restore(self) -> None:
        self.up = True

    def freeze(self) -> None:
        """Forward nothing more, in either direction, on any connection; drop none."""
        self._flowing.clear()

    def freeze_on(self, marker: bytes) -> None:
        """Freeze as soon as a client sends `marker` (that message is held until `thaw`)."""
        self.frozen_at.clear()
        self._marker = marker

    def thaw(self) -> None:
        self._marker = None
        self._flowing.set()

    def close(self) -> None:
        self.thaw()
        self.cut()
        self.listener.close()
