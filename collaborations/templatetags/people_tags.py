"""What the workspace's people section shows beside its links."""

from django import template

from ..access import selectors

register = template.Library()


@register.simple_tag
def members_without_administrator(collaboration):
    """The collaboration's member municipalities nobody administers (they get no reminders)."""
    return selectors.members_without_administrator(collaboration)
