"""The migration that gives the dead `read_dashboards` permission its
meaning keeps every grant already made: the permission row is renamed."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from collaborations.registry.models import Collaboration

migration = importlib.import_module("collaborations.migrations.0004_history_audit_roles")


def test_it_renames_read_dashboards_to_read_reports_and_keeps_the_grants(db):
    content_type = ContentType.objects.get_for_model(Collaboration)
    Permission.objects.filter(content_type=content_type, codename="read_reports").delete()  # as before 0004
    old = Permission.objects.create(content_type=content_type, codename="read_dashboards",
                                    name="Kan lese samarbeidets oversikter og rapporter")
    group = Group.objects.create(name="kommune-1-folkevalgte")
    group.permissions.add(old)

    migration.rename_read_dashboards(apps, None)

    renamed = Permission.objects.get(pk=old.pk)
    assert renamed.codename == "read_reports"
    assert group.permissions.filter(codename="read_reports").exists()
    assert not Permission.objects.filter(codename="read_dashboards").exists()
