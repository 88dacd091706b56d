from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("<int:pk>.pdf", views.notice_download_view, name="download"),
    path("<int:pk>/correct/", views.notice_correct_view, name="correct"),
    path("grading/<int:enterprise_pk>/", views.grading_notice_issue_view, name="grading-issue"),
    path("batches/", views.batch_list_view, name="batches"),
    path("batches/<int:pk>/", views.batch_detail_view, name="batch"),
    path("batches/<int:pk>.zip", views.batch_zip_view, name="batch-zip"),
    path("register/", views.register_view, name="register"),
]
