from django.urls import path

from rebours.audit import views

app_name = "audit"
urlpatterns = [
    path("w/<slug:slug>/audit/", views.audit_log, name="log"),
]
