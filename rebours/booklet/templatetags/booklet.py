from django import template
from django.utils import translation

from rebours.booklet import queries
from rebours.booklet.models import BookletVersion
from rebours.workshops.models import Workshop

register = template.Library()


@register.simple_tag
def latest_booklets(workshop: Workshop) -> list[BookletVersion]:
    """The latest ready PDF in each language, the reader's language first."""
    return queries.latest_ready(workshop, prefer=translation.get_language() or "")
