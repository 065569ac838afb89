from django.urls import path

from rebours.api import views

app_name = "api"
urlpatterns = [
    path("workshops/<slug:slug>/export", views.workshop_export, name="workshop-export"),
]
