from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration


class CostKey(models.Model):
    """A cost key (kostnadsnøkkel): a fixed share split equally among the
    paying members plus a share split by population in `population_year`.
    "20/80" is fixed_share_percent=20, population_share_percent=80."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="cost_keys",
                                      verbose_name=_("samarbeid"))
    name = models.CharField(_("navn"), max_length=200)
    fixed_share_percent = models.DecimalField(_("fast andel (%)"), max_digits=5, decimal_places=2)
    population_share_percent = models.DecimalField(_("andel etter innbyggertall (%)"), max_digits=5, decimal_places=2)
    population_year = models.PositiveSmallIntegerField(
        _("innbyggertall per 1.1."), help_text=_("Året innbyggertallene hentes fra."))
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("kostnadsnøkkel")
        verbose_name_plural = _("kostnadsnøkler")
        ordering = ["collaboration__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_share_percent__gte=0) & Q(population_share_percent__gte=0)
                & Q(fixed_share_percent__lte=100) & Q(population_share_percent__lte=100),
                name="cost_key_percent_range",
                violation_error_message=_("Andelene må ligge mellom 0 og 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(fixed_share_percent=100 - models.F("population_share_percent")),
                name="cost_key_sums_to_100",
                violation_error_message=_("Fast andel og andel etter innbyggertall må til sammen bli 100 %%."),
            ),
            models.UniqueConstraint(fields=["collaboration", "name"], name="cost_key_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def label(self) -> str:
        return f"{self.fixed_share_percent.normalize():f}/{self.population_share_percent.normalize():f}"
