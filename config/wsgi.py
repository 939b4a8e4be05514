import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()


def _load_then_freeze() -> None:
    """Import what a worker needs before its first request, then exempt it from the GC.

    Every view and every vendor SDK (~1.5 s, ~120 MB, most of it the SDKs) is ~330k
    objects that live as long as the process. Left in the collector's oldest generation,
    each full collection walks them all, 200-400 ms with the GIL held, which stalls every
    thread of the worker. bench/ measured that as the p99 at 100 clients. Importing the SDKs
    here also spares the first AI request of each worker their import.
    """
    from django.urls import get_resolver

    from orchestrator.providers import ADAPTERS, adapter_class

    get_resolver().url_patterns  # noqa: B018 - imports every view, serializer and service
    for provider_type in ADAPTERS:
        adapter_class(provider_type)
    gc.collect()  # freeze what lives, not garbage from the imports
    gc.freeze()


_load_then_freeze()
