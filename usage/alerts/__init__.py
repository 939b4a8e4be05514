"""Alerts: what the periodic check finds (findings.py: error rates, latencies, cost spikes,
quota refusals, billing failures, failing credentials), how it stores and resolves them
(check.py), and where their news goes (channels.py: mail and webhooks; delivery.py: each
alert's deliveries, tried again until a channel accepts them). This package is their public
face: `from usage.alerts import alerts_check`.
"""

from .check import alert_resolve, alerts_check, alerts_open
from .findings import Finding, alert_findings, alert_recipients, alert_thresholds

__all__ = [
    "Finding",
    "alert_findings",
    "alert_recipients",
    "alert_resolve",
    "alert_thresholds",
    "alerts_check",
    "alerts_open",
]
