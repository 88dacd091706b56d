from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.live_view, name="live"),
    path("alerts/", views.alert_list_view, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail_view, name="alert"),
    path("points/<int:pk>/", views.point_detail_view, name="point"),
    path("enterprise/<int:enterprise_pk>/points/new/", views.point_create_view, name="point-new"),
    path("receiver/", views.receiver_view, name="receiver"),
]
