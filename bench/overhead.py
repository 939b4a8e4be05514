"""Benchmark 1: what generate() adds to one AI call, per vendor, measured A/B interleaved.

A = the bare SDK call to the vendor double with the adapter's own (cached) client;
B = orchestrator.services.generate(...) to the same double on PostgreSQL + Redis, the whole
real path: plan, routing rules, provider chain, breaker, quota reserve/settle, usage-log row.
Each B is paired with the A taken right next to it (their order alternates) and the overhead
is the distribution of B_i - A_i. C = a cache hit served by generate().

    python -m bench.overhead [--quick] [--json FILE]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import env
from bench.stats import ms, phase_main, record, summary, table, warn

VENDORS = ("openai", "anthropic", "gemini")
TASK = "extraction"
DOUBLE_LIMIT_MS = 5.0  # above this the double (Nagle, no keep-alive) swamps every figure


def bare_call(vendor: str, api_key: str, base_url: str, model: str, prompt: str) -> Callable:
    """The request the adapter sends, made directly with the adapter's client (one per
    credential, max_retries=0): the same client object generate() will use."""
    from django.conf import settings

    timeout = settings.AI_TIMEOUTS.get(TASK, settings.AI_TIMEOUTS["default"])
    if vendor == "openai":
        from orchestrator.providers.openai import OpenAIAdapter

        client = OpenAIAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client
        messages = [{"role": "user", "content": prompt}]
        return lambda: client.chat.completions.create(model=model, messages=messages)
    if vendor == "anthropic":
        from orchestrator.providers.anthropic import AnthropicAdapter

        client = AnthropicAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client
        content = [{"role": "user", "content": [{"type": "text", "text": prompt}]}]
        max_tokens = settings.AI_DEFAULT_MAX_TOKENS
        return lambda: client.messages.create(model=model, max_tokens=max_tokens, messages=content)
    from google.genai import types

    from orchestrator.providers.gemini import GeminiAdapter

    client = GeminiAdapter(api_key=api_key, base_url=base_url, timeout=timeout).client
    return lambda: client.models.generate_content(
        model=model, contents=[prompt], config=types.GenerateContentConfig()
    )


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def interleaved(bare: Callable, served: Callable, n: int, vendor: str) -> tuple[list, list]:
    """n pairs; even pairs run A first, odd ones B first, so drift and order effects cancel."""
    a_ms, b_ms = [], []
    for i in range(n):
        if i % 2 == 0:
            a, _ = _timed(bare)
            b, result = _timed(served)
        else:
            b, result = _timed(served)
            a, _ = _timed(bare)
        if result.provider != vendor or result.cached:
            raise RuntimeError(
                f"generate() was served by {result.provider} (cached="
                f"{result.cached}), not the {vendor} double: the figure would lie"
            )
        a_ms.append(a)
        b_ms.append(b)
    return a_ms, b_ms


def run(*, quick: bool) -> tuple[list[dict], str]:

    from bench import fixtures
    from bench.postings import posting
    from orchestrator.services import generate
    from tests.support.doubles import VendorDouble

    n = 300 if quick else 2000
    warmup = 30 if quick else 100
    fixtures.clean_start()
    user = fixtures.bench_user("bench-overhead")
    doubles = {vendor: VendorDouble(vendor).start() for vendor in VENDORS}
    records: list[dict] = []
    rows = []
    try:
        configs = fixtures.provider_configs({v: d.base_url for v, d in doubles.items()})
        prompt = posting(1)
        for vendor in VENDORS:
            config, key = configs[vendor]
            doubles[vendor].expect_key = key
            fixtures.activate_only(vendor)
            bare = bare_call(vendor, key, config.base_url, config.fast_model, prompt)

            def served(user=user):
                return generate(user=user, task=TASK, prompt=prompt, use_cache=False)

            check = [_timed(bare)[0] for _ in range(100)]
            p50_check = summary(check)["p50"]
            records.append(
                record(
                    f"double check: bare SDK p50 ({vendor})",
                    p50_check,
                    "ms",
                    target=f"<= {DOUBLE_LIMIT_MS:g} ms",
                    check=lambda v: v <= DOUBLE_LIMIT_MS,
                    group="overhead",
                )
            )
            if p50_check > DOUBLE_LIMIT_MS:
                warn(
                    f"bare {vendor} SDK call to its loopback double takes {p50_check:.1f} ms "
                    "(p50); expected ~2 ms. Nagle/delayed ACK or no keep-alive: every "
                    "overhead figure below is meaningless until this is fixed."
                )
            interleaved(bare, served, warmup, vendor)
            a_ms, b_ms = interleaved(bare, served, n, vendor)
            over = [b - a for a, b in zip(a_ms, b_ms, strict=True)]
            sa, sb, so = summary(a_ms), summary(b_ms), summary(over)
            rows.append(
                (
                    vendor,
                    n,
                    *(ms(sa[k]) for k in ("p50", "p95", "p99")),
                    *(ms(sb[k]) for k in ("p50", "p95", "p99")),
                    *(ms(so[k]) for k in ("p50", "p95", "p99")),
                    ms(sb["p50"] - sa["p50"]),
                )
            )
            g = "overhead"
            for label, s in (("A bare SDK", sa), ("B generate()", sb)):
                for k in ("p50", "p95", "p99"):
                    records.append(record(f"{label} {k} ({vendor})", s[k], "ms", group=g))
            records += [
                record(
                    f"overhead B-A p50 ({vendor})",
                    so["p50"],
                    "ms",
                    target="<= 2 ms",
                    check=lambda v: v <= 2.0,
                    group=g,
                ),
                record(f"overhead B-A p95 ({vendor})", so["p95"], "ms", group=g),
                record(
                    f"overhead B-A p99 ({vendor})",
                    so["p99"],
                    "ms",
                    target="<= 8 ms",
                    check=lambda v: v <= 8.0,
                    group=g,
                ),
                record(f"overhead p50(B)-p50(A) ({vendor})", sb["p50"] - sa["p50"], "ms", group=g),
            ]
            print(
                f"overhead {vendor}: A p50 {sa['p50']:.2f} ms, B p50 {sb['p50']:.2f} ms, "
                f"B-A p50 {so['p50']:.2f} p99 {so['p99']:.2f} ms",
                flush=True,
            )

        # C: the cache-hit path, served by generate() without a vendor call.
        fixtures.activate_only("openai")
        cached_prompt = posting(2)
        first = generate(user=user, task=TASK, prompt=cached_prompt, use_cache=True)
        if first.cached or first.provider != "openai":
            raise RuntimeError("the cache-hit prompt was not served by the openai double first")

        def hit():
            result = generate(user=user, task=TASK, prompt=cached_prompt, use_cache=True)
            if not result.cached:
                raise RuntimeError("expected a cache hit")
            return result

        for _ in range(warmup):
            hit()
        c_ms = [_timed(hit)[0] for _ in range(n)]
        sc = summary(c_ms)
        records += [
            record(
                "C cache hit p50",
                sc["p50"],
                "ms",
                target="<= 1 ms",
                check=lambda v: v <= 1.0,
                group="overhead",
            ),
            record("C cache hit p95", sc["p95"], "ms", group="overhead"),
            record("C cache hit p99", sc["p99"], "ms", group="overhead"),
        ]
        print(f"cache hit: p50 {sc['p50']:.2f} ms p99 {sc['p99']:.2f} ms", flush=True)
    finally:
        for double in doubles.values():
            double.stop()

    header = (
        "vendor",
        "pairs",
        "A p50",
        "A p95",
        "A p99",
        "B p50",
        "B p95",
        "B p99",
        "B−A p50",
        "B−A p95",
        "B−A p99",
        "p50(B)−p50(A)",
    )
    markdown = "\n\n".join(
        [
            "### 1. Overhead of one AI call (ms)",
            "A = bare SDK call to the loopback double (the adapter's cached client); "
            'B = `generate(task="extraction", use_cache=False)` to the same double with the '
            "whole path on PostgreSQL + Redis (plan, routing rules, provider chain, breaker, quota "
            "reserve/settle, usage-log row). Pairs interleaved, order alternating; B−A is the "
            "distribution of per-pair differences. A 1,500-character prompt.",
            table(header, rows),
            f"C = cache hit through `generate(use_cache=True)`, n={n}: p50 {ms(sc['p50'])}, "
            f"p95 {ms(sc['p95'])}, p99 {ms(sc['p99'])} ms.",
        ]
    )
    return records, markdown


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
