"""Small helpers shared by the status-flow tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def status_data(measure=None, **overrides) -> dict:
    """A valid status-update form post; `measure` gives the expected version."""
    data = {
        "reported_on": timezone.localdate().isoformat(),
        "phase": "in_progress",
        "traffic_light": "green",
        "light_reason": "",
        "status_text": "Leverandør er valgt.",
        "follow_up_text": "Kontrakt signeres.",
        "follow_up_responsible": "Kari",
        "follow_up_due": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    if measure is not None:
        measure.refresh_from_db()
        data["version"] = measure.version
    data.update(overrides)
    return data


def errors_of(response, field: str) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]
