from django.core.management.base import BaseCommand

from usage.alerts import alerts_check


class Command(BaseCommand):
    help = (
        "Run the alert check now (Celery beat, or the server itself without a broker, runs it "
        "every ALERT_CHECK_SECONDS): provider error rate and p95 latency, cost spikes, quota "
        "refusals, failing credentials. New alerts are stored and mailed to ADMINS (if any); "
        "cleared ones are resolved."
    )

    def handle(self, *args, **options):
        alerts = alerts_check()
        for alert in alerts:
            self.stdout.write(
                self.style.WARNING(
                    f"OPEN  {alert.get_kind_display()} — {alert.subject}: {alert.message}"
                )
            )
        self.stdout.write(f"{len(alerts)} open alert(s).")
