from django.urls import path

from rebours.live import views

app_name = "live"
urlpatterns = [
    path("events", views.events, name="events"),
    path("command", views.command, name="command"),
]
