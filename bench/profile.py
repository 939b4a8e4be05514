"""Benchmark 5: what one generate() call costs and where its time goes.

Counts the SQL queries (CaptureQueriesContext) and cache/Redis operations of one call on the
served path (B) and the cache-hit path (C), then profiles a few hundred B calls per vendor
with pyinstrument. Writes bench/out/profile_<vendor>.txt/.html and bench/out/queries_*.txt.

    python -m bench.profile [--quick] [--json FILE]

Longer than our usual modules: the query count, the cache count and the profile each need
the same fixture and vendor loop; one harness, run as one script.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Any

from bench import env
from bench.overhead import TASK, VENDORS
from bench.stats import phase_main, record, table

CACHE_OPS = (
    "get",
    "set",
    "add",
    "delete",
    "incr",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "touch",
)
BUCKETS = (  # first match wins: file path fragment -> what it is
    ("/orchestrator/", "our code: orchestrator"),
    ("/billing/", "our code: billing"),
    ("/jobs/", "our code: jobs"),
    ("/bench/", "bench harness"),
    ("/django/test/", "Django test client (harness)"),
    ("/django/db/", "Django ORM + DB backend"),
    ("/psycopg", "psycopg (driver, DB wait)"),
    ("/redis/", "redis-py (Redis wait)"),
    ("/django/core/cache", "Django cache"),
    ("/openai/", "vendor SDK"),
    ("/anthropic/", "vendor SDK"),
    ("/google/", "vendor SDK"),
    ("/httpx", "httpx/httpcore (HTTP wait)"),
    ("/httpcore", "httpx/httpcore (HTTP wait)"),
    ("/pydantic", "pydantic"),
    ("/cryptography/", "cryptography (Fernet)"),
    ("/jsonschema", "jsonschema"),
    ("/referencing/", "jsonschema"),
    ("/rest_framework/", "Django REST framework"),
    ("/django/", "Django other"),
)


@contextmanager
def counting_cache_ops():
    """Counts calls on the default cache (Redis) by wrapping this thread's cache instance."""
    from django.core.cache import caches

    backend = caches["default"]
    counts: Counter = Counter()
    keys: list[str] = []
    counts.keys_seen = keys  # type: ignore[attr-defined]  # the calls in order, for the files
    originals = {}
    for name in CACHE_OPS:
        original = getattr(backend, name)
        originals[name] = original

        def wrapper(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            keys.append(f"{_name} {args[0] if args else ''}")
            return _original(*args, **kwargs)

        setattr(backend, name, wrapper)
    try:
        yield counts
    finally:
        for name in CACHE_OPS:
            delattr(backend, name)  # the instance attribute goes; the method shows again


def _normalise(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    return re.sub(r"\b\d+(\.\d+)?\b", "?", sql)


def count_one(call) -> tuple[list[str], Counter]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured, counting_cache_ops() as ops:
        call()
    return [q["sql"] for q in captured.captured_queries], ops


def _dump(name: str, queries: list[str], ops: Counter) -> None:
    calls = "\n".join(ops.keys_seen)  # type: ignore[attr-defined]
    (env.OUT / name).write_text("\n\n".join(queries) + f"\n\ncache ops {dict(ops)}:\n{calls}\n")


def _bucket(path: str) -> str:
    for fragment, name in BUCKETS:
        if fragment in path:
            return name
    return "Python stdlib / other"


def _own_path(frame, inherited: str) -> str:
    """Built-ins and stdlib frames count for the library that called them (a socket read
    inside psycopg is the database's time)."""
    path = frame.file_path or ""
    if not path or path.startswith("<") or ("/python3" in path and "site-packages" not in path):
        return inherited
    return path


def analyse(session, calls: int) -> dict[str, Any]:
    """Per-call self time by library and by function, and generate()'s own breakdown."""
    root = session.root_frame()
    by_bucket: dict[str, float] = defaultdict(float)
    by_function: dict[str, float] = defaultdict(float)
    stages: dict[str, float] = defaultdict(float)
    stack = [(root, root.file_path or "", "")]
    while stack:
        frame, inherited, caller = stack.pop()
        path = _own_path(frame, inherited)
        own = frame.time - sum(child.time for child in frame.children)
        name = caller if frame.function == "[self]" else frame.function
        if own > 0:
            by_bucket[_bucket(path)] += own
            short = path.split("site-packages/")[-1].replace(str(env.ROOT) + "/", "")
            by_function[f"{name} ({short})"] += own
        if frame.function in ("_serve", "attempt") and "orchestrator/gateway/" in path:
            for child in frame.children:
                stages[f"{frame.function} → {child.function}"] += child.time
        stack.extend((child, path, frame.function) for child in frame.children)
    per_call = 1000 / calls
    return {
        "total_ms": root.time * per_call,
        "buckets": sorted(((k, v * per_call) for k, v in by_bucket.items()), key=lambda x: -x[1]),
        "functions": sorted(
            ((k, v * per_call) for k, v in by_function.items()), key=lambda x: -x[1]
        )[:15],
        "stages": sorted(((k, v * per_call) for k, v in stages.items()), key=lambda x: -x[1]),
    }


def endpoint_profile(double, Profiler, records: list[dict], n: int) -> list[str]:
    """POST /api/v1/job-extractor/extract through Django's full stack (test client, no
    network in front), the vendor answering at once: the server's own cost per request."""
    from django.test import Client

    from bench import fixtures
    from bench.postings import job_json, posting
    from tests.support.doubles import Reply

    fixtures.activate_only("openai")
    double.default = Reply.ok(job_json(), input_tokens=520, output_tokens=180)
    token = fixtures.bench_users_with_tokens("bench-profile-api-", 1)[0]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    counter = iter(range(10**6, 2 * 10**6))

    def request():
        response = client.post(
            "/api/v1/job-extractor/extract",
            data={"text": posting(next(counter))},
            content_type="application/json",
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"extract answered {response.status_code}: {response.content[:300]!r}"
            )

    for _ in range(20):
        request()
    queries, ops = count_one(request)
    records.append(
        record("SQL queries per extract request", len(queries), "queries", group="profile")
    )
    records.append(
        record("cache (Redis) ops per extract request", sum(ops.values()), "ops", group="profile")
    )
    _dump("queries_extract_endpoint.txt", queries, ops)
    parts = [
        f"**POST /api/v1/job-extractor/extract (Django test client, vendor answers at "
        f"once): {len(queries)} SQL queries, {sum(ops.values())} cache ops** "
        f"({', '.join(f'{k}×{v}' for k, v in ops.items())}):\n\n"
        + "\n".join(f"- `{_normalise(q)[:140]}`" for q in queries)
    ]
    if Profiler is not None:
        profiler = Profiler(interval=0.001)
        profiler.start()
        for _ in range(n):
            request()
        profiler.stop()
        (env.OUT / "profile_extract_endpoint.txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False)
        )
        (env.OUT / "profile_extract_endpoint.html").write_text(profiler.output_html())
        found = analyse(profiler.last_session, n)
        records.append(
            record(
                "extract request, server time (profiled)", found["total_ms"], "ms", group="profile"
            )
        )
        parts.append(
            f"Extract endpoint, pyinstrument over {n} requests: {found['total_ms']:.2f} ms per "
            "request. Self time per request by library (ms):\n\n"
            + table(
                ("library", "ms/request"),
                [(k, f"{v:.3f}") for k, v in found["buckets"] if v >= 0.01],
            )
            + "\n\nTop functions by self time (ms/request):\n\n"
            + table(
                ("function", "ms/request"), [(f"`{k}`", f"{v:.3f}") for k, v in found["functions"]]
            )
        )
        print(f"profile extract endpoint: {found['total_ms']:.2f} ms/request", flush=True)
    return parts


def run(*, quick: bool) -> tuple[list[dict], str]:
    from django.core.cache import cache

    from bench import fixtures
    from bench.postings import posting
    from orchestrator.services import generate
    from tests.support.doubles import VendorDouble

    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    n = 150 if quick else 1000
    cache.clear()
    fixtures.unlimited_plan()
    user = fixtures.bench_user("bench-profile")
    prompt = posting(3)
    doubles = {vendor: VendorDouble(vendor).start() for vendor in VENDORS}
    records: list[dict] = []
    sections = ["### 5. Profile of one generate() call"]
    try:
        configs = fixtures.provider_configs({v: d.base_url for v, d in doubles.items()})
        for vendor in VENDORS:
            config, key = configs[vendor]
            doubles[vendor].expect_key = key
            fixtures.activate_only(vendor)

            def served(user=user):
                return generate(user=user, task=TASK, prompt=prompt, use_cache=False)

            for _ in range(30):
                served()
            queries, ops = count_one(served)
            records.append(
                record(
                    f"SQL queries per generate() ({vendor})",
                    len(queries),
                    "queries",
                    group="profile",
                )
            )
            records.append(
                record(
                    f"cache (Redis) ops per generate() ({vendor})",
                    sum(ops.values()),
                    "ops",
                    group="profile",
                )
            )
            _dump(f"queries_generate_{vendor}.txt", queries, ops)
            if vendor == VENDORS[0]:
                shapes = Counter(_normalise(q)[:140] for q in queries)
                listed = ", ".join(f"{k}×{v}" for k, v in ops.items())
                sections.append(
                    f"**Served path (B), {vendor}: {len(queries)} SQL queries, "
                    f"{sum(ops.values())} cache ops** ({listed}) per call:\n\n"
                    + "\n".join(f"- {c}× `{s}`" for s, c in shapes.items())
                )
                cached_prompt = posting(4)
                generate(user=user, task=TASK, prompt=cached_prompt, use_cache=True)

                def hit(user=user, cached_prompt=cached_prompt):
                    return generate(user=user, task=TASK, prompt=cached_prompt, use_cache=True)

                hit()
                c_queries, c_ops = count_one(hit)
                records.append(
                    record("SQL queries per cache hit", len(c_queries), "queries", group="profile")
                )
                records.append(
                    record(
                        "cache (Redis) ops per cache hit",
                        sum(c_ops.values()),
                        "ops",
                        group="profile",
                    )
                )
                _dump("queries_cache_hit.txt", c_queries, c_ops)
                sections.append(
                    f"**Cache hit (C): {len(c_queries)} SQL queries, {sum(c_ops.values())} cache "
                    f"ops** ({', '.join(f'{k}×{v}' for k, v in c_ops.items())}):\n\n"
                    + "\n".join(f"- `{_normalise(q)[:140]}`" for q in c_queries)
                )
            if Profiler is None or (quick and vendor != VENDORS[0]):
                continue  # quick mode profiles one vendor; counts are taken for all
            profiler = Profiler(interval=0.001)
            profiler.start()
            for _ in range(n):
                served()
            profiler.stop()
            (env.OUT / f"profile_{vendor}.txt").write_text(
                profiler.output_text(unicode=True, color=False, show_all=False)
            )
            (env.OUT / f"profile_{vendor}.html").write_text(profiler.output_html())
            found = analyse(profiler.last_session, n)
            sections.append(
                f"**{vendor}: pyinstrument over {n} calls, {found['total_ms']:.2f} ms per call "
                "(wall, main thread).** Where it goes (self time per call, ms):\n\n"
                + table(
                    ("library", "ms/call"),
                    [(k, f"{v:.3f}") for k, v in found["buckets"] if v >= 0.01],
                )
                + "\n\ngenerate()'s steps (inclusive ms/call):\n\n"
                + table(
                    ("step", "ms/call"), [(k, f"{v:.3f}") for k, v in found["stages"] if v >= 0.01]
                )
                + "\n\nTop functions by self time (ms/call):\n\n"
                + table(
                    ("function", "ms/call"), [(f"`{k}`", f"{v:.3f}") for k, v in found["functions"]]
                )
            )
            print(f"profile {vendor}: {found['total_ms']:.2f} ms/call", flush=True)
        sections += endpoint_profile(doubles["openai"], Profiler, records, n // 2)
        if Profiler is None:
            sections.append(
                "pyinstrument is not installed: `pip install pyinstrument` for the "
                "profile (query and cache counts above do not need it)."
            )
    finally:
        for double in doubles.values():
            double.stop()
    return records, "\n\n".join(sections)


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
