"""What the workspace's agreement section counts, asked of economy.selectors."""

from django import template

from ..economy import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def agreements_awaiting_adoption(context, collaboration) -> int:
    """How many agreements the user may see wait for at least one council's adoption."""
    request = context.get("request")
    return selectors.awaiting_adoption_count(getattr(request, "user", None), collaboration)
