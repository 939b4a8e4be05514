from datetime import UTC, datetime

import pytest

from tests.reports.factories import log_usage, two_providers

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 4, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def known_usage(db, user, other_user):
    """Eight rows over three March days (see each line), plus two just outside the period."""
    openai, claude = two_providers()
    alice, bob = user, other_user
    rows = [
        dict(
            at=at(1, 10),
            user=alice,
            config=openai,
            input_tokens=100,
            output_tokens=50,
            cost="0.00004500",
            latency_ms=100,
        ),
        dict(
            at=at(1, 11),
            user=alice,
            config=openai,
            input_tokens=200,
            output_tokens=100,
            cost="0.00009000",
            latency_ms=200,
        ),
        dict(
            at=at(1, 12),
            user=alice,
            config=openai,
            task="cv_draft",
            status="error",
            error_code="PROVIDER_ERROR",
            latency_ms=300,
        ),
        dict(
            at=at(2, 9),
            user=bob,
            plan="PRO_MONTHLY",
            task="cv_draft",
            config=claude,
            provider_type="anthropic",
            model="claude-sonnet-4-5",
            input_tokens=1000,
            output_tokens=500,
            cost="0.01050000",
            latency_ms=400,
        ),
        dict(
            at=at(2, 10),
            user=bob,
            plan="PRO_MONTHLY",
            task="cover_letter",
            config=openai,
            input_tokens=300,
            output_tokens=300,
            cost="0.00022500",
            latency_ms=1000,
        ),
        dict(
            at=at(2, 11),
            user=bob,
            plan="PRO_MONTHLY",
            task="cover_letter",
            config=claude,
            provider_type="anthropic",
            model="claude-sonnet-4-5",
            cache_hit=True,
            saved="0.01050000",
            latency_ms=5,
        ),
        dict(
            at=at(3, 8),
            user=alice,
            provider_type="",
            model="",
            status="error",
            error_code="QUOTA_EXCEEDED",
        ),
        dict(
            at=at(3, 9),
            task="provider_test",
            provider_type="gemini",
            model="gemini-2.5-flash",
            input_tokens=10,
            output_tokens=2,
            cost="0.00000800",
            latency_ms=150,
        ),
        # Outside [SINCE, UNTIL):
        dict(
            at=datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC),
            user=alice,
            cost="1.00000000",
            latency_ms=9999,
        ),
        dict(at=UNTIL, user=bob, cost="2.00000000", latency_ms=9999, status="error"),
    ]
    for row in rows:
        log_usage(**row)
    return {"openai": openai, "claude": claude}
