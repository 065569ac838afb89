from django.urls import path

from rebours.proposals import views

app_name = "proposals"
urlpatterns = [
    path("w/<slug:slug>/proposals/<str:key>/", views.proposal_detail, name="detail"),
    path("w/<slug:slug>/mosaic/", views.mosaic, name="mosaic"),
    path("search/", views.search, name="search"),
]
