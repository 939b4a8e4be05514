from django.core.management.base import BaseCommand, CommandError

from orchestrator.admin_services import configs_by_name
from orchestrator.models import ProviderConfig
from orchestrator.services import provider_test


class Command(BaseCommand):
    help = (
        "Test provider credentials with a cheap real call to the fast and the quality model "
        "and a read of the vendor's model list, as the admin's Test now button does; the "
        "outcome and any warnings are stored on each config. Exits non-zero if any test fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="Provider config names.")
        parser.add_argument(
            "--all", action="store_true", dest="every", help="Test every provider config."
        )

    def handle(self, *args, names: list[str], every: bool, **options):
        if every == bool(names):
            raise CommandError("Name one or more provider configs, or pass --all.")
        if every:
            configs = list(ProviderConfig.objects.order_by("priority", "name"))
        else:
            configs, unknown = configs_by_name(names=names)
            if unknown:
                known = ", ".join(ProviderConfig.objects.values_list("name", flat=True))
                raise CommandError(
                    f"No provider config named {', '.join(unknown)}. Known: {known or 'none'}."
                )
        failed = 0
        for number, config in enumerate(configs, 1):
            self.stdout.write(
                f"[{number}/{len(configs)}] {config.name} ({config.provider_type}) … ", ending=""
            )
            self.stdout.flush()
            result = provider_test(config=config)
            failed += not result.ok
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(style(result.message))
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"    warning: {warning}"))
        if failed:
            raise CommandError(f"{failed} of {len(configs)} provider test(s) failed.")
        self.stdout.write(self.style.SUCCESS(f"All {len(configs)} provider test(s) passed."))
