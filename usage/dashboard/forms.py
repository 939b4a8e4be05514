"""The usage dashboard's period: a fixed number of whole UTC days, or a custom range."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.utils import timezone

# "Last N days" are whole UTC days, today's so far included: every day a chart shows is
# complete but today, and the reports read those days from their rollups (a rolling window's
# partial first day had to be read row by row from the log, up to a day of rows).
PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90}
MAX_CUSTOM_DAYS = 400


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=[
            ("24h", "Last 24 hours"),
            ("7d", "Last 7 days"),
            ("30d", "Last 30 days"),
            ("90d", "Last 90 days"),
            ("custom", "Custom"),
        ],
        initial="7d",
        required=False,
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Inclusive."
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            since, until = data.get("since"), data.get("until") or timezone.now().date()
            if not since:
                self.add_error("since", "A custom period needs a start date.")
            elif since > until:
                self.add_error("until", "The end date is before the start date.")
            elif (until - since).days > MAX_CUSTOM_DAYS:
                self.add_error("since", f"Choose at most {MAX_CUSTOM_DAYS} days.")
            data["until"] = until
        return data

    def window(self, *, now: datetime | None = None) -> tuple[datetime, datetime]:
        """[since, until) as aware UTC datetimes; the last 7 days when the form is invalid."""
        now = now or timezone.now()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("period") == "custom":
            start = datetime.combine(data["since"], time.min, tzinfo=UTC)
            end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=UTC)
            return start, end
        if data.get("period") == "24h":
            return now - timedelta(hours=24), now
        days = PERIOD_DAYS.get(data.get("period") or "7d", 7)
        first = now.astimezone(UTC).date() - timedelta(days=days - 1)
        return datetime.combine(first, time.min, tzinfo=UTC), now
