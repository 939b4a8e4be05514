"""Where alerts go, in the admin: the alert channels (with a "send test" action), what became
of each alert's news per channel, and latency thresholds per task and tier (inline on the
alert thresholds page). Provider admins only, like the rest of the console."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from core.admin_filters import DeliveredOrNot
from orchestrator.admin_console import ProviderAdminsOnly, ReadOnly, badge
from usage.alerts.channels import DeliveryFailed, channel_set_url
from usage.alerts.delivery import MAX_ATTEMPTS, alert_channel_test
from usage.models import Alert, AlertChannel, AlertDelivery, LatencyThreshold


class AlertChannelForm(forms.ModelForm):
    url = forms.URLField(
        label="Webhook URL",
        required=False,
        assume_scheme="https",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Webhooks only. Stored encrypted and shown by its last characters only; "
        "leave empty to keep the stored one.",
    )
    alert_kinds = forms.MultipleChoiceField(
        choices=Alert.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every kind.",
    )

    class Meta:
        model = AlertChannel
        fields = ["name", "kind", "url", "addresses", "alert_kinds", "allow_private_network"]
        fields += ["is_active"]

    def clean(self):
        data = super().clean()
        kind, url = data.get("kind"), data.get("url")
        webhook = kind in (AlertChannel.Kind.SLACK, AlertChannel.Kind.WEBHOOK)
        if webhook and not url and not self.instance.url_encrypted:
            self.add_error("url", "A webhook channel needs its URL.")
        if kind == AlertChannel.Kind.EMAIL and url:
            self.add_error("url", "A mail channel has addresses, not a URL.")
        return data

    def save(self, commit=True):
        if url := self.cleaned_data.get("url"):
            channel_set_url(channel=self.instance, url=url)
        return super().save(commit)


class LatencyThresholdInline(ProviderAdminsOnly, admin.TabularInline):
    model = LatencyThreshold
    fields = ["task", "tier", "p95_latency_ms"]
    extra = 1
    verbose_name_plural = (
        "p95 latency thresholds per task and tier (in place of the general one for those calls)"
    )


@admin.register(AlertChannel)
class AlertChannelAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    form = AlertChannelForm
    list_display = ["name", "kind", "destination", "kinds", "is_active", "last_delivery"]
    list_filter = ["kind", "is_active"]
    actions = ["send_test"]

    @admin.display(description="Destination")
    def destination(self, channel):
        if channel.kind == AlertChannel.Kind.EMAIL:
            return channel.addresses.strip() or "ADMINS"
        return channel.url_hint or "—"

    @admin.display(description="Alert kinds")
    def kinds(self, channel):
        labels = dict(Alert.Kind.choices)
        return ", ".join(labels.get(k, k) for k in channel.alert_kinds) or "all"

    @admin.display(description="Last delivery")
    def last_delivery(self, channel):
        last = channel.deliveries.order_by("-last_attempt_at").first()
        if last is None or last.last_attempt_at is None:
            return "—"
        if last.delivered_at:
            return badge("delivered", "#2e7d32", f"{last.delivered_at:%Y-%m-%d %H:%M} UTC")
        return badge(f"failed ×{last.attempts}", "#c62828", last.last_error)

    @admin.action(description="Send a test alert", permissions=["view"])
    def send_test(self, request, queryset):
        for channel in queryset:
            try:
                alert_channel_test(channel=channel)
            except DeliveryFailed as exc:
                self.message_user(request, f"{channel}: not sent. {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{channel}: test alert accepted.", messages.SUCCESS)


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = ["what", "channel", "state", "attempts", "times", "error"]
    list_filter = ["channel", "event", DeliveredOrNot]
    list_select_related = ["alert", "channel"]

    @admin.display(description="Alert", ordering="alert__last_seen")
    def what(self, delivery):
        kind = delivery.alert.get_kind_display()
        return format_html(
            "{}<br><span class='quiet'>{} · {}</span>",
            delivery.alert.subject,
            kind,
            delivery.get_event_display().lower(),
        )

    @admin.display(description="Times (UTC)", ordering="last_attempt_at")
    def times(self, delivery):
        if delivery.delivered_at:
            return f"delivered {short_time(delivery.delivered_at)}"
        return format_html(
            "tried {}<br>next {}",
            short_time(delivery.last_attempt_at),
            short_time(delivery.next_attempt_at) if delivery.attempts < MAX_ATTEMPTS else "never",
        )

    @admin.display(description="Last error")
    def error(self, delivery):
        text = delivery.last_error
        return (
            format_html('<span title="{}">{}</span>', text, Truncator(text).chars(80))
            if text
            else ""
        )

    @admin.display(description="State")
    def state(self, delivery):
        if delivery.delivered_at:
            return badge("delivered", "#2e7d32")
        return badge("failing" if delivery.attempts else "pending", "#c62828")


def short_time(moment: datetime | None) -> str:
    """ "11-29 20:33": a list column's time (UTC; the year and seconds are in the detail)."""
    return "—" if moment is None else f"{moment.astimezone(UTC):%m-%d %H:%M}"


def short_number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return (
        f"{value:,.0f}"
        if value == value.to_integral_value() or abs(value) >= 100
        else f"{value:.4g}"
    )


def delivery_summary(alert: Alert) -> str:
    """For the alert list: which channels took the alert, which did not yet."""
    parts = [
        format_html(
            "{} {}",
            d.channel.name,
            "✓" if d.delivered_at else f"✗ ({d.attempts})",
        )
        for d in alert.deliveries.all()
    ]
    return format_html(", ".join(["{}"] * len(parts)), *parts) if parts else "—"
