from urllib.parse import urlsplit

from django import template

register = template.Library()

SAFE_SCHEMES = {"http", "https", "mailto"}


@register.filter
def safe_url(value: str) -> str:
    """The address if it is a web or mail link, else "" (no javascript:, data: or file: links)."""
    text = (value or "").strip()
    if not text:
        return ""
    scheme = urlsplit(text).scheme.lower()
    if scheme in SAFE_SCHEMES:
        return text
    if not scheme and "." in text and " " not in text and not text.startswith(("/", ".")):
        return "https://" + text  # "www.example.org" as people write it
    return ""
