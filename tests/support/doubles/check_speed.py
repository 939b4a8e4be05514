"""Latency of a bare SDK call against each double: ``python -m tests.support.doubles.check_speed``.

Expect roughly 1.5-2.5 ms p50 per call; tens of ms means keep-alive or the single-write
response path is broken (Nagle + delayed ACK costs ~40 ms per call).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import anthropic
import openai
from google import genai
from google.genai import types

from tests.support.doubles import VendorDouble

N = 300


def _caller(d: VendorDouble) -> Callable[[], object]:
    if d.vendor == "openai":
        oc = openai.OpenAI(base_url=d.base_url, api_key="sk-speed", max_retries=0)
        msgs: list = [{"role": "user", "content": "hi"}]
        return lambda: oc.chat.completions.create(model="gpt-4o-mini", messages=msgs)
    if d.vendor == "anthropic":
        ac = anthropic.Anthropic(base_url=d.base_url, api_key="sk-ant-speed", max_retries=0)
        amsgs: list = [{"role": "user", "content": "hi"}]
        return lambda: ac.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=amsgs)
    gc = genai.Client(api_key="AIza-speed", http_options=types.HttpOptions(base_url=d.base_url))
    return lambda: gc.models.generate_content(model="gemini-2.5-flash", contents="hi")


def main() -> None:
    for vendor in ("openai", "anthropic", "gemini"):
        with VendorDouble(vendor) as d:
            call = _caller(d)
            for _ in range(20):  # warm up imports, pools, pydantic validators
                call()
            samples = []
            for _ in range(N):
                t0 = time.perf_counter()
                call()
                samples.append((time.perf_counter() - t0) * 1000)
            q = statistics.quantiles(samples, n=100)
            p50, p95, worst = q[49], q[94], max(samples)
            print(f"{vendor:10s} n={N} p50={p50:.2f} ms p95={p95:.2f} ms max={worst:.2f} ms")


if __name__ == "__main__":
    main()
