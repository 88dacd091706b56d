from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("enterprise/<int:pk>/", views.ledger_view, name="ledger"),
    path("template.xlsx", views.template_view, name="template"),
    path("limits/", views.limits_view, name="limits"),
    path("documents/<int:pk>/", views.document_view, name="document"),
]
