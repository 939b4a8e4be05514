"""Benchmark 7: time to the first event of a streamed cover letter, per vendor, A/B interleaved.

A = the bare SDK stream to the vendor double (the adapter's own cached client, the request it
sends), timed to the first chunk carrying text;
B = `POST /api/v1/cover-letter/generate` with `Accept: text/event-stream` and token auth,
through Django's whole stack in process (middleware, DRF, throttles, the letter service, the
gateway's plan, rules, chain, breaker and quota reservation, the vendor stream), timed to the
first server-sent event. `force` keeps the result cache out of it. Each stream is read to its
end (the letter saved, the usage row written) outside the timing. The double streams the
letter in 24-character pieces. C = the gateway alone (orchestrator.gateway.stream), to its
first piece.

    python -m bench.streaming [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bench import env
from bench.stats import ms, phase_main, record, summary, table

VENDORS = ("openai", "anthropic", "gemini")
TARGET_MS = 5.0  # added at p50 to the bare SDK's first chunk


def _nothing() -> None:
    pass


def bare_stream(
    vendor: str,
    api_key: str,
    base_url: str,
    model: str,
    prompt: str,
    *,
    begin: Callable[[], None] = _nothing,
    reached: Callable[[], None] = _nothing,
) -> Callable:
    """The bare SDK's stream with the adapter's client; returns a call that times the first
    text chunk, then reads the stream to its end (as a served stream is). `begin` and `reached`
    run as the timing starts and at the first text chunk (the instruction counts use them)."""
    from django.conf import settings

    timeout = settings.AI_TIMEOUTS.get("cover_letter", settings.AI_TIMEOUTS["default"])
    max_tokens = settings.AI_DEFAULT_MAX_TOKENS
    if vendor == "openai":
        from orchestrator.providers.openai import OpenAIAdapter

        client = OpenAIAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client
        messages = [{"role": "user", "content": prompt}]

        def chunks():
            for chunk in client.chat.completions.create(
                model=model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
            ):
                yield any(c.delta and c.delta.content for c in chunk.choices)

    elif vendor == "anthropic":
        from orchestrator.providers.anthropic import AnthropicAdapter

        client = AnthropicAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client
        content = [{"role": "user", "content": [{"type": "text", "text": prompt}]}]

        def chunks():
            for event in client.messages.create(
                model=model, max_tokens=max_tokens, messages=content, stream=True
            ):
                yield event.type == "content_block_delta"

    else:
        from google.genai import types

        from orchestrator.providers.gemini import GeminiAdapter

        client = GeminiAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client

        def chunks():
            for chunk in client.models.generate_content_stream(
                model=model, contents=[prompt], config=types.GenerateContentConfig()
            ):
                yield bool(chunk.text)

    def first_text_ms() -> float:
        begin()
        started = time.perf_counter()
        first = None
        for has_text in chunks():
            if first is None and has_text:
                first = (time.perf_counter() - started) * 1000
                reached()
        return first

    return first_text_ms


def served_stream(
    client: Any,
    job_id: int,
    vendor: str,
    *,
    begin: Callable[[], None] = _nothing,
    reached: Callable[[], None] = _nothing,
) -> Callable:
    """The endpoint's stream; returns a call that times the first event, then reads the rest
    and checks the letter was written by the vendor and saved. `begin` and `reached` as
    bare_stream's."""
    url = "/api/v1/cover-letter/generate"
    body = {"job_id": job_id, "force": True}

    def first_event_ms() -> float:
        begin()
        started = time.perf_counter()
        response = client.post(url, body, format="json", HTTP_ACCEPT="text/event-stream")
        events = iter(response.streaming_content)
        first_event = next(events)
        elapsed = (time.perf_counter() - started) * 1000
        reached()
        rest = b"".join(events).decode()
        start = json.loads(first_event.decode().split("data: ", 1)[1])
        if start.get("provider") != vendor or start.get("cached") or "event: done" not in rest:
            raise RuntimeError(
                f"the stream was not a fresh letter from the {vendor} double: the figure "
                f"would lie ({first_event!r} ... {rest[-200:]!r})"
            )
        return elapsed

    return first_event_ms


def gateway_stream(user: Any, request: Any, vendor: str) -> Callable:
    """The gateway alone (orchestrator.gateway.stream of the letter's AIRequest, as the
    non-streaming overhead benchmark measures generate()): timed to its first piece, then read
    to the end."""
    from orchestrator.gateway import stream as gateway_stream

    def first_piece_ms() -> float:
        started = time.perf_counter()
        stream = gateway_stream(request, user=user, use_cache=False)
        pieces = iter(stream)
        next(pieces)
        elapsed = (time.perf_counter() - started) * 1000
        for _ in pieces:
            pass
        if stream.provider != vendor or stream.result is None:
            raise RuntimeError(f"the gateway's stream did not come from the {vendor} double")
        return elapsed

    return first_piece_ms


def interleaved(bare: Callable, served: Callable, n: int) -> tuple[list, list]:
    """n pairs; even pairs run A first, odd ones B first, so drift and order effects cancel."""
    a_ms, b_ms = [], []
    for i in range(n):
        if i % 2 == 0:
            a, b = bare(), served()
        else:
            b, a = served(), bare()
        a_ms.append(a)
        b_ms.append(b)
    return a_ms, b_ms


def letter_setup(prefix: str) -> tuple[Any, Any, Any, Any, str, Any]:
    """A bench user with an API token, the rich profile and a backend job; returns (user, API
    client, job, the letter's AIRequest, the prompt the gateway renders from it, the double's
    streamed letter)."""
    from rest_framework.test import APIClient

    from bench import fixtures
    from cvs.services import profile_update
    from jobs.models import Job
    from letters.services import cover_letter_request
    from orchestrator.registry import prompt_choose
    from tests.fixtures.letters import GOOD_LETTER
    from tests.fixtures.profiles import BACKEND_JOB, RICH
    from tests.support.doubles import StreamReply

    user = fixtures.bench_user(f"{prefix}0000")
    (token,) = fixtures.bench_users_with_tokens(prefix, 1)
    profile = profile_update(user=user, data=RICH)
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    client = APIClient(HTTP_HOST="127.0.0.1")  # one of production's ALLOWED_HOSTS
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    request = cover_letter_request(
        master_profile=profile.data, job_data=BACKEND_JOB, tone="professional"
    )
    # The bare SDK sends the prompt the gateway sends: the task's prompt version rendered over
    # the request's variables (the gateway renders it when the call opens).
    prompt = prompt_choose(request.task, user).render(request.variables, request.prompt)
    if str(BACKEND_JOB["title"]) not in prompt:
        raise RuntimeError("the bare stream would not send the letter's prompt: a false figure")
    letter = StreamReply.of(json.dumps(GOOD_LETTER), size=24, input_tokens=900, output_tokens=400)
    return user, client, job, request, prompt, letter


def run(*, quick: bool) -> tuple[list[dict], str]:

    from bench import fixtures
    from tests.support.doubles import VendorDouble

    n = 150 if quick else 600
    warmup = 20 if quick else 60
    fixtures.clean_start()
    user, client, job, request, prompt, letter = letter_setup("bench-streaming")
    doubles = {vendor: VendorDouble(vendor).start() for vendor in VENDORS}
    records: list[dict] = []
    rows = []
    try:
        configs = fixtures.provider_configs({v: d.base_url for v, d in doubles.items()})
        for vendor in VENDORS:
            config, key = configs[vendor]
            doubles[vendor].expect_key = key
            doubles[vendor].default = letter
            fixtures.activate_only(vendor)
            bare = bare_stream(vendor, key, config.base_url, config.fast_model, prompt)
            served = served_stream(client, job.pk, vendor)
            gateway = gateway_stream(user, request, vendor)
            interleaved(bare, served, warmup)
            a_ms, b_ms = interleaved(bare, served, n)
            interleaved(bare, gateway, warmup)
            a2_ms, c_ms = interleaved(bare, gateway, n)
            over = [b - a for a, b in zip(a_ms, b_ms, strict=True)]
            over_c = [c - a for a, c in zip(a2_ms, c_ms, strict=True)]
            sa, sb, so, sc = summary(a_ms), summary(b_ms), summary(over), summary(over_c)
            rows.append(
                (
                    vendor,
                    n,
                    *(ms(sa[k]) for k in ("p50", "p95")),
                    *(ms(sb[k]) for k in ("p50", "p95")),
                    *(ms(so[k]) for k in ("p50", "p95", "p99")),
                    *(ms(sc[k]) for k in ("p50", "p95")),
                )
            )
            g = "streaming"
            records += [
                record(f"gateway first piece added C-A p50 ({vendor})", sc["p50"], "ms", group=g),
                record(f"gateway first piece added C-A p95 ({vendor})", sc["p95"], "ms", group=g),
                record(f"A bare SDK first chunk p50 ({vendor})", sa["p50"], "ms", group=g),
                record(f"B endpoint first event p50 ({vendor})", sb["p50"], "ms", group=g),
                record(
                    f"first event added B-A p50 ({vendor})",
                    so["p50"],
                    "ms",
                    target=f"<= {TARGET_MS:g} ms",
                    check=lambda v: v <= TARGET_MS,
                    group=g,
                ),
                record(f"first event added B-A p95 ({vendor})", so["p95"], "ms", group=g),
            ]
            print(
                f"streaming {vendor}: A first chunk p50 {sa['p50']:.2f} ms, B first event p50 "
                f"{sb['p50']:.2f} ms, B-A p50 {so['p50']:.2f} p95 {so['p95']:.2f} ms; "
                f"gateway C-A p50 {sc['p50']:.2f} p95 {sc['p95']:.2f} ms",
                flush=True,
            )
    finally:
        for double in doubles.values():
            double.stop()

    header = (
        "vendor",
        "pairs",
        "A p50",
        "A p95",
        "B p50",
        "B p95",
        "B−A p50",
        "B−A p95",
        "B−A p99",
        "C−A p50",
        "C−A p95",
    )
    markdown = "\n\n".join(
        [
            "### 8. Time to the first event of a streamed letter (ms)",
            "A = bare SDK stream to the loopback double, to its first text chunk; B = "
            "`POST /api/v1/cover-letter/generate` with `Accept: text/event-stream` (token auth, "
            "the whole Django stack in process, `force` so no cache), to its first event. "
            "Pairs interleaved, order alternating; each stream read to its end outside the "
            "timing. Target: B−A p50 ≤ 5 ms. C = the gateway alone "
            "(`orchestrator.gateway.stream`, no HTTP, auth, throttles or job and "
            "profile lookups) to its first piece, in its own interleaved pairs with A.",
            table(header, rows),
        ]
    )
    return records, markdown


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
