"""The provider console's provider configs: the list (state of each config at a glance, plus
the columns apps above the gateway add: admin_extensions), the write-only key, "Test now", the
model check, and the actions (test, make default, activate, forget refused parameters)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.views.decorators.debug import sensitive_post_parameters

from . import pricing
from .admin_console import WIDE, ProviderAdminsOnly, badge
from .admin_extensions import provider_list_extensions
from .admin_services import (
    KEY_UNREADABLE,
    provider_config_make_default,
    provider_config_set_active,
)
from .catalogue import capabilities, shutdown_date
from .forms import ProviderConfigForm
from .gateway.attempt import healing_warnings, unsupported_for, unsupported_forget
from .models import ProviderConfig
from .resilience import breaker_state
from .services import provider_test
from .snapshot import config_key_unreadable

TEST_LABELS = {"ok": "ok", "failed": "failed", "untested": "untested"}
TEST_COLOURS = {"ok": "#2e7d32", "failed": "#c62828", "untested": "#b26a00"}
STATUS_COLOURS = {
    "active": "#2e7d32",
    "key unreadable": "#c62828",
    "inactive": "#616161",
    "awaiting test": "#b26a00",
    "default": "#1565c0",
}
KEY_UNREADABLE_HELP = (
    "The stored API key cannot be decrypted with FIELD_ENCRYPTION_KEYS; calls skip this "
    "provider. Enter the key again (or restore the encryption key that encrypted it)."
)
BREAKER_COLOURS = {"closed": "#2e7d32", "half-open": "#b26a00", "open": "#c62828"}


class ProviderList(ChangeList):
    """The provider list's page: each extension reads its figures for the page's configs once,
    before its columns show them."""

    def get_results(self, request):
        super().get_results(request)
        for extension in provider_list_extensions():
            if extension.prepare is not None:
                extension.prepare(list(self.result_list))


@admin.register(ProviderConfig)
class ProviderConfigAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    form = ProviderConfigForm
    change_form_template = "admin/orchestrator/providerconfig/change_form.html"
    # One fact per column, and after them the columns of the extensions (usage: the last 24
    # hours' figures): a wide page (WIDE) of 1,400 px.
    list_display = [
        "name_and_type",
        "models",
        "fingerprint",
        "priority",
        "active",
        "default",
        "breaker",
        "last_test",
    ]
    list_display_links = ["name_and_type"]
    # Configs are few, so the list shows them all: no filter sidebar, its width goes to the
    # columns (the search box stays).
    list_filter = []
    search_fields = ["name", "fast_model", "quality_model"]
    readonly_fields = [
        "fingerprint",
        "is_default",
        "last_tested_at",
        "last_test_status",
        "last_test_message",
        "test_warnings",
        "model_check",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "provider_type",
                    "base_url",
                    "fast_model",
                    "quality_model",
                    "priority",
                    "is_active",
                    "activate_untested",
                    "is_default",
                    "model_check",
                ]
            },
        ),
        ("API key", {"fields": ["fingerprint", "api_key", "remove_api_key"]}),
        (
            "Last credentials test",
            {
                "fields": [
                    "last_tested_at",
                    "last_test_status",
                    "last_test_message",
                    "test_warnings",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["test_credentials", "make_default", "activate", "deactivate", "forget_refused"]

    def get_list_display(self, request):
        extra = [column for e in provider_list_extensions() for column in e.columns]
        return [*super().get_list_display(request), *extra]

    def get_changelist(self, request, **kwargs):
        return ProviderList

    def changelist_view(self, request, extra_context=None):
        notes = [e.note for e in provider_list_extensions() if e.note]
        context = {**(extra_context or {}), **WIDE, "list_notes": notes}
        return super().changelist_view(request, context)

    @method_decorator(sensitive_post_parameters("api_key"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # "Activate before a test passes" is a choice made when adding; the model check needs
        # a saved config.
        left_out = "activate_untested" if obj is not None else "model_check"
        first = {**fieldsets[0][1]}
        first["fields"] = [f for f in first["fields"] if f != left_out]
        return [(fieldsets[0][0], first), *fieldsets[1:]]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/test/",
                self.admin_site.admin_view(self.test_now_view),
                name="orchestrator_providerconfig_test",
            ),
            *super().get_urls(),
        ]

    def test_now_view(self, request, object_id):
        """The change page's "Test now" button: test, report, back to the page."""
        config = get_object_or_404(ProviderConfig, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, config):
            raise PermissionDenied
        self._report_test(request, config)
        return redirect(reverse("admin:orchestrator_providerconfig_change", args=[config.pk]))

    def _report_test(self, request, config) -> None:
        waiting = config.activate_when_tested
        result = provider_test(config=config)
        self.message_user(
            request, result.message, messages.SUCCESS if result.ok else messages.ERROR
        )
        for warning in result.warnings:
            self.message_user(request, f"{config.name}: {warning}", messages.WARNING)
        if result.ok and waiting:
            self.message_user(request, f"{config.name} is now active.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.activate_when_tested:
            self.message_user(
                request,
                f"{obj.name} stays inactive until a credentials test passes: press Test now.",
                messages.WARNING,
            )

    @admin.display(description="Name", ordering="name")
    def name_and_type(self, config):
        return format_html(
            '{}<br><span class="quiet">{}</span>', config.name, config.get_provider_type_display()
        )

    @admin.display(description="Models (fast / quality)")
    def models(self, config):
        if config.fast_model == config.quality_model:
            return config.fast_model
        return format_html("{}<br>{}", config.fast_model, config.quality_model)

    @admin.display(description="Active", ordering="is_active")
    def active(self, config):
        """In the chain or not; an active config whose key cannot be decrypted is skipped."""
        if not config.is_active:
            state = "awaiting test" if config.activate_when_tested else "inactive"
        elif config_key_unreadable(config):
            return badge(KEY_UNREADABLE, STATUS_COLOURS[KEY_UNREADABLE], KEY_UNREADABLE_HELP)
        else:
            state = "active"
        return badge(state, STATUS_COLOURS[state])

    @admin.display(description="Default", ordering="-is_default")
    def default(self, config):
        return badge("default", STATUS_COLOURS["default"]) if config.is_default else ""

    @admin.display(description="Last test", ordering="last_tested_at")
    def last_test(self, config):
        # The last test's message is long: it is the badge's tooltip, and on the change page.
        status = config.last_test_status
        badges = [badge(TEST_LABELS[status], TEST_COLOURS[status], config.last_test_message)]
        if config.last_tested_at:
            badges.append(
                format_html(
                    '<span class="quiet" title="{}">{} ago</span>',
                    f"{config.last_tested_at:%Y-%m-%d %H:%M:%S} UTC",
                    timesince(config.last_tested_at).split(",")[0],
                )
            )
        if config.last_test_warnings:
            count = len(config.last_test_warnings)
            tip = " ".join(config.last_test_warnings)
            badges.append(badge(f"{count} warning{'s' * (count > 1)}", "#b26a00", tip))
        return format_html(" ".join(["{}"] * len(badges)), *badges)

    def failing_reasons(self, config) -> list[str]:
        """Why a config would fail as the default (the "Make default" warning)."""
        reasons = []
        if config_key_unreadable(config):
            reasons.append("its API key cannot be decrypted")
        if config.last_test_status == ProviderConfig.TestStatus.FAILED:
            reasons.append(f"its last credentials test failed ({config.last_test_message})")
        if breaker_state(config.pk) == "open":
            reasons.append("its circuit is open after repeated failures")
        for extension in provider_list_extensions():
            if extension.failing_reasons is not None:
                reasons.extend(extension.failing_reasons(config))
        return reasons

    @admin.display(description="Warnings")
    def test_warnings(self, config):
        # The last test's, and any parameter a vendor refused since (gateway/attempt.py heals it).
        healed = healing_warnings(config.provider_type, [config.fast_model, config.quality_model])
        warnings = list(dict.fromkeys([*config.last_test_warnings, *healed]))
        if not warnings:
            return "—"
        return format_html(
            "<ul style='margin:0;padding-left:16px'>{}</ul>",
            format_html_join("", "<li>{}</li>", ((w,) for w in warnings)),
        )

    @admin.display(description="Model check")
    def model_check(self, config):
        """Without calling the vendor: what prices each model, and whether it is retiring."""
        if config is None or not config.pk:
            return "—"
        rows = []
        for tier, model in (("fast", config.fast_model), ("quality", config.quality_model)):
            source = pricing.rates_for(provider_type=config.provider_type, model=model).source
            retiring = shutdown_date(config.provider_type, model)
            notes = [pricing.SOURCE_LABELS[source]]
            if retiring:
                notes.append(f"shuts down {retiring}")
            elif pricing.library_deprecated(config.provider_type, model):
                notes.append("deprecated by its vendor")
            notes.append(capability_summary(config.provider_type, model))
            rows.append((tier, model, "; ".join(notes)))
        return format_html(
            "<ul style='margin:0;padding-left:16px'>{}</ul>",
            format_html_join("", "<li>{}: <code>{}</code> — {}</li>", rows),
        )

    @admin.display(description="Key")
    def fingerprint(self, config):
        return format_html(
            '<code style="white-space:nowrap">{}</code>', config.key_fingerprint or "—"
        )

    @admin.display(description="Circuit")
    def breaker(self, config):
        state = breaker_state(config.pk)
        return badge(state, BREAKER_COLOURS.get(state, "#616161"))

    @admin.action(description="Test credentials (a cheap real call per model)")
    def test_credentials(self, request, queryset):
        for config in queryset:
            self._report_test(request, config)

    @admin.action(description="Make default")
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one provider to make default.", messages.WARNING
            )
            return
        config = provider_config_make_default(config=queryset.get())
        self.log_change(request, config, "Made default.")
        self.message_user(request, f"{config.name} is now the default provider.", messages.SUCCESS)
        if reasons := self.failing_reasons(config):
            self.message_user(
                request,
                f"{config.name} is failing: {'; '.join(reasons)}. Calls will fall back to the "
                "next provider until it is fixed; test it, or make a working config default.",
                messages.WARNING,
            )

    @admin.action(description="Forget the parameters its models refused (send them again)")
    def forget_refused(self, request, queryset):
        """After the catalogue's row is corrected: calls send the model's parameters again."""
        for config in queryset:
            for model in {config.fast_model, config.quality_model}:
                unsupported_forget(provider_type=config.provider_type, model=model)
        self.message_user(
            request,
            f"Forgot the refused parameters of {queryset.count()} provider(s).",
            messages.SUCCESS,
        )

    @admin.action(description="Activate")
    def activate(self, request, queryset):
        count = self._set_active(request, queryset, active=True)
        self.message_user(request, f"Activated {count} provider(s).", messages.SUCCESS)

    @admin.action(description="Deactivate")
    def deactivate(self, request, queryset):
        count = self._set_active(request, queryset, active=False)
        self.message_user(request, f"Deactivated {count} provider(s).", messages.SUCCESS)

    def _set_active(self, request, queryset, *, active: bool) -> int:
        # The history page says who switched which config on or off, as it does for edits.
        changing = list(queryset.exclude(is_active=active))
        count = provider_config_set_active(configs=queryset, active=active)
        for config in changing:
            self.log_change(request, config, "Activated." if active else "Deactivated.")
        return count

    def construct_change_message(self, request, form, formsets, add=False):
        # Django's message names the changed fields by label ("Base URL", "API key"), never
        # their values; the key's checkbox reads better as what it did.
        message = super().construct_change_message(request, form, formsets, add)
        for entry in message:
            fields = entry.get("changed", {}).get("fields")
            if fields and "Remove the stored key" in fields:
                fields[fields.index("Remove the stored key")] = "API key (removed)"
        return message


def capability_summary(provider_type: str, model: str) -> str:
    """What the catalogue's capability row says the model takes, in one line."""
    row = capabilities(provider_type, model)
    parts = []
    if row.control:
        parts.append(f"{row.control} {'/'.join(row.levels)} (default {row.default or '?'})")
    else:
        parts.append("no thinking setting sent")
    parts.append("temperature" if row.sampling else "no temperature")
    if row.min_temperature:
        parts[-1] += f" (not below {row.min_temperature:g})"
    if row.max_output:
        parts.append(f"max output {row.max_output:,}")
    if row.context_window:
        parts.append(f"context {row.context_window:,}")
    refused = unsupported_for(provider_type=provider_type, model=model)
    if refused:
        parts.append(f"refused at run time, now left out: {', '.join(refused)}")
    return "; ".join(parts)
