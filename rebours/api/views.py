"""The page where a signed-in person makes and revokes their own API tokens."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rebours.api.actions import TokenRefused, do_create_token, do_revoke_token
from rebours.api.forms import TokenForm
from rebours.api.permissions import can_create_tokens
from rebours.api.queries import tokens_of

JUST_CREATED = "rebours.api.just_created"


def _page(request: HttpRequest, form: TokenForm, secret: str | None = None) -> HttpResponse:
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens_of(request.user), "secret": secret},  # type: ignore[arg-type]
    )


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    if not can_create_tokens(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, TokenForm(), secret=request.session.pop(JUST_CREATED, None))
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        _token, secret = do_create_token(
            request.user,  # type: ignore[arg-type]
            form.cleaned_data["name"],
            actor=request.user,
        )
    except TokenRefused as refused:
        form.add_error("name", str(refused))
        return _page(request, form)
    # Post/redirect/get, so that reloading does not make a second token. The secret waits in
    # the session (kept on the server) for the next page only, then is gone for good.
    request.session[JUST_CREATED] = secret
    return redirect("api_tokens:list")


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = tokens_of(request.user).filter(pk=token_id).first()  # type: ignore[arg-type]
    if token is None:
        raise Http404(_("No such token."))
    do_revoke_token(token, actor=request.user)
    return redirect("api_tokens:list")
