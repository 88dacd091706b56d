from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from govern import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("enterprises.urls")),
    path("enterprises/", include("dossier.urls")),
    path("inspections/", include("inspections.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("materials/", include("materials.urls")),
    path("emergency/", include("emergency.urls")),
    path("facilities/", include("facilities.urls")),
    path("portal/", include("portal.urls")),
    path("evidence/", include("evidence.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("notices/", include("notices.urls")),
    path("api/", include(("api.urls", "api"), namespace="api")),
    path("", include("deadlines.urls")),
    path("verify/", include("notices.public_urls")),
    path("public/random-inspections/", include("inspections.public_urls")),
    path("health/", health.health_view, name="health"),
    # Browsers ask for /favicon.ico on pages that name none (the API docs, files opened directly).
    path("favicon.ico", views.favicon),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("admin/", admin.site.urls),
]
