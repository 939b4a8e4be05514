from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from billing.models import Plan
from orchestrator import defaults
from orchestrator.models import ModelPrice, ProviderConfig, RoutingRule

DEMO_ADMIN = ("admin", "admin")


class Command(BaseCommand):
    help = (
        "Create the default plans, routing policy, model prices and the offline provider. "
        "Idempotent: what exists (and whatever admins changed) is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-admin",
            action="store_true",
            help="Also create the local demo superuser admin/admin if it does not exist.",
        )

    def handle(self, *args, demo_admin: bool = False, **options):
        created = defaults.apply(
            plan_model=Plan,
            rule_model=RoutingRule,
            price_model=ModelPrice,
            provider_model=ProviderConfig,
        )
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Defaults in place (created {summary})."))
        if demo_admin:
            users = get_user_model().objects
            if not users.filter(username=DEMO_ADMIN[0]).exists():
                users.create_superuser(DEMO_ADMIN[0], "admin@example.com", DEMO_ADMIN[1])
                self.stdout.write(
                    self.style.WARNING("Created demo superuser admin / admin — for local use only.")
                )
