from django import template

from collaborations.costs import format_nok
from reporting import charts

register = template.Library()


@register.simple_tag
def light_icon(light: str):
    return charts.light_icon(light)


@register.simple_tag
def lights_chart(content):
    return charts.lights_by_strategy(content)


@register.filter
def nok(ore: int | None) -> str:
    return "" if ore is None else format_nok(ore)


@register.filter
def filesize(size: int | None) -> str:
    """Norwegian file size: 1,2 MB / 834 kB."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} kB"
