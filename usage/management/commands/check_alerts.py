from django.core.management.base import BaseCommand, CommandError

from usage.alerts import alerts_check


class Command(BaseCommand):
    help = (
        "Run the alert check now (Celery beat, or the server itself without a broker, runs it "
        "every ALERT_CHECK_SECONDS): provider error rate and p95 latency, cost spikes, quota "
        "refusals, failing credentials. New alerts are stored and mailed to ADMINS (if any); "
        "cleared ones are resolved. With --fail-on-open it exits with status 1 while any alert "
        "is open, for a monitoring check."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fail-on-open",
            action="store_true",
            help="Exit with status 1 when alerts are open (default: 0 whatever is found).",
        )

    def handle(self, *args, fail_on_open, **options):
        alerts = alerts_check()
        for alert in alerts:
            self.stdout.write(
                self.style.WARNING(
                    f"OPEN  {alert.get_kind_display()} — {alert.subject}: {alert.message}"
                )
            )
        self.stdout.write(f"{len(alerts)} open alert(s).")
        if fail_on_open and alerts:
            raise CommandError(f"{len(alerts)} open alert(s).", returncode=1)
