from django.urls import path

from . import views

urlpatterns = [
    path("health", views.health),
    path("questions/<int:question_id>/results", views.results),
]
