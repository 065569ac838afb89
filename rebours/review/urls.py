from django.urls import path

from rebours.review import views

app_name = "review"
urlpatterns = [
    path("w/<slug:slug>/review/", views.review_queue, name="queue"),
    path("w/<slug:slug>/review/proposals/<str:key>/", views.review_proposal, name="proposal"),
    path(
        "w/<slug:slug>/review/proposals/<str:key>/duplicate",
        views.mark_duplicate,
        name="mark_duplicate",
    ),
    path("w/<slug:slug>/review/themes/<str:key>/", views.theme_opinion, name="theme"),
    path("w/<slug:slug>/review/initiatives/", views.initiatives, name="initiatives"),
    path("w/<slug:slug>/review/duplicates/", views.duplicates, name="duplicates"),
    path("w/<slug:slug>/review/duplicates/<int:pk>/merge", views.merge_duplicate, name="merge"),
]
