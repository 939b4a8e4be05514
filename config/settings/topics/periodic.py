"""Periodic jobs: the usage rollups (usage/rollups.py) and the daily credentials re-test
(orchestrator/provider_tasks.py); Celery beat or, where none runs, the embedded schedule
(orchestrator/schedule.py) runs them."""

from config.settings.env import env

USAGE_ROLLUP_SECONDS = env.int("USAGE_ROLLUP_SECONDS", default=300)

# Every active provider config is tested daily, so an expired or revoked key raises the
# "Provider credentials failing" alert before users meet it.
PROVIDER_RETEST_SECONDS = env.int("PROVIDER_RETEST_SECONDS", default=24 * 3600)
