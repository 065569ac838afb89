from django.urls import path

from rebours.booklet import views

app_name = "booklet"
urlpatterns = [
    path("w/<slug:slug>/booklet/", views.booklet_page, name="page"),
    path("w/<slug:slug>/booklet/publish/", views.publish, name="publish"),
    path("w/<slug:slug>/booklet/versions/<int:pk>/status.json", views.status, name="status"),
    path("w/<slug:slug>/booklet/versions/<int:pk>/download", views.download, name="download"),
]
