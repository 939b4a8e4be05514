"""Alerts (usage/alerts/): the thresholds' first values and how often the check runs."""

from config.settings.env import env

# The thresholds' first values: once saved in the admin (AlertThresholds), the admin's apply.
ALERT_ERROR_RATE = env.float("ALERT_ERROR_RATE", default=0.10)  # share of a provider's calls
ALERT_P95_LATENCY_MS = env.int("ALERT_P95_LATENCY_MS", default=5000)
ALERT_COST_SPIKE_FACTOR = env.float("ALERT_COST_SPIKE_FACTOR", default=2.0)  # × 7-day average
ALERT_WINDOW_MINUTES = env.int("ALERT_WINDOW_MINUTES", default=60)
# Below this many calls in the window a provider's error rate and p95 say nothing: one error
# in two calls must not page anyone.
ALERT_MIN_CALLS = env.int("ALERT_MIN_CALLS", default=20)
ALERT_QUOTA_EXCEEDED_MIN = env.int("ALERT_QUOTA_EXCEEDED_MIN", default=1)  # refusals in window
ALERT_REPEAT_HOURS = env.float("ALERT_REPEAT_HOURS", default=6)  # re-mail a still-open alert
ALERT_CHECK_SECONDS = env.int("ALERT_CHECK_SECONDS", default=300)
