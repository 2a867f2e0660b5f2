"""The economy of a collaboration: cost keys and host-municipality agreements."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..registry.models import Collaboration, Municipality, Visibility


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

    history = HistoricalRecords()

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


class HostAgreement(models.Model):
    """A host-municipality agreement (vertskommuneavtale, kommuneloven § 20-2
    administrative or § 20-3 with a joint political board). The host delivers
    the service and employs the staff, so the positions (årsverk) sit there.
    Exit follows § 20-4 and the agreement's own notice period."""

    class LegalBasis(models.TextChoices):
        ADMINISTRATIVE = "20-2", _("Administrativt vertskommunesamarbeid (§ 20-2)")
        JOINT_BOARD = "20-3", _("Vertskommunesamarbeid med felles folkevalgt nemnd (§ 20-3)")
        JOINT_TASK = "19", _("Kommunalt oppgavefellesskap (§ 19)")
        IKS = "iks", _("Interkommunalt selskap (IKS-loven)")
        OTHER = "other", _("Annen avtale om vertskommune")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="host_agreements",
                                      verbose_name=_("samarbeid"))
    service = models.CharField(_("tjeneste"), max_length=200)
    host = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="hosted_agreements",
                             verbose_name=_("vertskommune"))
    legal_basis = models.CharField(_("hjemmel"), max_length=10, choices=LegalBasis.choices,
                                   default=LegalBasis.ADMINISTRATIVE)
    delegated_authority = models.TextField(_("delegert myndighet"), blank=True)
    positions = models.DecimalField(_("årsverk hos vertskommunen"), max_digits=6, decimal_places=1, default=0)
    annual_cost = models.DecimalField(_("årlig kostnad (NOK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost_key = models.ForeignKey(CostKey, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="host_agreements", verbose_name=_("kostnadsnøkkel"))
    starts_on = models.DateField(_("gjelder fra"), null=True, blank=True)
    ends_on = models.DateField(_("gjelder til"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(_("oppsigelsestid (måneder)"), null=True, blank=True)
    exit_terms = models.TextField(_("uttreden"), blank=True,
                                  help_text=_("Avtalens egne vilkår for uttreden, i tillegg til kommuneloven § 20-4."))
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vertskommuneavtale")
        verbose_name_plural = _("vertskommuneavtaler")
        ordering = ["collaboration__name", "service"]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=0), name="host_agreement_positions_positive",
                                   violation_error_message=_("Årsverk kan ikke være negativt.")),
            models.CheckConstraint(condition=Q(annual_cost__isnull=True) | Q(annual_cost__gte=0),
                                   name="host_agreement_cost_positive",
                                   violation_error_message=_("Årlig kostnad kan ikke være negativ.")),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="host_agreement_dates_ordered",
                violation_error_message=_("«Gjelder til» kan ikke være før «gjelder fra»."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(service)s (vert: %(host)s)") % {"service": self.service, "host": self.host}

    def clean(self):
        if self.cost_key_id and self.collaboration_id and self.cost_key.collaboration_id != self.collaboration_id:
            raise ValidationError({"cost_key": _("Kostnadsnøkkelen hører til et annet samarbeid.")})


class HostAgreementParticipant(models.Model):
    """A municipality that buys the service from the host, with its council's
    adoption of the agreement (date and case number)."""

    agreement = models.ForeignKey(HostAgreement, on_delete=models.CASCADE, related_name="participants",
                                  verbose_name=_("avtale"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="bought_agreements",
                                     verbose_name=_("kommune"))
    joined_on = models.DateField(_("med fra"), null=True, blank=True)
    adopted_on = models.DateField(_("vedtatt i kommunestyret"), null=True, blank=True)
    case_number = models.CharField(_("saksnummer"), max_length=50, blank=True)
    notice_given_on = models.DateField(_("oppsigelse gitt"), null=True, blank=True)
    left_on = models.DateField(_("uttrådt"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltaker i vertskommuneavtale")
        verbose_name_plural = _("deltakere i vertskommuneavtale")
        ordering = ["agreement", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "municipality"], name="host_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.agreement.service}"
