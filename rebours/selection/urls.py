from django.urls import path

from rebours.selection import views

app_name = "selection"
urlpatterns = [
    path("w/<slug:slug>/selection/", views.ballot_page, name="ballot"),
    path("w/<slug:slug>/selection/ballot/", views.cast_ballot, name="cast"),
    path("w/<slug:slug>/selection/receipt/", views.receipt, name="receipt"),
    path("w/<slug:slug>/selection/public/", views.join_public, name="public"),
    path("w/<slug:slug>/selection/favourites/", views.set_favourites, name="favourites"),
    path("w/<slug:slug>/selection/manage/", views.manage, name="manage"),
    path("w/<slug:slug>/selection/close/", views.close, name="close"),
    path("w/<slug:slug>/selection/results/", views.results, name="results"),
    path("w/<slug:slug>/selection/results.csv", views.results_csv, name="results_csv"),
    path("w/<slug:slug>/selection/results.json", views.results_json, name="results_json"),
]
