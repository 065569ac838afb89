from django.urls import path

from rebours.recruitment import views

app_name = "recruitment"
base = "w/<slug:slug>/recruitment/"
urlpatterns = [
    path(f"{base}", views.overview, name="overview"),
    path(f"{base}register/", views.register, name="register"),
    path(f"{base}settings/", views.settings_page, name="settings"),
    path(f"{base}pool/", views.pool, name="pool"),
    path(f"{base}pool/<str:pseudonym>/remove/", views.remove_volunteer, name="remove"),
    path(f"{base}quotas/", views.quotas, name="quotas"),
    path(f"{base}quotas.csv", views.quotas_file, name="quotas_csv"),
    path(f"{base}draws/", views.draws, name="draws"),
    path(f"{base}draws/<int:pk>/", views.draw_page, name="draw"),
    path(f"{base}draws/<int:pk>/status.json", views.draw_status, name="draw_status"),
    path(f"{base}draws/<int:pk>/rerun/", views.rerun, name="rerun"),
    path(f"{base}draws/<int:pk>/bundle.zip", views.bundle, name="bundle"),
    path(f"{base}draws/<int:pk>/replace/", views.replace, name="replace"),
    path(f"{base}draws/<int:pk>/participants/", views.participants, name="participants"),
]
