from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orchestrator import crypto, snapshot
from orchestrator.models import ProviderConfig


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider API key with the first key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first and keep the old ones after it until this has run; safe to "
        "rerun. Keys that decrypt with no configured key are reported and the command exits "
        "non-zero; the others are still rotated."
    )

    def handle(self, *args, **options):
        configs = ProviderConfig.objects.exclude(api_key_encrypted="").order_by("name")
        total = configs.count()
        self.stdout.write(
            f"Rotating {total} stored key(s) to the first of "
            f"{len(settings.FIELD_ENCRYPTION_KEYS)} configured key(s)."
        )
        rotated, failed = 0, []
        for number, config in enumerate(configs.iterator(), 1):
            try:
                token = crypto.rotate(config.api_key_encrypted)
            except crypto.DecryptionError:
                failed.append(config.name)
                self.stdout.write(
                    self.style.ERROR(
                        f"[{number}/{total}] {config.name}: cannot be decrypted with any "
                        "configured key — re-enter it in the admin."
                    )
                )
                continue
            with transaction.atomic():
                ProviderConfig.objects.filter(pk=config.pk).update(api_key_encrypted=token)
            rotated += 1
            self.stdout.write(f"[{number}/{total}] {config.name}: rotated")
        if rotated:
            snapshot.bump()  # processes holding the old tokens re-read them
        self.stdout.write(f"Rotated {rotated}, failed {len(failed)}.")
        if failed:
            raise CommandError(f"{len(failed)} key(s) could not be decrypted: {', '.join(failed)}.")
