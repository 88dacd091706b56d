from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("enterprise/<int:pk>/", views.facility_list_view, name="list"),
    path("<int:pk>/", views.facility_detail_view, name="detail"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
]
