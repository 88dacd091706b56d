"""The public page of random-inspection results (双随机、一公开): no login."""

from django.urls import path

from .views import public_results_view

urlpatterns = [path("", public_results_view, name="public-random-results")]
