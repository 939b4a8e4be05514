import json
from datetime import UTC, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from billing.selectors import NEAR_LIMIT_SHARE, users_near_limit
from usage import reports

COLUMNS = (
    "label",
    "calls",
    "errors",
    "error_rate",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "cache_hits",
    "saved_cost_usd",
)


def _moment(value: str, *, end: bool) -> datetime:
    """A date means the whole day (an --until date is included); a datetime is taken as is."""
    try:
        # A plain date first: parse_datetime would read it as that day's midnight.
        if (day := parse_date(value)) is not None:
            return datetime.combine(day + timedelta(days=end), time.min, tzinfo=UTC)
        if (moment := parse_datetime(value)) is not None:
            return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        pass
    raise CommandError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO datetime.")


DEFAULT_DAYS = 7


class Command(BaseCommand):
    help = (
        "Usage per plan, task, user, provider, model or day over a period: calls, errors, "
        "tokens, cost and cache savings, as on the admin dashboard. Periods are whole UTC days "
        f"as there: by default the last {DEFAULT_DAYS} (today so far included), grouped by day, "
        "every group shown, as a table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help=f"First UTC day (YYYY-MM-DD), or an ISO datetime (default: {DEFAULT_DAYS - 1} "
            "days before today).",
        )
        parser.add_argument(
            "--until", help="Last UTC day, included (default: today, up to now); or a datetime."
        )
        parser.add_argument(
            "--group-by", choices=reports.GROUP_BY, default="day", help="Default: day."
        )
        parser.add_argument(
            "--format", choices=("table", "csv", "json"), default="table", help="Default: table."
        )
        parser.add_argument(
            "--limit",
            type=positive,
            help="Show the first N groups (by cost; days in date order), the rest summed on an "
            "'others' line (default: every group).",
        )
        parser.add_argument(
            "--near-limit",
            action="store_true",
            help=f"Instead: the users at {NEAR_LIMIT_SHARE * 100:.0f}%% or more of a limit in "
            "force (today's tokens, this month's tokens or cost; the plan's or their own), fullest "
            "first. Periods and formats as the report's.",
        )

    def handle(self, *args, since, until, group_by, format, limit, **options):
        if options["near_limit"]:
            return near_limit_report(self.stdout, format=format)
        now = timezone.now()
        until_at = _moment(until, end=True) if until else now
        if since:
            since_at = _moment(since, end=False)
        else:  # whole UTC days, as the dashboard's "Last 7 days"
            first = until_at.astimezone(UTC).date() - timedelta(days=DEFAULT_DAYS - 1)
            since_at = datetime.combine(first, time.min, tzinfo=UTC)
        if since_at >= until_at:
            raise CommandError("--since must be before --until.")
        window = {"since": since_at, "until": until_at}
        rows = reports.usage_by(**window, group_by=group_by, limit=limit)
        totals = reports.usage_totals(**window)
        others = _others(rows, totals) if limit is not None else None
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "since": since_at.isoformat(),
                        "until": until_at.isoformat(),
                        "group_by": group_by,
                        "rows": rows,
                        "others": others,
                        "totals": totals,
                    },
                    default=_json_default,
                    indent=2,
                )
            )
        elif format == "csv":
            header = (group_by, *COLUMNS[1:])
            lines = reports.csv_lines(header, ([r[c] for c in COLUMNS] for r in rows))
            self.stdout.write("".join(lines), ending="")
        else:
            self._table(rows, others, totals, group_by, since_at, until_at)

    def _table(self, rows, others, totals, group_by, since_at, until_at):
        self.stdout.write(
            f"Usage by {group_by} from {since_at:%Y-%m-%d %H:%M} to {until_at:%Y-%m-%d %H:%M} UTC"
        )
        header = (group_by, "calls", "errors", "tokens", "cost USD", "cache hits", "saved USD")
        body = [_cells(r["label"], r) for r in rows]
        if others is not None:
            body.append(_cells("others", others))
        body.append(_cells("TOTAL", totals))
        widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
        for n, line in enumerate([header, *body]):
            if n == len(body):  # before the total
                self.stdout.write("  ".join("-" * w for w in widths))
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                    for i, (cell, w) in enumerate(zip(line, widths, strict=True))
                )
            )


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


_SUMMED = ("calls", "errors", "total_tokens", "cost_usd", "cache_hits", "saved_cost_usd")


def _others(rows: list[dict], totals: dict) -> dict:
    """What the groups left out add up to: the totals less the groups shown."""
    return {name: totals[name] - sum(r[name] for r in rows) for name in _SUMMED}


def _json_default(value):
    return format(value, "f")  # Decimals as plain strings


def _cells(label: str, metrics: dict) -> tuple:
    """One line of the table: a group's metrics, or the totals."""
    return (
        label,
        metrics["calls"],
        metrics["errors"],
        metrics["total_tokens"],
        format(metrics["cost_usd"], "f"),
        metrics["cache_hits"],
        format(metrics["saved_cost_usd"], "f"),
    )


def near_limit_report(out, *, format: str) -> None:
    """`--near-limit`: one line per user and limit at or past NEAR_LIMIT_SHARE."""
    found = users_near_limit()
    rows = [
        {
            "user": row.username,
            "plan": row.plan_code,
            "limit": use.name,
            "own": use.own,
            "used": use.used,
            "of": use.limit,
            "share": round(use.share, 4),
        }
        for row in found
        for use in row.uses
    ]
    if format == "json":
        out.write(json.dumps({"near_limit": rows}, default=_json_default, indent=2))
        return
    header = ("user", "plan", "limit", "own", "used", "of", "share")
    if format == "csv":
        lines = reports.csv_lines(header, ([r[c] for c in header] for r in rows))
        out.write("".join(lines), ending="")
        return
    out.write(
        f"{len(found)} user(s) at {NEAR_LIMIT_SHARE:.0%} or more of a limit (today and this "
        "month, UTC)"
    )
    for row in found:
        for use in row.uses:
            own = " (own limit)" if use.own else ""
            out.write(
                f"  {row.username:<20} {row.plan_code:<12} {use.label + own:<32} "
                f"{use.used_text:>20} of {use.limit_text:<20} {use.percent:>5}"
            )
