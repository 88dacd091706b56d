from django.urls import path

from . import views

app_name = "dossier"
urlpatterns = [
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
    path("<int:pk>/plan/", views.remediation_plan_view, name="plan"),
]
