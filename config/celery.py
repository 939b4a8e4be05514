import os

from celery import Celery, signals

# Importing the config package loads this module first (config/__init__.py), so its default is
# every entry point's: production settings unless told otherwise, as in config/wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect(sender=app)
def beat_schedule_from_periodic_jobs(sender: Celery, **kwargs) -> None:
    """Before a worker or beat starts (after Django is set up: the Django fixup's receiver of
    this signal runs first): register the apps' periodic jobs, and make beat's schedule every
    one of them (orchestrator.schedule.periodic, each app's periodic.py)."""
    from orchestrator.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
