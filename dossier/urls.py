from django.urls import path

from . import views

app_name = "dossier"
urlpatterns = [
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
    path("<int:pk>/plan/", views.remediation_plan_view, name="plan"),
    path("<int:pk>/grade/", views.enterprise_grade_view, name="grade"),
    path("<int:pk>/permits/", views.permit_add_view, name="permit-add"),
    path("<int:pk>/transitions/<slug:name>/", views.enterprise_transition_view, name="transition"),
]
