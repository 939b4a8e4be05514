"""The fault suite's OpenAI double, in a process of its own, switched between behaviours.

Prints its base URL on the first line of stdout, then reads commands on stdin, one a line,
answering each with one line:

- `mode normal`: every call answered after 1.0 s (a job posting's JSON, 520 + 180 tokens);
- `mode hang`: calls are read and never answered, until the mode changes (then reset);
- `mode reset`: calls are read, then the connection is reset (TCP RST);
- `mode cut`: a streamed call gets its first piece and the connection drops; any other
  gets a body cut off in the middle;
- `count`: chat completion calls received so far for users (every mode counts what reached
  it); the server's own credentials tests (its fixed prompt) are left out, as their rows
  belong to no user.

    python -m bench.faults.double
"""

from __future__ import annotations

import io
import re
import socket
import struct
import sys
import threading

from bench.postings import job_json
from tests.support.doubles import Reply, VendorDouble
from tests.support.doubles.streams import StreamReply, wants_stream
from tests.support.doubles.vendors import _Handler

VENDOR_DELAY = 1.0
# The credentials test's fixed prompt (orchestrator.gateway.provider_test), as JSON sends it.
OWN_CALL = b"Reply with the word OK."
HANG_LIMIT = 600.0  # seconds; a hang never outlives the suite
REFERENCE = re.compile(rb"Internal reference ([\w.-]+?)\.")


class FaultDouble(VendorDouble):
    def __init__(self) -> None:
        super().__init__("openai")
        self.fault = "normal"
        self.calls = 0
        self.released = threading.Event()
        self.default = self._reply

    def _reply(self, seen) -> Reply | StreamReply:
        if self.fault == "cut":
            if wants_stream("openai", seen):
                return StreamReply.of("Dear hiring team, " * 20, fail_after=1, failure="cut")
            return Reply.malformed()
        answer = Reply.ok(job_json(), input_tokens=520, output_tokens=180)
        return Reply.slow(VENDOR_DELAY, then=answer)

    def set_mode(self, mode: str) -> None:
        if mode not in ("normal", "hang", "reset", "cut"):
            raise ValueError(mode)
        if mode == "hang":
            self.released = threading.Event()
        else:
            self.released.set()
        self.fault = mode


class FaultHandler(_Handler):
    def _handle(self) -> None:
        double: FaultDouble = self.server.double
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        self.rfile = io.BytesIO(raw)  # read again by the double's own handler
        if self.command == "POST" and self.path.endswith("/chat/completions"):
            if OWN_CALL not in raw:
                with double._lock:
                    double.calls += 1
                # Which request it was (the load's "Internal reference" tag; a letter has
                # none), in the log kept with FAULTS_KEEP: a call no usage row answers for can
                # be traced to the fault and client that made it.
                found = REFERENCE.search(raw)
                print(found.group(1).decode() if found else "-", file=sys.stderr, flush=True)
        if double.fault not in ("hang", "reset"):
            super()._handle()
            return
        if double.fault == "hang":
            double.released.wait(HANG_LIMIT)
        # SO_LINGER 0: closing sends RST instead of FIN, as a vendor's broken proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    do_POST = do_GET = _handle


def main() -> None:
    double = FaultDouble().start()
    double._server.RequestHandlerClass = FaultHandler
    print(double.base_url, flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["mode"] and len(words) == 2:
            double.set_mode(words[1])
            print("ok", flush=True)
        elif words == ["count"]:
            print(double.calls, flush=True)
        else:
            print(f"unknown command: {line.strip()}", flush=True)
    double.released.set()
    double.stop()


if __name__ == "__main__":
    main()
