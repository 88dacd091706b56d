from django.urls import path

from . import views

urlpatterns = [
    path("deadlines/", views.deadline_list_view, name="deadlines"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read/", views.notification_read_view, name="notifications-read"),
]
