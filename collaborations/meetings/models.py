"""Meetings of a collaboration's bodies, their numbered cases, and the
subprojects (DP) and working groups (FG) cases refer to."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..registry.models import Body, Collaboration, Visibility


class Meeting(models.Model):
    """A meeting of a body, with numbered cases (saker). Minutes are published
    unless marked internal."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("organ"))
    title = models.CharField(_("tittel"), max_length=200)
    held_on = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    present = models.TextField(_("til stede"), blank=True)
    absent = models.TextField(_("forfall"), blank=True)
    minutes_by = models.CharField(_("referent"), max_length=200, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on:%d.%m.%Y}"


class MeetingCase(models.Model):
    """A case (sak) numbered within its meeting, with conclusion and follow-up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases", verbose_name=_("møte"))
    number = models.PositiveSmallIntegerField(_("saksnummer"))
    title = models.CharField(_("hva saken gjelder"), max_length=300)
    conclusion = models.TextField(_("konklusjon"), blank=True)
    follow_up_responsible = models.CharField(_("oppfølging: ansvar"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("oppfølging: frist"), null=True, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="case_number_unique_in_meeting",
                                    violation_error_message=_("Møtet har allerede en sak med dette nummeret.")),
        ]

    def __str__(self) -> str:
        return gettext("Sak %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class Subproject(models.Model):
    """A subproject (delprosjekt, DP 9.1) or working group (faggruppe, FG
    9.1.3) under it: numbered hierarchically."""

    class Kind(models.TextChoices):
        SUBPROJECT = "dp", _("Delprosjekt (DP)")
        WORKING_GROUP = "fg", _("Faggruppe (FG)")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="subprojects",
                                      verbose_name=_("samarbeid"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("under"))
    kind = models.CharField(_("type"), max_length=2, choices=Kind.choices)
    code = models.CharField(_("nummer"), max_length=20, help_text=_("For eksempel 9.1 eller 9.1.3."))
    name = models.CharField(_("navn"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delprosjekt eller faggruppe")
        verbose_name_plural = _("delprosjekter og faggrupper")
        ordering = ["collaboration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "kind", "code"], name="subproject_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' ')[0]} {self.code} {self.name}"
