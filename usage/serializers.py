from __future__ import annotations

from rest_framework import serializers

from billing.models import Plan
from billing.quotas import LIMIT_NAMES
from core.api import ModelSerializer
from core.errors import user_message
from orchestrator.models import UsageLog


class PlanLimitsSerializer(ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "daily_token_limit",
            "monthly_token_limit",
            "monthly_cost_limit_usd",
        ]
        read_only_fields = fields


class TaskUsageSerializer(serializers.Serializer):
    task = serializers.CharField()
    calls = serializers.IntegerField()
    errors = serializers.IntegerField()
    tokens = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=20, decimal_places=8)


class PeriodUsageSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Start of the UTC day or month.")
    calls = serializers.IntegerField(help_text="AI calls, failed ones and cache hits included.")
    errors = serializers.IntegerField()
    cache_hits = serializers.IntegerField()
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    tokens = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=20, decimal_places=8)
    by_task = TaskUsageSerializer(many=True)


class RemainingSerializer(serializers.Serializer):
    daily_tokens = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    monthly_tokens = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    monthly_cost_usd = serializers.DecimalField(
        max_digits=20, decimal_places=8, allow_null=True, help_text="null: unlimited."
    )


class HeldSerializer(serializers.Serializer):
    daily_tokens = serializers.IntegerField()
    monthly_tokens = serializers.IntegerField()
    monthly_cost_usd = serializers.DecimalField(max_digits=20, decimal_places=8)


class LimitsSerializer(serializers.Serializer):
    daily_tokens = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    monthly_tokens = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    monthly_cost_usd = serializers.DecimalField(
        max_digits=20, decimal_places=8, allow_null=True, help_text="null: unlimited."
    )
    own = serializers.ListField(
        child=serializers.ChoiceField(choices=LIMIT_NAMES),
        help_text="The limits set for you in place of your plan's; the others are your plan's.",
    )


class UsageSummarySerializer(serializers.Serializer):
    plan = PlanLimitsSerializer(help_text="Your plan, with its own limits.")
    limits = LimitsSerializer(help_text="The limits your calls run under.")
    today = PeriodUsageSerializer()
    month = PeriodUsageSerializer()
    held = HeldSerializer(
        help_text="Held by your requests in progress until they end; counted in `remaining`."
    )
    remaining = RemainingSerializer()


class UsageLogSerializer(ModelSerializer):
    error_message = serializers.SerializerMethodField(
        help_text="A plain sentence for the error code; empty when the call succeeded."
    )

    class Meta:
        model = UsageLog
        fields = [
            "id",
            "created_at",
            "task_type",
            "provider_type",
            "model",
            "tier",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cost_usd",
            "latency_ms",
            "status",
            "error_code",
            "error_message",
            "cache_hit",
            "request_id",
            "attempt",
        ]
        read_only_fields = fields

    def get_error_message(self, log: UsageLog) -> str:
        # The stored message is the vendor's text, kept for admins only.
        return user_message(log.error_code)
