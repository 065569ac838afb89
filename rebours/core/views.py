"""Signing in, with failed attempts limited per address and per user name."""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from rebours.core.ratelimit import client_address, exceeded, hit, key_part


def _limits(request: HttpRequest) -> list[tuple[str, int]]:
    username = request.POST.get("username", "")
    return [
        (f"login.address.{client_address(request)}", settings.LOGIN_FAILURES_PER_ADDRESS),
        (f"login.user.{key_part(username)}", settings.LOGIN_FAILURES_PER_USERNAME),
    ]


class SignInView(LoginView):
    """Django's sign-in page. After too many failures from one address, or for one user name,
    within `LOGIN_FAILURE_WINDOW` seconds, the password is not even checked: the page says to
    wait. A room shares one address, so that limit is the larger one; the user name's stops
    guessing one account's password from many addresses."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        window = settings.LOGIN_FAILURE_WINDOW
        if any(exceeded(key, limit, window) for key, limit in _limits(request)):
            # An unbound form: a bound one would check the password when its errors are read.
            form = AuthenticationForm(
                request, initial={"username": request.POST.get("username", "")[:150]}
            )
            context = self.get_context_data(form=form, throttled=True, wait=window // 60)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        for key, limit in _limits(self.request):
            hit(key, limit, settings.LOGIN_FAILURE_WINDOW)
        return super().form_invalid(form)
