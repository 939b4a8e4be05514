"""The prompt registry in the admin: versions (edited as new versions once used, compared in a
diff, made live through the evaluation gate), experiments and their arms' figures, the gate's
tolerance."""

from __future__ import annotations

import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.errors import AppError
from orchestrator.registry import task_label
from usage.dashboard.sections import DashboardSection, dashboard_section_register

from . import services
from .figures import arm_figures
from .models import Evaluation, Experiment, ExperimentArm, PromptGate, PromptLive, PromptVersion

DIFFED = (("System prompt", "system_prompt"), ("User template", "user_template"))


class PromptVersionForm(forms.ModelForm):
    class Meta:
        model = PromptVersion
        fields = ["task", "system_prompt", "user_template", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # a version stays a version of its task
            self.fields["task"].disabled = True

    def clean(self):
        data = super().clean()
        if {"task", "system_prompt", "user_template"} <= data.keys():
            for problem in services.version_problems(
                task=data["task"],
                system_prompt=data["system_prompt"],
                user_template=data["user_template"],
            ):
                self.add_error(None, problem)
        return data


class GateActionForm(ActionForm):
    note = forms.CharField(
        required=False,
        label="Override note",
        help_text="Superusers: why this version goes live although it misses the gate.",
    )


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    fields = ["created_at", "provider", "cases", "graders", "cost_usd", "latency_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="graders")
    def graders(self, obj: Evaluation) -> str:
        return ", ".join(f"{name} {value:.3f}" for name, value in sorted(obj.figures.items()))


@admin.register(PromptVersion)
class PromptVersionAdmin(admin.ModelAdmin):
    form = PromptVersionForm
    action_form = GateActionForm
    list_display = ["label", "task", "note", "author", "created_at", "is_live", "evaluated", "diff"]
    list_filter = ["task"]
    readonly_fields = ["number", "author", "created_at", "used_at", "variables"]
    inlines = [EvaluationInline]
    actions = ["make_live", "make_live_overriding_gate", "start_experiment"]

    def get_urls(self):
        diff = self.admin_site.admin_view(self.diff_view)
        return [
            path("<int:pk>/diff/", diff, name="prompts_promptversion_diff"),
            *super().get_urls(),
        ]

    @admin.display(description="variables")
    def variables(self, obj: PromptVersion) -> str:
        from orchestrator.registry import task_get

        spec = task_get(obj.task) if obj.task else None
        if spec is None or spec.prompt is None:
            return "-"
        return ", ".join(
            f"${name}" + (" (required)" if name in spec.prompt.required else "")
            for name in spec.prompt.variables
        )

    @admin.display(boolean=True, description="live")
    def is_live(self, obj: PromptVersion) -> bool:
        return PromptLive.objects.filter(task=obj.task, version=obj).exists()

    @admin.display(description="latest evaluation")
    def evaluated(self, obj: PromptVersion) -> str:
        latest = services.latest_evaluation(obj)
        if latest is None:
            return "-"
        return ", ".join(f"{name} {value:.2f}" for name, value in sorted(latest.figures.items()))

    @admin.display(description="diff")
    def diff(self, obj: PromptVersion) -> str:
        if obj.number <= 1:
            return "-"
        url = reverse("admin:prompts_promptversion_diff", args=[obj.pk])
        return format_html('<a href="{}">against {}</a>', url, obj.number - 1)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a used version is never deleted (below)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        # Usage rows, product rows and evaluations name a used version: it stays.
        used = obj is not None and obj.used_at is not None
        return not used and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved, kept = services.version_save(version=obj, author=request.user)
        if kept is not None:
            self.message_user(
                request,
                f"Version {kept.label} has been used, so it stays as it was: your edit is "
                f"{saved.label}.",
                messages.WARNING,
            )

    def diff_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(PromptVersion, pk=pk)
        others = PromptVersion.objects.filter(task=version.task).exclude(pk=version.pk)
        against_number = request.GET.get("against") or str(version.number - 1)
        against = others.filter(number=int(against_number) if against_number.isdigit() else 0)
        against = against.first() or others.first()
        tables = []
        if against is not None:
            for title, field in (
                ("System prompt", "system_prompt"),
                ("User template", "user_template"),
            ):
                before, after = getattr(against, field), getattr(version, field)
                if before == after:
                    tables.append((title, None))
                    continue
                # Two columns of 56 characters fit beside the admin's sidebar on a laptop.
                table = difflib.HtmlDiff(wrapcolumn=56).make_table(
                    before.splitlines(), after.splitlines(), against.label, version.label
                )
                tables.append((title, mark_safe(table)))  # HtmlDiff escapes the texts
        context = {
            **self.admin_site.each_context(request),
            "title": f"{version.label} against {against.label if against else 'nothing'}",
            "version": version,
            "against": against,
            "others": others,
            "tables": tables,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "prompts/diff.html", context)

    def _make_live(self, request, queryset, note: str) -> None:
        for version in queryset:
            try:
                services.version_make_live(version=version, user=request.user, override_note=note)
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"Version {version.label} is live.", messages.SUCCESS)

    @admin.action(description="Make live (the evaluation gate applies)")
    def make_live(self, request, queryset) -> None:
        self._make_live(request, queryset, "")

    @admin.action(description="Make live overriding the gate (superusers, with a note)")
    def make_live_overriding_gate(self, request, queryset) -> None:
        note = request.POST.get("note", "").strip()
        if not request.user.is_superuser or not note:
            self.message_user(
                request, "Only a superuser may override the gate, with a note.", messages.ERROR
            )
            return
        self._make_live(request, queryset, note)

    @admin.action(description="Start an experiment splitting traffic evenly between them")
    def start_experiment(self, request, queryset) -> None:
        try:
            experiment = services.experiment_start(versions=list(queryset.order_by("number")))
        except AppError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            arms = ", ".join(str(arm) for arm in experiment.arms.all())
            self.message_user(request, f"Experiment started: {arms}.", messages.SUCCESS)


class ExperimentArmInline(admin.TabularInline):
    """An arm's version and share are fixed when it starts; its tier may change (blank: the
    routing matrix's)."""

    model = ExperimentArm
    fields = ["version", "percent", "tier"]
    readonly_fields = ["version", "percent"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "task", "status", "started_at", "stopped_at"]
    list_filter = ["status", "task"]
    fields = ["name", "task", "status", "started_at", "stopped_at", "figures"]
    readonly_fields = ["task", "status", "started_at", "stopped_at", "figures"]
    inlines = [ExperimentArmInline]
    actions = ["stop"]

    def has_add_permission(self, request) -> bool:
        return False  # started from two versions (the versions' action)

    @admin.display(description="the arms over the experiment's life")
    def figures(self, obj: Experiment) -> str:
        table = arm_figures(obj)
        if not table["rows"]:
            return "-"
        head = "".join(format_html("<th>{}</th>", name) for name in table["columns"])
        body = "".join(
            "<tr>" + "".join(format_html("<td>{}</td>", cell) for cell in row) + "</tr>"
            for row in table["rows"]
        )
        return mark_safe(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    @admin.action(description="Stop (everyone gets the live version again)")
    def stop(self, request, queryset) -> None:
        for experiment in queryset.filter(status=Experiment.Status.RUNNING):
            services.experiment_stop(experiment=experiment)
            self.message_user(request, f"{experiment} stopped.", messages.SUCCESS)


@admin.register(PromptLive)
class PromptLiveAdmin(admin.ModelAdmin):
    list_display = ["task", "version", "since", "made_by", "override_note"]
    readonly_fields = ["task", "version", "since", "made_by", "override_note"]

    def has_add_permission(self, request) -> bool:
        return False  # made live from a version, through the gate


@admin.register(PromptGate)
class PromptGateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tolerance"]

    def has_add_permission(self, request) -> bool:
        return not PromptGate.objects.exists()

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)


def experiments_section(*, since, until) -> dict:
    """The usage dashboard's "Prompt experiments": every experiment that ran in the period,
    with its arms' figures over its whole life."""
    overlapping = Experiment.objects.filter(started_at__lt=until).exclude(stopped_at__lt=since)
    return {
        "experiments": [
            {
                "name": experiment.name,
                "task_label": task_label(experiment.task),
                "status": experiment.get_status_display().lower(),
                "started_at": experiment.started_at,
                "stopped_at": experiment.stopped_at,
                "table": arm_figures(experiment),
                "url": reverse("admin:prompts_experiment_change", args=[experiment.pk]),
            }
            for experiment in overlapping
        ]
    }


dashboard_section_register(
    DashboardSection(
        id="prompt-experiments",
        title="Prompt experiments",
        template="prompts/experiments_section.html",
        context=experiments_section,
    )
)
