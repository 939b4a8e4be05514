"""The embedded default (`make run`: SQLite, no Redis, the schedule in the server) takes a crowd:
concurrent sign-ups and extractions are answered, none with a 5xx, while the periodic jobs run
beside them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.processes import embedded_env, manage, running_server

POSTING = (
    "Senior Backend Engineer\nCompany: Acme Freight\nLocation: London, UK\n\n"
    "You will build the Django REST APIs behind our freight network.\n"
    "Requirements: 5+ years of Python; Django and PostgreSQL; AWS. Posting {n}."
)


def _sign_up(base: str, name: str) -> httpx.Response:
    body = {"username": name, "email": f"{name}@example.com", "password": "plum-Orchard-77"}
    return httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=60)


def _extract(base: str, token: str, n: int) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/job-extractor/extract",
        json={"text": POSTING.format(n=n)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def test_twenty_sign_ups_and_twenty_extractions_at_once_on_sqlite_get_no_5xx(tmp_path):
    env = embedded_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # Real password hashing, as `make run` has it (the test settings' MD5 is instant).
        DJANGO_SETTINGS_MODULE="config.settings.local",
        AUTH_SIGNUPS_PER_ADDRESS="1000/hour",
        # The periodic jobs write beside the requests all the while.
        EMBEDDED_SCHEDULE="true",
        ALERT_CHECK_SECONDS="1",
        USAGE_ROLLUP_SECONDS="1",
        ADMINS="",
    )
    for command in (("migrate", "--noinput"), ("seed_defaults",)):
        done = manage(*command, env=env)
        assert done.returncode == 0, done.stderr

    with running_server(tmp_path, env) as server, ThreadPoolExecutor(40) as pool:
        base = server.base_url
        first = list(pool.map(lambda n: _sign_up(base, f"early{n}"), range(20)))
        assert [r.status_code for r in first] == [201] * 20, [r.text for r in first]
        tokens = [r.json()["data"]["token"] for r in first]

        sign_ups = [pool.submit(_sign_up, base, f"late{n}") for n in range(20)]
        extractions = [pool.submit(_extract, base, token, n) for n, token in enumerate(tokens)]
        answers = [f.result() for f in sign_ups + extractions]

        statuses = [r.status_code for r in answers]
        assert statuses == [201] * 40, [r.text for r in answers if r.status_code != 201]
        assert all(r.json()["data"]["title"] for r in answers[20:])
        assert "database is locked" not in server.output()
