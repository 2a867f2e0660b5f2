from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "collaborations"
    verbose_name = _("Interkommunale samarbeid")

    def ready(self):
        # Django 6.1 labels the empty choice of every select "- Select an option -",
        # which its Norwegian catalogue does not translate; Django documents
        # replacing it here (django.db.models.fields.BLANK_CHOICE_LABEL).
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("– Velg –")
