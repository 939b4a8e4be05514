from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import views
from core.api import api_not_found
from core.converters import IdConverter

# Before the apps' URL modules are read: their routes use <id:...>.
register_converter(IdConverter, "id")

api_v1 = [
    path("", include("accounts.urls")),  # auth
    path("", include("usage.urls")),  # usage
    path("", include("jobs.urls")),  # job-extractor, jobs
    path("", include("cvs.urls")),  # profile, cv-drafter, cvs
    path("", include("letters.urls")),  # cover-letter, letters
    path("", include("applications.urls")),  # applications, interview-preps
    path("", include("orchestrator.urls")),  # tasks
    path("", include("privacy.urls")),  # me, me/export
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", views.api_index, name="api-index"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Last: an API path no route matches answers with the envelope, not an HTML page.
    re_path(r"^api/", api_not_found),
]

# Errors Django answers outside the views: the envelope on /api/ paths, its pages elsewhere.
handler400 = "core.api.api_bad_request"
handler500 = "core.api.api_server_error"
