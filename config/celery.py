import os

from celery import Celery

# Importing the config package loads this module first (config/__init__.py), so its default is
# every entry point's: production settings unless told otherwise, as in config/wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
