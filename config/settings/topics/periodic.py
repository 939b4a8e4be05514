"""The intervals of the periodic jobs: the usage rollups (usage/rollups/), the daily credentials
re-test and the reaper (orchestrator/periodic.py). Celery beat or, where none runs, the embedded
schedule (orchestrator/schedule.py) runs them; each job names its interval's setting where it is
declared (`@periodic(interval_setting=...)`)."""

from config.settings.env import env

USAGE_ROLLUP_SECONDS = env.int("USAGE_ROLLUP_SECONDS", default=300)

# Every active provider config is tested daily, so an expired or revoked key raises the
# "Provider credentials failing" alert before users meet it.
PROVIDER_RETEST_SECONDS = env.int("PROVIDER_RETEST_SECONDS", default=24 * 3600)

# The reaper (orchestrator/reaper.py): closes quota holds and AI tasks whose process died, and
# reconciles the quota counters with the usage log. A hold (and a running task) is abandoned
# once AI_CALL_BUDGET plus this margin has passed. The margin must cover the database waits a
# call may still make after its vendor answered (3 x DB_POOL_TIMEOUT; check orchestrator.W001).
REAPER_SECONDS = env.int("REAPER_SECONDS", default=60)
QUOTA_HOLD_MARGIN = env.int("QUOTA_HOLD_MARGIN", default=60)
# A background AI task may make two calls (a cover letter regenerated once), each within the
# call budget: running longer than this, its worker died. Pending longer, no worker took it.
AI_TASK_DEADLINE = env.int("AI_TASK_DEADLINE", default=300)
AI_TASK_PENDING_MAX = env.int("AI_TASK_PENDING_MAX", default=3600)
