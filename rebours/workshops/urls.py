from django.urls import path

from rebours.workshops import views

app_name = "workshops"
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("w/<slug:slug>/", views.workshop_detail, name="detail"),
    path("w/<slug:slug>/themes/<str:key>/", views.theme_detail, name="theme"),
]
