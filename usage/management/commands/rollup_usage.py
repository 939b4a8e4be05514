import time
from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from usage.rollups import usage_log_days, usage_rollup


def _day(value: str):
    try:
        day = parse_date(value)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        day = None
    if day is None:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).")
    return day


class Command(BaseCommand):
    help = (
        "Rebuild the daily usage rollups the reports read (UTC days, both ends included). "
        "Default: yesterday and today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_day, help="First day (default: yesterday).")
        parser.add_argument("--until", type=_day, help="Last day, included (default: today).")
        parser.add_argument("--all", action="store_true", help="Every day that has usage rows.")

    def handle(self, *args, since, until, all, **options):
        today = timezone.now().astimezone(UTC).date()
        if all:
            if since or until:
                raise CommandError("--all cannot be combined with --since/--until.")
            span = usage_log_days()
            if span is None:
                self.stdout.write("No usage rows: nothing to roll up.")
                return
            since, until = span
        since = since or today - timedelta(days=1)
        until = until or max(today, since)
        if since > until:
            raise CommandError("--since must not be after --until.")
        started, written = time.monotonic(), 0
        days = (until - since).days + 1
        for offset in range(days):
            day = since + timedelta(days=offset)
            rows = usage_rollup(day=day)
            written += rows
            self.stdout.write(f"{day}: {rows} rollup rows ({offset + 1}/{days})")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rolled up {days} day(s), {written} rollup rows "
                f"in {time.monotonic() - started:.1f}s."
            )
        )
