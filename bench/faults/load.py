"""The fault suite's clients: closed loops (send, wait for the answer, send again), one API
user each, bounded in requests and in time, on loopback.

Each request is one of three kinds:
- `extract`: POST /api/v1/job-extractor/extract with a posting no one sent before (the result
  cache never answers);
- `async`: the same with `?async=1` (a Celery task; the answer is 202 and the task's id);
- `letter`: a streamed cover letter (`Accept: text/event-stream`) for the user's job, which
  survives only if its stream ends without an `error` event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass

import httpx

from bench.postings import posting
from bench.throughput import serve_command


@dataclass(frozen=True)
class Outcome:
    status: int  # 0: no answer (connection refused or reset, or no answer within the timeout)
    error_code: str = ""
    retry_after: bool = False
    seconds: float = 0.0
    task_id: str = ""
    stream_failed: bool = False
    client: int = 0  # which client sent it

    @property
    def survived(self) -> bool:
        return 200 <= self.status < 300 and not self.stream_failed


@dataclass(frozen=True)
class Client:
    token: str
    job_id: int = 0


def _request(kind: str, client: Client, tag: str) -> dict:
    headers = {"Authorization": f"Bearer {client.token}"}
    if kind == "letter":
        headers["Accept"] = "text/event-stream"
        body = {"job_id": client.job_id, "tone": "professional", "force": True}
        return {"url": "/api/v1/cover-letter/generate", "json": body, "headers": headers}
    text = posting(hash(tag) % 1000) + f"\nInternal reference {tag}."
    url = "/api/v1/job-extractor/extract" + ("?async=1" if kind == "async" else "")
    return {"url": url, "json": {"text": text}, "headers": headers}


async def _send(http: httpx.AsyncClient, kind: str, client: Client, tag: str) -> Outcome:
    began = time.monotonic()
    try:
        async with http.stream("POST", **_request(kind, client, tag)) as response:
            body = await response.aread()
    except (httpx.HTTPError, OSError) as exc:
        return Outcome(0, error_code=type(exc).__name__, seconds=time.monotonic() - began)
    code, task_id, stream_failed = "", "", False
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        stream_failed = b"event: error" in body or b"event: done" not in body
    else:
        try:
            payload = response.json()
            code = payload.get("error_code", "") if isinstance(payload, dict) else ""
            data = payload.get("data") if isinstance(payload, dict) else None
            if isinstance(data, dict):
                task_id = str(data.get("task_id", ""))
        except ValueError:
            code = "NOT_JSON"
    return Outcome(
        response.status_code,
        error_code=code,
        retry_after="retry-after" in response.headers,
        seconds=time.monotonic() - began,
        task_id=task_id,
        stream_failed=stream_failed,
    )


async def _loop(http, kind, client, number, until, most, run_tag, outcomes) -> None:
    for sent in range(most):
        if time.monotonic() >= until:
            return
        outcome = await _send(http, kind, client, f"{run_tag}-{number}-{sent}")
        outcomes.append(dataclasses.replace(outcome, client=number))


def server_keep_alive() -> float:
    """Seconds the server keeps an idle connection open (the Makefile's `--keep-alive`)."""
    command = serve_command(0)
    return float(command[command.index("--keep-alive") + 1])


async def _run(port, kind, clients, seconds, most, timeout, run_tag) -> list[Outcome]:
    outcomes: list[Outcome] = []
    # An idle connection is dropped a second before the server would close it: with both at
    # the same age, a request sent on it as the server closes it gets no answer (ReadError),
    # which would count as lost without the server having seen it.
    limits = httpx.Limits(
        max_connections=len(clients) + 8,
        max_keepalive_connections=len(clients),
        keepalive_expiry=server_keep_alive() - 1,
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=timeout, limits=limits
    ) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _loop(http, kind, client, number, until, most, run_tag, outcomes)
                for number, client in enumerate(clients)
            )
        )
    return outcomes


def run(
    *,
    port: int,
    kind: str,
    clients: list[Client],
    seconds: float,
    most: int,
    timeout: float,
    run_tag: str,
) -> list[Outcome]:
    """Every client sends at most `most` requests and starts none after `seconds`."""
    return asyncio.run(_run(port, kind, clients, seconds, most, timeout, run_tag))


async def _poll(port: int, token: str, task_id: str, until: float) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        while time.monotonic() < until:
            try:
                answer = await http.get(
                    f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {token}"}
                )
                status = (answer.json().get("data") or {}).get("status", "")
            except (httpx.HTTPError, ValueError, AttributeError):
                status = ""
            if status in ("succeeded", "failed"):
                return status
            await asyncio.sleep(1.0)
    return "unfinished"


def task_ends(port: int, tasks: list[tuple[str, str]], seconds: float) -> list[str]:
    """How each (token, task id) ended, as its client polling GET /tasks/{id} sees it."""
    until = time.monotonic() + seconds

    async def every() -> list[str]:
        return await asyncio.gather(*(_poll(port, t, i, until) for t, i in tasks))

    return asyncio.run(every())
