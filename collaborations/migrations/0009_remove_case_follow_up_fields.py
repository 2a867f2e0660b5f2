"""The case's one follow-up moved to FollowUp (0008); its old columns go, in a
migration of their own so PostgreSQL alters no table with rows just written."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("collaborations", "0008_meeting_follow_ups"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalmeetingcase',
            name='follow_up_due',
        ),
        migrations.RemoveField(
            model_name='historicalmeetingcase',
            name='follow_up_responsible',
        ),
        migrations.RemoveField(
            model_name='meetingcase',
            name='follow_up_due',
        ),
        migrations.RemoveField(
            model_name='meetingcase',
            name='follow_up_responsible',
        ),
    ]
