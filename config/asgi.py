import os

from django.core.asgi import get_asgi_application

# Production settings unless told otherwise, as in config/wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()

# Where no Celery beat runs (EMBEDDED_SCHEDULE), the server runs the alert check and the usage
# rollups itself (orchestrator/schedule.py).
from orchestrator import schedule  # noqa: E402 - needs the application's apps

schedule.start()
