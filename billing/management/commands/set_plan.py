from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from billing.models import Plan
from billing.selectors import subscription_active
from billing.services import subscription_set_plan
from core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Move a user (by username or email) to a plan now; the active subscription ends. "
        "A user already on that plan keeps their subscription."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", help="Username or email address.")
        parser.add_argument(
            "plan",
            help="Plan code: "
            + ", ".join(code for code, _ in Plan._meta.get_field("code").choices),
        )

    def handle(self, *args, user: str, plan: str, **options):
        users = get_user_model().objects
        matches = list(users.filter(username=user)) or list(users.filter(email__iexact=user))
        if not matches:
            raise CommandError(f"No user with username or email {user!r}.")
        if len(matches) > 1:
            raise CommandError(
                f"{len(matches)} users have the email {user!r}; give the username instead."
            )
        user = matches[0]
        before = subscription_active(user=user)
        try:
            subscription = subscription_set_plan(user=user, plan_code=plan)
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        since = f"{subscription.current_period_start:%Y-%m-%d %H:%M} UTC"
        if before is not None and subscription.pk == before.pk:
            self.stdout.write(
                f"{user.username} is already on {subscription.plan.code} "
                f"({subscription.plan.name}) since {since}; nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} is now on {subscription.plan.code} "
                f"({subscription.plan.name}) since {since}."
            )
        )
