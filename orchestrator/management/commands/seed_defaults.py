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
        self.stdout.write(self.style.SUCCESS(defaults_summary(created)))
        if demo_admin:
            users = get_user_model().objects
            if not users.filter(username=DEMO_ADMIN[0]).exists():
                users.create_superuser(DEMO_ADMIN[0], "admin@example.com", DEMO_ADMIN[1])
                self.stdout.write(
                    self.style.WARNING("Created demo superuser admin / admin — for local use only.")
                )


def defaults_summary(created: dict[str, int]) -> str:
    """What is in place and what this run added. `migrate` already writes the defaults on a
    fresh database, so "created 0 plans" would read as if there were none."""
    kinds = [
        ("plans", Plan, "plan"),
        ("rules", RoutingRule, "routing rule"),
        ("prices", ModelPrice, "model price"),
        ("providers", ProviderConfig, "provider config"),
    ]
    listed = ", ".join(_counted(model.objects.count(), noun) for _, model, noun in kinds)
    new = ", ".join(_counted(created[key], noun) for key, _, noun in kinds if created.get(key))
    if new:
        return f"Defaults in place: {listed}. Created now: {new}."
    return f"Defaults in place: {listed}. Nothing was missing; nothing was changed."


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
