from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_view, name="home"),
    path("export.xlsx", views.dashboard_export_view, name="export"),
    path("overdue/", views.overdue_list_view, name="overdue"),
    path("transitions/", views.transitions_list_view, name="transitions"),
    path("targets/", views.targets_view, name="targets"),
    path("warnings/<int:pk>/", views.warning_view, name="warning"),
    path("warnings/<int:pk>/report/", views.warning_report_view, name="warning-report"),
]
