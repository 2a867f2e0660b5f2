"""Template helpers for the measure links of the secretariat: whether the
visitor manages a collaboration (asked of the policy, per request, so a page
whose body is cached can still show a manager's link beside it), and the
collaboration's measure counts for its workspace."""

from __future__ import annotations

from django import template

from ..access import policy
from ..access.policy import Action
from ..portfolio.selectors import measure_counts as counts_of

register = template.Library()


@register.simple_tag(takes_context=True)
def manages(context, collaboration) -> bool:
    """Whether the signed-in user is the secretariat of `collaboration` (Action.MANAGE)."""
    request = context.get("request")
    return bool(request is not None and policy.allows(request.user, Action.MANAGE, collaboration))


@register.simple_tag
def measure_counts(collaboration) -> dict[str, int]:
    return counts_of(collaboration)
