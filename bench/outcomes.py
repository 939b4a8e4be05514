"""Benchmark 11: the usage dashboard's "Drafts and outcomes" at 1M usage rows and 100k
applications.

Runs in its own database (BENCH_OUTCOMES_DATABASE_URL, default aiorch_bench_outcomes), which
it empties: 10k users and 1M UsageLog rows (bench/usage_loader.py; 100k in quick mode), then
one job and one draft per CV and letter usage row that succeeded (up to 100k of each, with
versions and prompt versions; each job has the id of its usage row, so a draft finds its job by
primary key), and 100k applications (two in three sent, a third of those
reaching an interview, each with a CV and most with a letter); VACUUM ANALYZE; then
applications.outcomes.drafts_and_outcomes over the dashboard's last 30 and 90 days, median of
5 after a warm-up. Target: ≤ 300 ms.

    python -m bench.outcomes [--quick] [--json FILE]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from bench import env
from bench.stats import phase_main, record, table

TARGET_MS = 300.0
DATABASE = os.environ.get("BENCH_OUTCOMES_DATABASE_URL", f"{env.PG}/aiorch_bench_outcomes")
DRAFTS = 100_000

# A job per draft, its id the id of the usage row the draft comes from: each draft finds its
# job by primary key (matching on owner and time has no index, and outlasts any timeout).
_JOBS = """
INSERT INTO jobs_job (id, owner_id, source, source_url, source_url_hash, source_text, image_sha256,
  title, company, location, employment_type, salary, description, requirements, skills,
  keywords, raw_ai_output, created_at, updated_at, prompt_version, provider_type, model, tier,
  cost_usd)
SELECT u.id, u.user_id, 'text', '', '', '', '', 'Backend Engineer', 'Acme', '', '', '', '',
  '[]', '[]', '[]', '', u.created_at, u.created_at, 'extract-v1', u.provider_type, u.model, '', 0
FROM orchestrator_usagelog u
WHERE u.task_type IN ('cv_draft', 'cover_letter') AND u.status = 'success' AND u.user_id IS NOT NULL
ORDER BY u.id LIMIT %s
"""
# Each draft points at a usage row of its own task; drafts in two prompt versions.
_DRAFTS = """
INSERT INTO {table} (owner_id, job_id, profile_version, content, warnings, version, created_at,
  prompt_version, provider_type, model, usage_log_id, tier, cost_usd{extra_columns})
SELECT u.user_id, j.id, 1, '{{}}', '[]', 1 + (u.id %% 3), u.created_at,
  CASE WHEN u.id %% 2 = 0 THEN '{prefix}-v1' ELSE '{prefix}-v2' END, u.provider_type, u.model,
  u.id, u.tier, u.cost_usd{extra_values}
FROM orchestrator_usagelog u
JOIN jobs_job j ON j.id = u.id
WHERE u.task_type = %s AND u.status = 'success'
ORDER BY u.id LIMIT %s
"""
# Each application carries its drafts' facts, as applications.services copies them.
_APPLICATIONS = """
INSERT INTO applications_application (owner_id, job_id, status, cv_id, cv_version, letter_id,
  letter_version, cv_edit_distance, letter_edit_distance, reached_interview, applied_at, notes,
  created_at, updated_at, cv_drafted_at, cv_provider_type, cv_model, cv_tier, cv_prompt_version,
  letter_drafted_at, letter_provider_type, letter_model, letter_tier, letter_prompt_version)
SELECT c.owner_id, c.job_id,
  CASE WHEN c.id %% 3 = 0 THEN 'saved' WHEN c.id %% 9 = 1 THEN 'interview' ELSE 'applied' END,
  c.id, c.version, l.id, l.version, (c.id * 7) %% 120, (c.id * 5) %% 80, c.id %% 9 = 1,
  c.created_at, '', c.created_at, c.created_at,
  c.created_at, c.provider_type, c.model, c.tier, c.prompt_version,
  l.created_at, coalesce(l.provider_type, ''), coalesce(l.model, ''), coalesce(l.tier, ''),
  coalesce(l.prompt_version, '')
FROM cvs_cvdraft c
LEFT JOIN (
  SELECT DISTINCT ON (owner_id) owner_id, id, version, created_at, provider_type, model, tier,
    prompt_version
  FROM letters_coverletter
  ORDER BY owner_id, id
) l ON l.owner_id = c.owner_id AND c.id %% 4 <> 0
ORDER BY c.id LIMIT %s
"""


def _load(*, quick: bool) -> dict[str, int]:
    from django.db import connection

    from bench import fixtures, usage_loader

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orchestrator_usagelog, auth_user, jobs_job, cvs_cvdraft, "
            "letters_coverletter, applications_application CASCADE"
        )
    configs = fixtures.provider_configs(
        {v: f"http://127.0.0.1:9/{v}" for v in ("openai", "anthropic", "gemini")}
    )
    users = usage_loader.load_users(10_000)
    usage_loader.load_usage(
        100_000 if quick else 1_000_000,
        users=users,
        config_ids={vendor: config.pk for vendor, (config, _) in configs.items()},
        seed=1,
    )
    with connection.cursor() as cursor:
        # Bulk loads outlast the statement timeout production settings give every query.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(_JOBS, [2 * DRAFTS])
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('jobs_job', 'id'), max(id)) FROM jobs_job"
        )
        for table_name, task, prefix, extra in (
            ("cvs_cvdraft", "cv_draft", "cv", ("", "")),
            ("letters_coverletter", "cover_letter", "letter", (", tone", ", 'professional'")),
        ):
            sql = _DRAFTS.format(
                table=table_name, prefix=prefix, extra_columns=extra[0], extra_values=extra[1]
            )
            cursor.execute(sql, [task, DRAFTS])
        cursor.execute(_APPLICATIONS, [100_000])
        counts = {}
        for name in ("orchestrator_usagelog", "cvs_cvdraft", "letters_coverletter"):
            cursor.execute(f"SELECT count(*) FROM {name}")
            counts[name] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM applications_application")
        counts["applications_application"] = cursor.fetchone()[0]
    usage_loader.vacuum_analyze()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE applications_application, cvs_cvdraft, letters_coverletter")
    return counts


def _median_ms(call) -> float:
    call()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(*, quick: bool) -> tuple[list[dict], str]:
    from django.utils import timezone

    from applications.outcomes import drafts_and_outcomes

    started = time.perf_counter()
    counts = _load(quick=quick)
    load_s = time.perf_counter() - started
    until = timezone.now()
    records, rows = [], []
    size = "100k" if quick else "1M"
    for days in (30, 90):
        window = {"since": until - dt.timedelta(days=days), "until": until}
        report_rows = len(drafts_and_outcomes(**window))
        took = _median_ms(lambda w=window: drafts_and_outcomes(**w))
        rows.append((f"last {days} days", f"{took:.1f}", report_rows))
        records.append(
            record(
                f"drafts_and_outcomes {days}d @{size} usage rows",
                took,
                "ms",
                target=None if quick else f"<= {TARGET_MS:g} ms",
                check=None if quick else (lambda v: v <= TARGET_MS),
                group="outcomes",
            )
        )
    loaded = ", ".join(f"{n:,} {t}" for t, n in counts.items())
    text = (
        "### 11. Drafts and outcomes (ms, median of 5 after a warm-up)\n\n"
        f"`applications.outcomes.drafts_and_outcomes` over {loaded} (loaded and vacuumed in "
        f"{load_s:.0f} s).\n\n" + table(("window", "ms", "report rows"), rows)
    )
    return records, text


def main() -> None:
    phase_main(run, description=__doc__, database=DATABASE)


if __name__ == "__main__":
    main()
