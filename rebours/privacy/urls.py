from django.urls import path

from rebours.privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/data/", views.mine, name="mine"),
    path("me/data.json", views.mine_json, name="mine_json"),
    path("me/data/erase", views.erase, name="erase"),
    path("w/<slug:slug>/personal-data/", views.workshop_data, name="workshop"),
]
