"""The PostgreSQL pool hands out working connections, checking only those idle a while."""

import io
import threading
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from billing.models import QuotaCounter, QuotaHold
from config.postgresql.base import ALIVE_WINDOW_SECONDS, check_unless_recently_used
from orchestrator import snapshot
from orchestrator.models import UsageCapture, UsageLog
from orchestrator.services import generate
from orchestrator.streaming import generate_stream
from tests.support.doubles import Reply

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get("pool"),
        reason="The pool is PostgreSQL's; CI runs this.",
    ),
    pytest.mark.django_db(transaction=True),
]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def connect() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        dbname=params["NAME"],
        autocommit=True,
    )


def terminate(pid: int | None = None) -> None:
    """Kill one server session, or (no pid) every other one on the test database: what a
    database restart does to the pool's connections."""
    with connect() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND (%s::int IS NULL OR pid = %s::int)",
            [pid, pid],
        )


def test_after_the_database_drops_its_connections_the_next_request_still_works():
    before = backend_pid()
    connection.close()  # back to the pool, as at the end of a request
    # A busy server's pool is full: every one of its connections dies in a restart.
    pool = connection.pool
    held = [pool.getconn() for _ in range(pool.max_size)]
    for conn in held:
        pool.putconn(conn)
    terminate()
    time.sleep(ALIVE_WINDOW_SECONDS + 0.1)

    after = backend_pid()

    assert after != before


def test_the_check_skips_only_a_connection_handed_out_within_the_window():
    assert connection.pool._check.func is check_unless_recently_used  # the project's pool
    with connect() as conn:
        check_unless_recently_used(conn)  # checked (alive), and stamped
        terminate(conn.info.backend_pid)

        check_unless_recently_used(conn)  # within the window: no round trip, no error
        time.sleep(ALIVE_WINDOW_SECONDS + 0.1)
        with pytest.raises(psycopg.OperationalError):
            check_unless_recently_used(conn)  # idle a while: checked, found dead


def test_after_a_connection_breaks_in_use_the_pool_replaces_the_others_at_once():
    """A database restart kills every pooled connection, recently used ones too: one request
    meets a dead one, the rest get new ones."""
    connection.close()
    pool = connection.pool
    held = [pool.getconn() for _ in range(pool.max_size)]  # each one checked: used just now
    for conn in held:
        pool.putconn(conn)
    terminate()

    failed = 0
    for _ in range(pool.max_size):
        try:
            backend_pid()
        except Exception:
            failed += 1
        connection.close()  # as at the end of each request

    assert failed <= 1


@pytest.fixture
def config_read_every_time(monkeypatch):
    """Every read of the config snapshot asks the database for its version, as the first
    read of each second does in production."""
    monkeypatch.setattr(snapshot, "RECHECK_SECONDS", 0)


@pytest.mark.parametrize("door", ["generate", "stream"])
def test_while_the_vendor_thinks_the_call_holds_no_database_connection(
    door, config_read_every_time, openai_double, make_provider, user, settings
):
    """A connection held through the vendor's seconds caps concurrent AI calls at the
    pool's size, and under load turns a pool timeout into a failed 'provider' attempt."""
    settings.OFFLINE_PROVIDER_ENABLED = False
    call_command("seed_defaults", stdout=io.StringIO())  # an earlier flush took the plans
    make_provider(openai_double)
    this_thread = connections["default"]  # the double answers from a thread of its own
    held_while_asked: list[bool] = []

    def answer(seen):
        held_while_asked.append(this_thread.connection is not None)
        return Reply.ok("Dear hiring manager")

    openai_double.default = answer
    if door == "generate":
        result = generate(user=user, task="cover_letter", prompt="Write", use_cache=False)
    else:
        result = "".join(generate_stream(user=user, task="cover_letter", prompt="Write"))

    assert "Dear hiring manager" in str(result.text if door == "generate" else result)
    assert held_while_asked == [False]
    assert UsageLog.objects.filter(status=UsageLog.Status.SUCCESS).count() == 1


@pytest.fixture
def short_pool_wait():
    """The pool's wait for a connection cut to 0.3 s (the fault suite's overload saw its
    10 s run out), with every connection open before."""
    connection.close()  # this thread's, back to the pool
    pool = connection.pool
    opened = [pool.getconn() for _ in range(pool.max_size)]  # all open before the wait is cut
    for conn in opened:
        pool.putconn(conn)
    wait, pool.timeout = pool.timeout, 0.3
    yield pool
    pool.timeout = wait


@pytest.mark.parametrize("config_check", ["within its second", "due"])
@pytest.mark.parametrize("door", ["generate", "stream"])
def test_an_answer_whose_row_must_wait_for_a_connection_is_logged_counted_and_answered(
    door, config_check, short_pool_wait, openai_double, make_provider, user, settings, monkeypatch
):
    """The vendor answered (and bills it), then the row finds no connection at once: the row
    is written with the quota settlement on the next try, not the settlement alone (which
    counted the tokens, dropped the hold the reaper would have written the row from, and lost
    the row), with its payload capture, and the caller gets the answer instead of a 503. Also
    when the config snapshot's version check is due: the answer is priced from the prices the
    call opened with, not after a wait for a connection that lost the row before it was made
    (the fault suite's overload: a vendor call with no row, no hold and no tokens counted)."""
    if config_check == "due":
        monkeypatch.setattr(snapshot, "RECHECK_SECONDS", 0)
    settings.OFFLINE_PROVIDER_ENABLED = False
    settings.AI_CAPTURE_PAYLOADS = True
    call_command("seed_defaults", stdout=io.StringIO())  # an earlier flush took the plans
    make_provider(openai_double)
    pool = short_pool_wait

    def answer(seen):
        # The call gave its connection back for the vendor's wait; other requests take every
        # one until the call's first try at its row has timed out (the pool counts it), then
        # give them back, within its second try.
        taken = [pool.getconn() for _ in range(pool.max_size)]
        timeouts = pool.get_stats().get("requests_errors", 0)

        def give_back():
            give_up = time.monotonic() + 10
            while pool.get_stats().get("requests_errors", 0) == timeouts:
                if time.monotonic() > give_up:
                    break
                time.sleep(0.02)
            for conn in taken:
                pool.putconn(conn)

        threading.Thread(target=give_back).start()
        return Reply.ok("Dear hiring manager")

    openai_double.default = answer
    if door == "generate":
        text = generate(user=user, task="cover_letter", prompt="Write", use_cache=False).text
    else:
        text = "".join(generate_stream(user=user, task="cover_letter", prompt="Write"))

    assert "Dear hiring manager" in text
    row = UsageLog.objects.get()
    assert (row.status, row.total_tokens > 0) == (UsageLog.Status.SUCCESS, True)
    assert not QuotaHold.objects.exists()
    day = QuotaCounter.objects.get(user=user, period=QuotaCounter.Period.DAY)
    assert (day.tokens_used, day.tokens_reserved) == (row.total_tokens, 0)
    capture = UsageCapture.objects.get()
    assert (capture.usage_log_id, capture.prompt) == (row.pk, "Write")
    assert "Dear hiring manager" in capture.answer


@contextmanager
def database_down(pool_wait: float = 0.3):
    """The test database refuses every connection, its open ones killed, as while PostgreSQL
    restarts; the pool gives up waiting for one after `pool_wait` seconds."""
    name = connection.settings_dict["NAME"]
    pool = connection.pool
    wait, pool.timeout = pool.timeout, pool_wait
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            pool.timeout = wait


def test_an_ai_request_that_loses_the_database_midway_is_a_503_without_quota_headers(
    user, api_client
):
    """PostgreSQL goes away while a request runs: the AI call has begun (its quota headers
    are due), then its usage row finds no database. The answer is the envelope's 503, not a
    500 from the quota headers' own read of the counters; the headers are left out, as
    nothing can be read."""
    call_command("seed_defaults", stdout=io.StringIO())  # an earlier flush took the plans
    posting = {"text": "Backend Engineer\nCompany: Acme\nLocation: Berlin\n\nBuild APIs."}
    first = api_client.post("/api/v1/job-extractor/extract", posting, format="json")
    assert first.status_code == 201 and "X-Quota-Plan" in first  # the plan read and cached
    connection.close()  # back to the pool, as at the end of a request

    with database_down():
        answer = api_client.post(
            "/api/v1/job-extractor/extract", {"text": posting["text"] + " Go."}, format="json"
        )

    assert answer.status_code == 503, answer.content
    assert answer.json()["error_code"] == "SERVICE_UNAVAILABLE"
    assert "X-Quota-Plan" not in answer
