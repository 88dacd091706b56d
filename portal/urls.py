from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home_view, name="home"),
    path("emergency/", views.emergency_view, name="emergency"),
    path("<slug:kind>/<int:pk>/evidence/", views.evidence_submit_view, name="evidence-submit"),
    path("<slug:kind>/<int:pk>/extension/", views.extension_request_view, name="extension-request"),
]
