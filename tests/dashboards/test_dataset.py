import io

from django.core.management import call_command

from collaborations.access.models import MeasureGroupObjectPermission
from collaborations.portfolio.models import Measure, Participation, StatusUpdate
from collaborations.registry.models import Collaboration, Municipality


def test_it_generates_a_small_national_dataset(db):
    call_command("generate_national_dataset", scale=0.01, today="2025-03-01", stdout=io.StringIO())
    assert Municipality.objects.count() == 8
    assert Collaboration.objects.count() == 4
    assert Collaboration.objects.filter(parent__isnull=False).exists()
    assert Measure.objects.count() == 200
    assert StatusUpdate.objects.count() == 2000
    assert Measure.history.filter(history_type="+").count() == 200
    counts = [Participation.objects.filter(measure=m).count() for m in Measure.objects.all()[:50]]
    assert min(counts) >= 2 and max(counts) <= 8
    assert MeasureGroupObjectPermission.objects.exists()
