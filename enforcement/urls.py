from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.case_list_view, name="cases"),
    path("new/", views.case_open_view, name="case-open"),
    path("<int:pk>/", views.case_view, name="case"),
]
