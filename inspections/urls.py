from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.due_list_view, name="due"),
    path("today/", views.today_view, name="today"),
    path("start/<int:enterprise_pk>/", views.visit_start_view, name="visit-start"),
    path("visits/<int:pk>/", views.visit_view, name="visit"),
    path("visits/<int:pk>/orders/", views.order_add_view, name="order-add"),
    path("visits/<int:pk>/addenda/", views.addendum_add_view, name="addendum-add"),
    path("orders/<int:pk>/withdraw/", views.order_withdraw_view, name="order-withdraw"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("signatures/<int:pk>/", views.signature_view, name="signature"),
    path("draws/", views.draw_list_view, name="draws"),
    path("draws/new/", views.draw_create_view, name="draw-create"),
    path("draws/<int:pk>/", views.draw_detail_view, name="draw"),
    path("registers/", views.registers_view, name="registers"),
    path("results/", views.results_view, name="results"),
]
