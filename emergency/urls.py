from django.urls import path

from . import views

app_name = "emergency"
urlpatterns = [
    path("lists/enterprise/<int:pk>/", views.list_view, name="list"),
    path("lists/", views.review_queue_view, name="queue"),
    path("lists/<int:pk>/review/", views.review_view, name="review"),
    path("districts/", views.districts_view, name="districts"),
    path("warnings/", views.warnings_view, name="warnings"),
    path("warnings/<int:pk>/level/", views.level_view, name="level"),
    path("warnings/<int:pk>/lift/", views.lift_view, name="lift"),
    path("warnings/<int:pk>/spot-checks/", views.spot_check_view, name="spot-checks"),
    path("instructions/<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("campaigns/", views.campaigns_view, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaigns_view, name="campaign"),
]
