from django.core.management.base import BaseCommand

from privacy.services import data_retention_purge


class Command(BaseCommand):
    help = "Delete jobs, drafts and versions nobody touched for DATA_RETENTION_DAYS days."

    def handle(self, *args, **options) -> None:
        purged = data_retention_purge()
        if not purged:
            self.stdout.write("DATA_RETENTION_DAYS is 0: everything is kept.")
            return
        self.stdout.write(", ".join(f"{count} {name}" for name, count in purged.items()) + ".")
