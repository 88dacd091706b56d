from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("files/<int:pk>/", views.evidence_file_view, name="file"),
    path("reviews/", views.review_queue_view, name="reviews"),
    path("reviews/<int:pk>/", views.review_decide_view, name="review-decide"),
    path("extensions/", views.extension_queue_view, name="extensions"),
    path("extensions/<int:pk>/", views.extension_decide_view, name="extension-decide"),
]
