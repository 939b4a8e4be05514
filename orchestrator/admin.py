"""The provider console: provider configs (admin_providers.py), routing, prices, background
tasks and quota holds (admin_holds.py); the usage log, its dashboard and alerts are usage's
(usage/admin/). Its shared parts, and who may open it, are in admin_console.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils import timezone
from genai_prices.types import TieredPrices

from . import admin_holds, admin_providers, admin_routing, pricing  # noqa: F401 - they register
from .admin_console import ProviderAdminsOnly, ReadOnly
from .models import AITask, ModelPrice, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    list_display = ["plan", "task", "tier"]
    list_editable = ["tier"]
    list_filter = ["plan", "task", "tier"]
    list_select_related = ["plan"]
    ordering = ["plan_id", "task"]

    def get_urls(self):
        return [
            path(
                "matrix/",
                self.admin_site.admin_view(self.matrix_view),
                name="orchestrator_routing_matrix",
            ),
            *super().get_urls(),
        ]

    def matrix_view(self, request):
        return admin_routing.routing_matrix(request, model_admin=self)


@admin.register(ModelPrice)
class ModelPriceAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    list_display = [
        "provider_type",
        "model",
        "input_per_million",
        "output_per_million",
        "cached_input_per_million",
        "library_price",
        "updated_at",
    ]
    list_editable = ["input_per_million", "output_per_million", "cached_input_per_million"]
    list_filter = ["provider_type"]
    search_fields = ["model"]

    @admin.display(description="Price in genai-prices (this row overrides it)")
    def library_price(self, price):
        """What the row overrides: the maintained price per million tokens, if there is one."""
        rates = pricing.library_rates(price.provider_type, price.model, timezone.now().date())
        if rates is None:
            return "— (unknown: this row is its only price)"
        parts = []
        for label, kind in pricing.KINDS:
            rate = getattr(rates, kind)
            tiered = isinstance(rate, TieredPrices)
            value = rate.base if tiered else rate
            parts.append(f"{label} ${value.normalize():f}{' (+tiers)' if tiered else ''}")
        return ", ".join(parts)


@admin.register(AITask)
class AITaskAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = ["id", "kind", "owner", "status", "error_code", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]
    search_fields = ["=id", "owner__username", "owner__email"]
    date_hierarchy = "created_at"
    # A task's params and result are the user's documents (profile, CV, letter, job text) and
    # its error message may quote them: personal data that only superusers open.
    METADATA_FIELDS = [
        "id",
        "kind",
        "owner",
        "status",
        "error_code",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fields(request, obj)
        return self.METADATA_FIELDS
