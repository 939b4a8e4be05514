"""The routing policy's admin page: one plan × task matrix of tiers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .console import is_provider_admin, routing_matrix_save
from .console import routing_matrix as routing_matrix_cells
from .forms import RoutingMatrixForm
from .registry import matrix_tasks


def routing_matrix(request: HttpRequest, *, model_admin) -> HttpResponse:
    if not is_provider_admin(request.user):
        raise PermissionDenied
    can_change = model_admin.has_change_permission(request)
    matrix = routing_matrix_cells()
    form = RoutingMatrixForm(request.POST if request.method == "POST" else None, matrix=matrix)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            changed = routing_matrix_save(tiers=form.tiers())
            for rule in changed:
                model_admin.log_change(request, rule, f"Tier set to {rule.tier} (matrix).")
            messages.success(request, f"Routing policy saved: {len(changed)} cell(s) changed.")
            return redirect("admin:orchestrator_routing_matrix")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Routing policy: plan × task → tier",
        "opts": model_admin.model._meta,
        "form": form,
        "tasks": [task.label for task in matrix_tasks()],
        "can_change": can_change,
    }
    return TemplateResponse(request, "admin/orchestrator/routing_matrix.html", context)
