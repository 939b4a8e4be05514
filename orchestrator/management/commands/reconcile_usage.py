import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from orchestrator.reaper import reap


class Command(BaseCommand):
    help = (
        "Close what dead processes left behind and check the quota counters against the usage "
        "log, as the periodic reaper does: expired quota holds become ABANDONED usage rows, "
        "AI tasks running or pending too long fail, and counters that disagree with the log or "
        "the holds are repaired. --dry-run only reports; --check exits 1 when anything was "
        "found."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument("--json", action="store_true", help="One JSON object on stdout.")
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 if a hold, task or counter was found."
        )

    def handle(self, *args, dry_run: bool, json: bool, check: bool, **options):
        report = reap(repair=not dry_run)
        if json:
            self.stdout.write(_json(report.as_dict()))
        else:
            done = "found" if dry_run else "closed"
            self.stdout.write(
                f"Quota holds: {report.holds_open} open, {report.holds_released} expired "
                f"({done}). AI tasks stuck: {report.tasks_failed} ({done}). Counters out of "
                f"step with the usage log or holds: {report.counters_out_of_step}"
                + ("" if dry_run else " (repaired)")
                + "."
            )
            for drift in report.drift:
                self.stdout.write(f"  {drift}")
        if check and (report.holds_released or report.tasks_failed or report.drift):
            raise CommandError("Found leaked holds, stuck tasks or counter drift.", returncode=1)


def _json(report: dict) -> str:
    return jsonlib.dumps(report, sort_keys=True)
