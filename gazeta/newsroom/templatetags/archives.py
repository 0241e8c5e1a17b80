from django import template
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()


@register.filter
def archive_date(value, format_string: str) -> str:
    """A date in Django's ``date`` format, month and weekday names written as the language
    writes them: Django's Romanian locale capitalises them ("Noiembrie"), Romanian doesn't."""
    if not value:
        return ""
    text = dateformat.format(value, format_string)
    return text.lower() if (get_language() or "").startswith("ro") else text
