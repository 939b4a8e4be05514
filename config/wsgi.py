import gc
import os

from django.core.wsgi import get_wsgi_application

# A server is a deployment: without DJANGO_SETTINGS_MODULE it runs with production settings,
# which refuse to start without SECRET_KEY, ALLOWED_HOSTS and real FIELD_ENCRYPTION_KEYS,
# rather than serving with DEBUG on and the public development key (`make serve` and
# `manage.py runserver` say config.settings.local themselves).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()


def _load_then_freeze() -> None:
    """Import what a worker needs before its first request, then exempt it from the GC.

    Every view and every vendor SDK (~1.5 s, ~120 MB, most of it the SDKs) is ~330k
    objects that live as long as the process. Left in the collector's oldest generation,
    each full collection walks them all with the GIL held, stalling every thread of the
    worker: 200-430 ms per collection under bench/'s 100 clients (gc.callbacks in each
    worker). Importing the SDKs here also spares the first AI request of each worker their
    import.
    """
    from django.urls import get_resolver

    from orchestrator.providers import ADAPTERS, adapter_class

    get_resolver().url_patterns  # noqa: B018 - imports every view, serializer and service
    for provider_type in ADAPTERS:
        adapter_class(provider_type)
    gc.collect()  # freeze what lives, not garbage from the imports
    gc.freeze()


_load_then_freeze()

# Where no Celery beat runs (EMBEDDED_SCHEDULE), the server runs the alert check and the usage
# rollups itself (orchestrator/schedule.py).
from orchestrator import schedule  # noqa: E402 - needs the application's apps

schedule.start()
