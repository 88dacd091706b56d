from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("export.xlsx", views.enterprise_export_view, name="export"),
    path("map/", views.enterprise_map_view, name="map"),
    path("new/", views.enterprise_create_view, name="create"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.csv", views.import_template_view, name="import-template"),
    path("import/template.xlsx", views.import_template_xlsx_view, name="import-template-xlsx"),
    path("import/errors.xlsx", views.import_errors_view, name="import-errors"),
    path("import/jobs/<int:pk>/", views.import_job_view, name="import-job"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="edit"),
    path("tasks/<int:pk>/edit/", views.remediation_task_edit_view, name="task-edit"),
    path("milestones/<int:pk>/done/", views.milestone_done_view, name="milestone-done"),
    path("milestones/<int:pk>/plan/", views.milestone_plan_view, name="milestone-plan"),
    path("closure-checks/<int:pk>/", views.closure_check_view, name="closure-check"),
    path(
        "evidence/<slug:kind>/<int:pk>/", views.lifecycle_evidence_view, name="lifecycle-evidence"
    ),
    path("built-up-exit/", views.built_up_exit_view, name="built-up-exit"),
    path("clusters/", views.cluster_list_view, name="clusters"),
    path("clusters/<int:pk>/", views.cluster_detail_view, name="cluster"),
    path("tier-policy/", views.tier_policy_list_view, name="tier-policy"),
    path("tier-policy/<int:pk>/edit/", views.tier_policy_edit_view, name="tier-policy-edit"),
]
