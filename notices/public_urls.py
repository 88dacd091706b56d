"""The public verification page a notice's QR code opens (no login, no namespace)."""

from django.urls import path

from .views import notice_verify_view

urlpatterns = [path("<str:code>/", notice_verify_view, name="notice-verify")]
