"""The usage app's pages in the provider console: the usage log with its dashboard and CSV
export (usage_log.py, each row's page: log_pages.py), alerts and their thresholds (alerts.py),
alert channels and deliveries (alert_channels.py), and each provider config's last 24 hours on
the gateway's provider list (providers.py). Provider admins only, like the rest of the console
(orchestrator/admin_console.py)."""

from orchestrator.admin_extensions import provider_list_extend

from . import alert_channels, alerts, usage_log  # noqa: F401 - they register their admins
from .providers import LAST_24_HOURS

provider_list_extend(LAST_24_HOURS)
