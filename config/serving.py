"""The production server's worker (`make serve`): gunicorn's threaded worker, with slow
clients kept in its event loop instead of in its threads.

gunicorn's `gthread` worker hands a connection to a thread as soon as its first byte arrives,
and the thread then blocks until the whole request head is in: 80 slowloris connections
(one header byte now and then) hold 80 threads for as long as they like, and every other
request queues behind them. After answering a `Connection: close` request it closes the socket
gracefully in its main thread, waiting up to 2 s per connection for the client to close first:
120 clients that never close stall the process for minutes.

This worker reads each request (head and body, up to `BODY_BUFFER_LIMIT`) with non-blocking
reads in the worker's own event loop, and only a complete request reaches a thread: a thread
never waits on a client's network, so the 64 threads per process stay free for the views (which
wait on vendors, the reason for threads at all). A request not complete within
`REQUEST_TIMEOUT` of its first byte is dropped. The graceful close lingers in the event loop
too (half-close, drain, close when the client does or after 2 s). What a buffering proxy
(nginx) would do in front, without a second server to run.
"""

from __future__ import annotations

import errno
import re
import selectors
import socket
import time
from functools import partial

from gunicorn.workers import gthread

# A request's head and body must arrive within this many seconds of its first byte.
REQUEST_TIMEOUT = 30.0
# Bodies up to this size are read in the event loop; a larger one (an upload beyond any limit
# of ours) is handed to a thread once its head is in, and the view refuses it.
BODY_BUFFER_LIMIT = 16 * 1024 * 1024
# A head longer than gunicorn allows is handed on at once for the parser to refuse.
HEAD_LIMIT = 64 * 1024
# How long a graceful close waits for the client to close, and how much it drains meanwhile
# (gunicorn's own close_graceful: 2 s, 64 KB).
LINGER_SECONDS, LINGER_DRAIN = 2.0, 64 * 1024

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d+)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.IGNORECASE)
_EXPECT_CONTINUE = re.compile(rb"\r\nexpect[ \t]*:[ \t]*100-continue", re.IGNORECASE)


def request_complete(data: bytes | bytearray) -> bool:
    """Whether `data` holds a request a thread can serve without waiting on the client: the
    whole head, and the whole body when its length is known and within the buffer limit."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > HEAD_LIMIT
    head = bytes(data[:end])
    if _CHUNKED.search(head) or _EXPECT_CONTINUE.search(head):
        return True  # the body's length is unknown, or the client waits for our "100 Continue"
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        return True
    return len(data) - end - 4 >= min(int(length.group(1)), BODY_BUFFER_LIMIT)


class BufferedConn(gthread.TConn):
    """A connection with the request bytes the event loop has read ahead of the parser."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read_ahead = bytearray()
        self.deadline = 0.0
        self.drained = 0
        self.linger = None  # the worker's non-blocking graceful close

    def init(self) -> None:
        super().init()
        if self.read_ahead and self.parser is not None:
            self.parser.unreader.unread(bytes(self.read_ahead))
            self.read_ahead = bytearray()

    def close(self, graceful: bool = False) -> None:
        if graceful and self.linger is not None:
            self.linger(self)
        else:
            super().close(graceful)


class BufferedThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker whose event loop, not its threads, waits on clients."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Connections by deadline (a dict keeps insertion order, and every entry gets the same
        # timeout, so the first entry expires first).
        self.reading: dict[BufferedConn, None] = {}
        self.lingering: dict[BufferedConn, None] = {}

    def accept(self, listener: socket.socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = BufferedConn(self.cfg, client_sock, client_addr, listener.getsockname())
        conn.linger = self.linger
        if self.cfg.is_ssl:  # TLS bytes are the thread's to unwrap: gthread's own way
            self.enqueue_req(conn)
            return
        self._await_request(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_request_bytes, conn))

    def on_client_socket_readable(self, conn: BufferedConn, client: socket.socket) -> None:
        """A kept-alive connection's next request starts: read it here as well."""
        if self.cfg.is_ssl:
            super().on_client_socket_readable(conn, client)
            return
        self.keepalived_conns.remove(conn)
        self._await_request(conn)
        self.poller.modify(client, selectors.EVENT_READ, partial(self.on_request_bytes, conn))
        self.on_request_bytes(conn, client)

    def _await_request(self, conn: BufferedConn) -> None:
        conn.deadline = time.monotonic() + REQUEST_TIMEOUT
        self.reading[conn] = None

    def on_request_bytes(self, conn: BufferedConn, client: socket.socket) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before finishing its request
            self._forget(conn, self.reading)
            return
        conn.read_ahead += data
        if request_complete(conn.read_ahead):
            self.reading.pop(conn, None)
            self.poller.unregister(conn.sock)
            conn.data_ready = True
            self.enqueue_req(conn)

    def linger(self, conn: BufferedConn) -> None:
        """Close as RFC 9112 9.6 asks (send FIN, read until the client closes too) without
        blocking the event loop: the socket waits in the poller for at most LINGER_SECONDS."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_linger, conn))
        except (OSError, ValueError, KeyError):
            gthread.util.close(conn.sock)
            return
        conn.deadline, conn.drained = time.monotonic() + LINGER_SECONDS, 0
        self.nr_conns += 1  # counted while it lingers (finish_request already let it go)
        self.lingering[conn] = None

    def on_linger(self, conn: BufferedConn, client: socket.socket) -> None:
        try:
            data = conn.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained >= LINGER_DRAIN:
            self._forget(conn, self.lingering)

    def _forget(self, conn: BufferedConn, table: dict) -> None:
        table.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass
        self.nr_conns -= 1
        gthread.util.close(conn.sock)

    def murder_pending(self) -> None:
        """Also drop requests not complete in time, and end lingering closes; a stopping
        worker drops unfinished requests at once (no thread has started on them)."""
        super().murder_pending()
        now = time.monotonic()
        for table, everything in ((self.reading, not self.alive), (self.lingering, False)):
            while table:
                conn = next(iter(table))
                if conn.deadline > now and not everything:
                    break
                self._forget(conn, table)
