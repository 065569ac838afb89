"""The same event streams over plain HTTP, for clients that cannot keep a websocket open."""

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from rebours.live import registry
from rebours.live.events import REPLAY_LIMIT, events_after, last_seq

MAX_STREAMS = 64


def _viewer(request: HttpRequest) -> registry.Viewer:
    return registry.Viewer(user=request.user, session=request.session)


@require_GET
def events(request: HttpRequest) -> JsonResponse:
    """`?since=board:12:40&since=workshop:3:0` -> the events after each number, in order."""
    wanted = request.GET.getlist("since")[:MAX_STREAMS]
    viewer = _viewer(request)
    result: dict[str, dict] = {}
    for item in wanted:
        stream, _, seen = item.rpartition(":")
        if not stream or not seen.isdigit():
            return JsonResponse(
                {"error": f"bad 'since' value {item!r}: use STREAM:NUMBER"}, status=400
            )
        if not registry.can_read(viewer, stream):
            return JsonResponse({"error": f"you may not follow {stream!r}"}, status=403)
        found = events_after(stream, int(seen), limit=REPLAY_LIMIT)
        result[stream] = {
            "events": found,
            "last_seq": last_seq(stream),
            "more": len(found) == REPLAY_LIMIT,
        }
    return JsonResponse({"streams": result}, json_dumps_params={"ensure_ascii": False})


@require_POST
def command(request: HttpRequest) -> JsonResponse:
    """The websocket's commands, for a client posting over HTTP (CSRF-protected like any form)."""
    try:
        content = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "the body must be JSON"}, status=400)
    if not isinstance(content, dict) or not isinstance(content.get("name"), str):
        return JsonResponse({"error": 'send {"name": …, "data": {…}}'}, status=400)
    data = content.get("data", {})
    if not isinstance(data, dict):
        return JsonResponse({"error": '"data" must be an object'}, status=400)
    try:
        result = registry.run_command(_viewer(request), content["name"], data)
    except registry.CommandRefused as refused:
        return JsonResponse({"error": refused.message, "code": refused.code}, status=400)
    return JsonResponse({"result": result}, json_dumps_params={"ensure_ascii": False})
