"""Reporting rounds and the reminders sent for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..registry.models import Collaboration


class ReportingRound(models.Model):
    """A reporting round (rapporteringsrunde) the secretariat opens for a
    collaboration, for example «Halvårsrapportering 1. halvår 2025» with
    deadline 15.6.2025. Every active measure in the collaboration is due until
    it has an overall status update dated inside the round."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="reporting_rounds",
                                      verbose_name=_("samarbeid"))
    title = models.CharField(_("tittel"), max_length=200)
    starts_on = models.DateField(_("startdato"))
    deadline = models.DateField(_("frist"))
    reminder_days_before = models.PositiveSmallIntegerField(
        _("påminnelse antall dager før fristen"), default=7,
        help_text=_("Eierne får en påminnelse så mange dager før fristen, og dagen etter fristen."))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("åpnet av"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapporteringsrunde")
        verbose_name_plural = _("rapporteringsrunder")
        ordering = ["collaboration__name", "-deadline", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("starts_on")), name="round_deadline_after_start",
                                   violation_error_message=_("Fristen kan ikke være før startdatoen.")),
            models.UniqueConstraint(fields=["collaboration", "title"], name="round_title_unique",
                                    violation_error_message=_("Samarbeidet har allerede en runde med denne tittelen.")),
        ]

    def __str__(self) -> str:
        return self.title


class RoundReminder(models.Model):
    """One reminder e-mail sent for a round: the log that keeps the daily task
    from sending the same reminder twice."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Før fristen")
        AFTER = "after", _("Etter fristen")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders",
                              verbose_name=_("runde"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    email = models.EmailField(_("e-post"))
    measure_count = models.PositiveIntegerField(_("antall tiltak"), default=0)
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        ordering = ["round", "kind", "email"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "email"], name="round_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.kind} {self.email}"
