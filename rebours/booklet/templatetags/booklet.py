from django import template
from django.utils import translation

from rebours.booklet import queries
from rebours.booklet.models import BookletVersion
from rebours.booklet.permissions import can_publish
from rebours.workshops.models import Workshop

register = template.Library()


@register.simple_tag
def latest_booklets(workshop: Workshop) -> list[BookletVersion]:
    """The latest ready PDF in each language, the reader's language first."""
    return queries.latest_ready(workshop, prefer=translation.get_language() or "")


@register.simple_tag(takes_context=True)
def can_publish_booklet(context: template.Context, workshop: Workshop) -> bool:
    request = context.get("request")
    return request is not None and can_publish(request.user, workshop)
