"""Sending alert news to a channel: mail, a Slack-compatible webhook ({"text": ...}) or a plain
JSON webhook. A webhook URL is a credential: it is stored encrypted, shown by its hint, and
never written to a log, an error message or a delivery record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import mail_admins, send_mail

from core import outbound
from core.secrets import scrub
from orchestrator import crypto
from usage.models import Alert, AlertChannel

WEBHOOK_TIMEOUT = 10.0  # seconds: the alert check waits for each channel in turn


class DeliveryFailed(Exception):
    """The channel did not accept the message; the text is safe to store and show."""


@dataclass(frozen=True)
class News:
    """What one message to a channel carries."""

    firing: list[Alert]
    resolved: list[Alert]
    links: str = ""

    @property
    def summary(self) -> str:
        parts = []
        if self.firing:
            parts.append(f"{len(self.firing)} alert{'s' if len(self.firing) > 1 else ''} firing")
        if self.resolved:
            parts.append(f"{len(self.resolved)} resolved")
        return f"AI orchestrator: {', '.join(parts)}"

    @property
    def text(self) -> str:
        lines = [
            f"FIRING  {a.get_kind_display()} — {a.subject}\n        {a.message}\n"
            f"        first seen {a.first_seen:%Y-%m-%d %H:%M} UTC"
            for a in self.firing
        ]
        lines += [
            f"RESOLVED  {a.get_kind_display()} — {a.subject} (open since "
            f"{a.first_seen:%Y-%m-%d %H:%M} UTC)"
            for a in self.resolved
        ]
        if self.links:
            lines.append(self.links)
        return "\n\n".join(lines)

    def as_json(self) -> dict:
        def one(alert: Alert) -> dict:
            return {
                "kind": alert.kind,
                "kind_label": alert.get_kind_display(),
                "subject": alert.subject,
                "message": alert.message,
                "value": None if alert.value is None else str(alert.value),
                "threshold": None if alert.threshold is None else str(alert.threshold),
                "first_seen": alert.first_seen.isoformat(),
                "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
            }

        return {
            "summary": self.summary,
            "firing": [one(a) for a in self.firing],
            "resolved": [one(a) for a in self.resolved],
            "text": self.text,
        }


def url_hint(url: str) -> str:
    """How a webhook URL is shown: its scheme and host, and the last 4 characters of the rest,
    enough to tell two URLs apart, not enough to post to one."""
    parts = urlsplit(url)
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    return (
        f"{parts.scheme}://{parts.hostname}/…{rest[-4:]}"
        if rest
        else f"{parts.scheme}://{parts.hostname}"
    )


def channel_set_url(*, channel: AlertChannel, url: str) -> None:
    channel.url_encrypted = crypto.encrypt(url)
    channel.url_hint = url_hint(url)


def channel_send(*, channel: AlertChannel, news: News) -> None:
    """Send the news to the channel; DeliveryFailed says why it was not accepted."""
    if channel.kind == AlertChannel.Kind.EMAIL:
        _send_mail(channel, news)
        return
    body = {"text": f"{news.summary}\n\n{news.text}"} if channel.kind == "slack" else news.as_json()
    _post(channel, body)


def _send_mail(channel: AlertChannel, news: News) -> None:
    addresses = [a for a in re.split(r"[\s,;]+", channel.addresses) if a]
    try:
        if addresses:
            send_mail(news.summary, news.text, settings.SERVER_EMAIL, addresses)
        elif settings.ADMINS:
            mail_admins(news.summary, news.text)
        else:
            raise DeliveryFailed("No addresses, and ADMINS is empty.")
    except (OSError, ValueError) as exc:  # SMTP and socket errors
        raise DeliveryFailed(f"Mail not sent: {type(exc).__name__}: {exc}") from exc


def _post(channel: AlertChannel, body: dict) -> None:
    try:
        url = crypto.decrypt(channel.url_encrypted)
    except crypto.DecryptionError as exc:
        raise DeliveryFailed(
            "The webhook URL cannot be decrypted with FIELD_ENCRYPTION_KEYS; enter it again."
        ) from exc
    if not url:
        raise DeliveryFailed("No webhook URL is set.")
    try:
        # No redirects: the address checked is the one posted to, and the only one dialled.
        answer = outbound.post_json(
            url, body, timeout=WEBHOOK_TIMEOUT, allowed=channel.allow_private_network
        )
    except ValueError as exc:
        raise DeliveryFailed("The webhook URL must be http:// or https:// with a host.") from exc
    except outbound.AddressNotFound as exc:
        raise DeliveryFailed(f"The webhook host of {channel.url_hint} does not resolve.") from exc
    except outbound.AddressRefused as exc:
        raise DeliveryFailed(
            f"The webhook host of {channel.url_hint} is on a private network or this machine "
            f"({exc.address}); tick “allow private network” on the channel to send there."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any failure of one channel is that channel's
        # Error messages may quote the URL; the hint stands in for it.
        raise DeliveryFailed(
            f"{type(exc).__name__} posting to {channel.url_hint}: {_scrub(str(exc), url)}"
        ) from exc
    if not 200 <= answer.status < 300:
        raise DeliveryFailed(
            f"{channel.url_hint} answered HTTP {answer.status}: {_scrub(answer.text[:200], url)}"
        )


def _scrub(text: str, url: str) -> str:
    """The text without the URL, nor its path or query on their own (where a token lives), nor
    anything shaped like a key."""
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return scrub(text)
