"""Template helpers of the report PDFs; money and dates come from portal_tags
and Django's `date` filter like on every page."""

from django import template

from collaborations.dashboards.charts import LIGHTS, stacked_bars
from collaborations.portfolio.models import TrafficLight

register = template.Library()


@register.simple_tag
def lights_chart(content):
    """The geometry of "measures per strategy by traffic light"."""
    return stacked_bars([(g.heading, g.light_counts) for g in content.strategies],
                        key_labels={key: TrafficLight(key).label for key in LIGHTS})
