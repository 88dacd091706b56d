from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("<int:pk>.pdf", views.notice_download_view, name="download"),
    path("<int:pk>/correct/", views.notice_correct_view, name="correct"),
    path("<int:pk>/service/", views.service_record_view, name="service"),
    path("<int:pk>/service/receipt/", views.service_receipt_view, name="service-receipt"),
    path("grading/<int:enterprise_pk>/", views.grading_notice_issue_view, name="grading-issue"),
    path(
        "grading/<int:enterprise_pk>/preview/",
        views.grading_notice_preview_view,
        name="grading-preview",
    ),
    path("batches/new/<int:district_pk>/", views.batch_confirm_view, name="batch-confirm"),
    path("batches/", views.batch_list_view, name="batches"),
    path("batches/<int:pk>/", views.batch_detail_view, name="batch"),
    path("batches/<int:pk>.zip", views.batch_zip_view, name="batch-zip"),
    path("batches/<int:pk>.pdf", views.batch_print_view, name="batch-print"),
    path("register/", views.register_view, name="register"),
]
