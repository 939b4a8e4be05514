from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("accounts.urls")),  # auth
    path("", include("usage.urls")),  # usage
    path("", include("jobs.urls")),  # job-extractor, jobs
    path("", include("cvs.urls")),  # profile, cv-drafter, cvs
    path("", include("letters.urls")),  # cover-letter, letters
    path("", include("orchestrator.urls")),  # tasks
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
