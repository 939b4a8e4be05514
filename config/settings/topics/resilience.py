"""Resilience of the AI calls: result cache, retries, call budget, circuit breaker, throttles
(orchestrator/result_cache.py, orchestrator/resilience.py, orchestrator/edge.py)."""

from config.settings.env import env

AI_CACHE_TTL = env.int("AI_CACHE_TTL", default=7 * 24 * 3600)  # seconds
AI_MAX_ATTEMPTS_PER_PROVIDER = env.int("AI_MAX_ATTEMPTS_PER_PROVIDER", default=3)
AI_RETRY_BASE_DELAY = env.float("AI_RETRY_BASE_DELAY", default=0.5)  # seconds, doubles
AI_RETRY_MAX_DELAY = env.float("AI_RETRY_MAX_DELAY", default=8.0)
# A vendor asking us to wait longer than this is skipped for the next provider instead.
AI_RETRY_AFTER_MAX = env.float("AI_RETRY_AFTER_MAX", default=20.0)
AI_CALL_BUDGET = env.float("AI_CALL_BUDGET", default=120.0)  # seconds for all attempts
AI_BREAKER_THRESHOLD = env.int("AI_BREAKER_THRESHOLD", default=5)  # consecutive failures
AI_BREAKER_COOLDOWN = env.int("AI_BREAKER_COOLDOWN", default=30)  # seconds
# Per-user rates of the AI endpoints (orchestrator/edge.py).
AI_THROTTLE_RATES = {
    "ai_burst": env("AI_THROTTLE_BURST", default="20/min"),
    "ai_sustained": env("AI_THROTTLE_SUSTAINED", default="500/day"),
}
# Admission control (orchestrator/resilience.py): AI calls and streamed answers in flight at
# once; beyond them a request is refused at once with 503 and Retry-After. 0 = no bound.
AI_MAX_CALLS_IN_FLIGHT = env.int("AI_MAX_CALLS_IN_FLIGHT", default=60)  # per process
AI_MAX_STREAMS_IN_FLIGHT = env.int("AI_MAX_STREAMS_IN_FLIGHT", default=16)  # per process
AI_MAX_STREAMS_TOTAL = env.int("AI_MAX_STREAMS_TOTAL", default=64)  # all processes (Redis)
AI_STREAM_LEASE_SECONDS = env.int("AI_STREAM_LEASE_SECONDS", default=600)
AI_ADMISSION_RETRY_AFTER = env.int("AI_ADMISSION_RETRY_AFTER", default=2)  # seconds
