from django.urls import path

from rebours.facilitation import views

app_name = "facilitation"
urlpatterns = [
    path("j/<str:token>/", views.join, name="join"),
    path("w/<slug:slug>/live/", views.place, name="place"),
    path("w/<slug:slug>/live/lobby/", views.lobby, name="lobby"),
    path("w/<slug:slug>/live/boards/<str:key>/", views.board, name="board"),
    path("w/<slug:slug>/live/console/", views.console, name="console"),
    path("w/<slug:slug>/live/wall/", views.wall, name="wall"),
    path("w/<slug:slug>/live/join.svg", views.join_qr, name="join_qr"),
    path("w/<slug:slug>/live/progress.json", views.progress_json, name="progress"),
    path("w/<slug:slug>/live/mosaic.json", views.mosaic_json, name="mosaic"),
]
