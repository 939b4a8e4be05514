"""The provider console's shared parts, for the console pages of every app (the gateway's here,
usage's log, dashboard and alerts): who may open them, read-only pages, state badges, and the
wide layout.

Everything in the console is for superusers and the "Provider admins" group only
(admin_services.is_provider_admin): other staff neither see its models in the index nor open
their pages (403).
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .admin_services import is_provider_admin

# The console's wide pages (the usage log, dashboard, provider list, alerts) leave out the
# admin's app sidebar: at 1,400 px its 300 px are what their columns and charts need; the
# breadcrumbs and the home page still lead everywhere. Extra context of a page's view.
WIDE = {"is_nav_sidebar_enabled": False}


def badge(text: str, colour: str, title: str = "") -> SafeString:
    """A state as a small coloured label in a list ("active", "failed ×3"), with `title` as its
    tooltip and the CSS class `badge-<text>` (spaces as dashes)."""
    return format_html(
        '<span class="badge badge-{}" title="{}" style="background:{};color:#fff;'
        'padding:1px 7px;border-radius:8px;font-size:11px;white-space:nowrap">{}</span>',
        text.replace(" ", "-"),
        title,
        colour,
        text,
    )


class ProviderAdminsOnly:
    """Gate every permission on the Provider admins group, on top of the model permissions."""

    def has_module_permission(self, request):
        return is_provider_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_provider_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_delete_permission(request, obj)


class ReadOnly:
    """Pages that show and never change (the usage log, alerts, background tasks)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
