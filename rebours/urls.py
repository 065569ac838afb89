from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve as serve_static

from rebours.core.views import SignInView

urlpatterns = [
    path("", include("rebours.workshops.urls")),
    path("", include("rebours.proposals.urls")),
    path("", include("rebours.review.urls")),
    path("", include("rebours.selection.urls")),
    path("", include("rebours.booklet.urls")),
    path("", include("rebours.facilitation.urls")),
    path("", include("rebours.recruitment.urls")),
    path("", include("rebours.audit.urls")),
    path("", include("rebours.privacy.urls")),
    path("api/v1/", include("rebours.api.urls")),
    path("live/", include("rebours.live.urls")),
    # Before Django's own: the same sign-in page, with failed attempts limited.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/api-tokens/", include("rebours.api.page_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Uploaded media. Behind a reverse proxy, let the proxy serve /media/ from MEDIA_ROOT.
    re_path(r"^media/(?P<path>.*)$", serve_static, {"document_root": settings.MEDIA_ROOT}),
]
