from django.urls import path

from rebours.proposals import editor_views, views

app_name = "proposals"
urlpatterns = [
    path("w/<slug:slug>/proposals/", views.catalogue, name="catalogue"),
    path("w/<slug:slug>/proposals/<str:key>/", views.proposal_detail, name="detail"),
    path("w/<slug:slug>/proposals/<str:key>/edit/", editor_views.edit, name="edit"),
    path("w/<slug:slug>/proposals/<str:key>/edit/save", editor_views.save, name="save"),
    path("w/<slug:slug>/proposals/<str:key>/edit/resolve", editor_views.resolve, name="resolve"),
    path("w/<slug:slug>/proposals/<str:key>/edit/image", editor_views.upload_image, name="image"),
    path("w/<slug:slug>/proposals/<str:key>/history/", editor_views.history, name="history"),
    path(
        "w/<slug:slug>/proposals/<str:key>/history/<int:number>/",
        editor_views.version_detail,
        name="version",
    ),
    path(
        "w/<slug:slug>/proposals/<str:key>/history/<int:number>/restore",
        editor_views.restore,
        name="restore",
    ),
    path("w/<slug:slug>/themes/<str:theme_key>/new-proposal/", editor_views.create, name="create"),
    path("w/<slug:slug>/mosaic/", views.mosaic, name="mosaic"),
    path("search/", views.search, name="search"),
]
