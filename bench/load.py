"""Closed-loop HTTP load for the throughput benchmark, in a process of its own.

N clients, each sending its next request when the answer to its last one arrives. The clients
start spread evenly over one `--ramp` (the vendor's delay), the phase a closed loop settles
into; the figures count the requests begun in the `--seconds` after that. `--cold` measures
the cold start instead: N first requests sent at one instant, each on a new connection; a
server absorbing N requests at once is a different figure from one serving N clients.

Each request carries a unique posting (the config's `head` + run tag + counter + `tail`,
so the result cache never answers) and the next API user's token. A connection is kept while
the server keeps it (HTTP/1.1 keep-alive) and opened again when it closes. Prints one JSON
line of figures.

    python -m bench.load CONFIG.json --concurrency 100 --seconds 30 --ramp 1.0 [--cold]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    status_errors: int = 0
    connect_errors: int = 0
    read_errors: int = 0
    timeouts: int = 0
    answered_in_window: int = 0
    sent: int = 0  # every request, timed or not
    first_errors: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.first_errors) < 5:
            self.first_errors.append(detail[:400])

    def figures(self, seconds: float) -> dict:
        ordered = sorted(self.latencies)

        def percentile(q: float) -> float:
            if not ordered:
                return 0.0
            return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

        errors = self.status_errors + self.connect_errors + self.read_errors + self.timeouts
        return {
            "requests": len(ordered) + errors,
            "sent": self.sent,
            "ok_rps": self.answered_in_window / seconds if seconds else 0.0,
            "errors": errors,
            "status_errors": self.status_errors,
            "connect_errors": self.connect_errors,
            "read_errors": self.read_errors,
            "timeouts": self.timeouts,
            "p50": percentile(50),
            "p90": percentile(90),
            "p99": percentile(99),
            "max": ordered[-1] * 1000 if ordered else 0.0,
            "first_errors": self.first_errors,
        }


class Client:
    """One closed-loop client: one connection at a time, one request in flight."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Status and body. A kept-alive connection that fails at once was closed by the
        server while idle (its keep-alive timeout): the request goes again, once, on a new
        one, and its latency covers both tries."""
        reused = self.writer is not None
        try:
            return await asyncio.wait_for(self._exchange(request), self.timeout)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
        return await asyncio.wait_for(self._exchange(request), self.timeout)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            try:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            except OSError as exc:
                raise ConnectError(str(exc)) from exc
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close" or status_line.startswith("HTTP/1.0"):
            self.close()
        return int(status_line.split(" ", 2)[1]), body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class ConnectError(Exception):
    pass


class Requests:
    """The next request: a unique posting and the next API user's token."""

    def __init__(self, config: dict, tag: str) -> None:
        parts = urlsplit(config["url"])
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.config, self.tag, self.counter = config, tag, 0

    def next(self) -> bytes:
        self.counter += 1
        tokens = self.config["tokens"]
        body = (self.config["head"] + f"{self.tag}-{self.counter}" + self.config["tail"]).encode()
        return (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Token {tokens[self.counter % len(tokens)]}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body


async def _one(
    client: Client, requests: Requests, tally: Tally, *, timed: bool = True
) -> tuple[float, bool]:
    """Sends one request; returns when it ended (perf_counter) and whether it was answered
    well. Errors always count; the latency only when `timed`."""
    started = time.perf_counter()
    tally.sent += 1
    try:
        status, body = await client.send(requests.next())
    except ConnectError as exc:
        tally.error("connect_errors", f"connect: {exc}")
    except TimeoutError:
        client.close()
        tally.error("timeouts", f"no answer in {client.timeout:g} s")
    except (ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        client.close()
        tally.error("read_errors", f"read: {type(exc).__name__}: {exc}")
    else:
        if status < 300:
            if timed:
                tally.latencies.append(time.perf_counter() - started)
            return time.perf_counter(), True
        tally.error("status_errors", f"HTTP {status}: {body[:400].decode(errors='replace')}")
    return time.perf_counter(), False


async def cold_start(requests: Requests, concurrency: int, timeout: float) -> dict:
    """N first requests at one instant, each on a new connection."""
    tally = Tally()
    clients = [Client(requests.host, requests.port, timeout) for _ in range(concurrency)]
    started = time.perf_counter()
    await asyncio.gather(*(_one(c, requests, tally) for c in clients))
    tally.answered_in_window = len(tally.latencies)
    for client in clients:
        client.close()
    return tally.figures(time.perf_counter() - started)


async def steady(
    requests: Requests, concurrency: int, seconds: float, ramp: float, timeout: float
) -> dict:
    tally = Tally()
    begin = time.perf_counter()
    window_start, window_end = begin + ramp, begin + ramp + seconds

    async def run_client(index: int) -> None:
        client = Client(requests.host, requests.port, timeout)
        await asyncio.sleep(ramp * index / concurrency)
        while (now := time.perf_counter()) < window_end:
            # Latencies of the requests begun in the window; the rate of the answers
            # that arrived in it, whenever they were asked.
            ended, ok = await _one(client, requests, tally, timed=now >= window_start)
            if ok and window_start <= ended <= window_end:
                tally.answered_in_window += 1
        client.close()

    await asyncio.gather(*(run_client(i) for i in range(concurrency)))
    return tally.figures(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", help="JSON file: url, tokens, head, tail")
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--ramp", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--tag", default=str(time.time_ns()))
    parser.add_argument("--cold", action="store_true", help="the cold start instead")
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    requests = Requests(config, args.tag)
    if args.cold:
        figures = cold_start(requests, args.concurrency, args.timeout)
    else:
        figures = steady(requests, args.concurrency, args.seconds, args.ramp, args.timeout)
    print(json.dumps(asyncio.run(figures)), flush=True)


if __name__ == "__main__":
    main()
