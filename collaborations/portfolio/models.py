"""The portfolio: plan periods, strategies, measures (tiltak), who takes part,
status updates and documents. History is kept for every row a report reads."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..economy.models import CostKey, HostAgreement
from ..registry.models import Body, Collaboration, Municipality, Network, OutsidePartner, Person, Visibility


class PlanPeriod(models.Model):
    """A strategy and action plan (strategi- og handlingsplan) for a period,
    revised (rullert) every four years."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="plans",
                                      verbose_name=_("samarbeid"))
    title = models.CharField(_("tittel"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("fra år"))
    end_year = models.PositiveSmallIntegerField(_("til år"))
    adopted_on = models.DateField(_("vedtatt"), null=True, blank=True)
    adopted_by = models.ForeignKey(Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("vedtatt av"))
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    revises = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions",
                                verbose_name=_("rullering av"),
                                help_text=_("Planen denne planen er en rullering av."))
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True,
                                 help_text=_("Dagen planen ble avløst eller avsluttet. Tomt: planen gjelder."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")
        ordering = ["collaboration__name", "-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered",
                                   violation_error_message=_("Planperioden kan ikke slutte før den begynner.")),
            models.UniqueConstraint(fields=["collaboration", "start_year", "title"], name="plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}–{self.end_year}"


class Strategy(models.Model):
    """A numbered strategy (focus area, satsingsområde) in a plan."""

    plan = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("tittel"), max_length=200)
    challenge = models.TextField(_("utfordring"), blank=True)
    goal = models.TextField(_("mål"), blank=True)
    expected_result = models.TextField(_("forventet resultat"), blank=True)
    responsible = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("saksansvarlig kommunedirektør"),
                                    help_text=_("Kommunedirektøren som svarer for strategien i samarbeidet."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategi")
        verbose_name_plural = _("strategier")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="strategy_number_unique_in_plan",
                                    violation_error_message=_("Planen har allerede en strategi med dette nummeret.")),
        ]

    def __str__(self) -> str:
        return gettext("Strategi %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class Phase(models.TextChoices):
    PROPOSED = "proposed", _("Foreslått")
    STUDY = "study", _("Under utredning")
    DECIDED = "decided", _("Vedtatt")
    IN_PROGRESS = "in_progress", _("Under gjennomføring")
    IN_OPERATION = "in_operation", _("I drift")
    COMPLETED = "completed", _("Avsluttet")
    STOPPED = "stopped", _("Stanset")


# A measure in one of these phases is finished: nobody reports on it, it is
# never overdue or stale, and it no longer costs anything.
CLOSED_PHASES = (Phase.COMPLETED, Phase.STOPPED)


class TrafficLight(models.TextChoices):
    """Never shown as colour alone: templates show the label and an icon too."""

    GREEN = "green", _("I rute")
    AMBER = "amber", _("Risiko")
    RED = "red", _("Ikke i rute")

    @classmethod
    def severity(cls, value: str) -> int:
        return {cls.GREEN: 0, cls.AMBER: 1, cls.RED: 2}.get(value, -1)

    @classmethod
    def worst(cls, lights) -> str | None:
        """The worst of `lights` (empty ones ignored), or None."""
        lights = [light for light in lights if light]
        return max(lights, key=cls.severity) if lights else None


LIGHT_REASON_REQUIRED = _("Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse.")
# What a status update says; the overall status copies these onto the measure.
STATUS_FIELDS = ("phase", "traffic_light", "light_reason", "status_text", "follow_up_text",
                 "follow_up_responsible", "follow_up_due")
# A measure's bookkeeping: never shown in a diff.
BOOKKEEPING_FIELDS = frozenset({"version", "position", "last_status_at"})


class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("Fagnettverk")
    PROJECT_GROUP = "project_group", _("Prosjektgruppe")
    HOST_MUNICIPALITY = "host_municipality", _("Vertskommune")
    WORKING_GROUP = "working_group", _("Arbeidsgruppe")
    PLENARY = "plenary", _("Utvalget i plenum")
    OTHER = "other", _("Annet")


class BudgetRecurrence(models.TextChoices):
    YEARLY = "yearly", _("Hvert år i perioden")
    ONCE = "once", _("Engangsbeløp")


score_validators = [MinValueValidator(1, _("Må være mellom 1 og 10.")), MaxValueValidator(10, _("Må være mellom 1 og 10."))]


class Measure(models.Model):
    """A measure (tiltak): the unit of the portfolio.

    Current status lives on the row; every change of it comes through a
    StatusUpdate or a service function and is kept in `history`, so the
    portfolio can be rebuilt as it stood on any date.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="measures",
                                      verbose_name=_("samarbeid"))
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, null=True, blank=True, related_name="measures",
                                 verbose_name=_("strategi"))
    number = models.CharField(_("nummer"), max_length=20, blank=True, help_text=_("For eksempel 1.2."))
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    responsible = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="responsible_for", verbose_name=_("ansvarlig"))
    owner_municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="owned_measures", verbose_name=_("ansvarlig kommune"))
    participants = models.ManyToManyField(Municipality, through="Participation", related_name="measures",
                                          verbose_name=_("deltakende kommuner"))
    participants_note = models.CharField(_("deltakere (som skrevet)"), max_length=300, blank=True,
                                         help_text=_("Slik planen beskriver deltakerne, for eksempel «alle unntatt Lyngen»."))
    partners = models.ManyToManyField(OutsidePartner, blank=True, related_name="measures",
                                      verbose_name=_("eksterne partnere"))
    organisation_kind = models.CharField(_("organisering"), max_length=20, choices=OrganisationKind.choices,
                                         blank=True)
    organisation = models.TextField(_("organisering (beskrivelse)"), blank=True)
    network = models.ForeignKey(Network, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures",
                                verbose_name=_("fagnettverk"))
    host_municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="hosted_measures", verbose_name=_("vertskommune"))
    host_agreement = models.ForeignKey(HostAgreement, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="measures", verbose_name=_("vertskommuneavtale"))
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.PROPOSED)
    traffic_light = models.CharField(_("trafikklys"), max_length=10, choices=TrafficLight.choices,
                                     default=TrafficLight.GREEN)
    light_reason = models.TextField(_("begrunnelse for trafikklys"), blank=True)
    status_text = models.TextField(_("status"), blank=True)
    follow_up_text = models.TextField(_("oppfølging"), blank=True)
    follow_up_responsible = models.CharField(_("oppfølging: hvem"), max_length=200, blank=True)
    follow_up_due = models.DateField(_("oppfølging: frist"), null=True, blank=True)
    starts_on = models.DateField(_("startdato"), null=True, blank=True)
    ends_on = models.DateField(_("sluttdato"), null=True, blank=True)
    budget = models.DecimalField(_("budsjett (NOK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_recurrence = models.CharField(_("budsjettet gjelder"), max_length=10, choices=BudgetRecurrence.choices,
                                         default=BudgetRecurrence.ONCE)
    budget_year = models.PositiveSmallIntegerField(
        _("år for engangsbeløpet"), null=True, blank=True,
        help_text=_("Året et engangsbeløp betales. Tomt: startåret, ellers sluttåret."))
    cost_key = models.ForeignKey(CostKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures",
                                 verbose_name=_("kostnadsnøkkel"))
    potential = models.PositiveSmallIntegerField(_("potensial (1–10)"), null=True, blank=True,
                                                 validators=score_validators)
    feasibility = models.PositiveSmallIntegerField(_("gjennomførbarhet (1–10)"), null=True, blank=True,
                                                   validators=score_validators)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)
    closed_on = models.DateField(_("avsluttet dato"), null=True, blank=True,
                                 help_text=_("Satt når tiltaket avsluttes eller stanses."))
    closing_reason = models.TextField(_("begrunnelse for avslutning"), blank=True)
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)
    last_status_at = models.DateTimeField(_("sist oppdatert"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False,
                                          help_text="Incremented on every write; detects concurrent edits.")
    history = HistoricalRecords(excluded_fields=["last_status_at"])

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["collaboration__name", "strategy__number", "position", "title"]
        indexes = [
            models.Index(fields=["collaboration", "visibility"], name="measure_collab_visibility"),
            models.Index(fields=["collaboration", "traffic_light"], name="measure_collab_light"),
            models.Index(fields=["collaboration", "phase"], name="measure_collab_phase"),
        ]
        permissions = [
            ("report_measure", _("Kan rapportere sin kommunes del av tiltaket")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(potential__isnull=True) | (Q(potential__gte=1) & Q(potential__lte=10)),
                name="measure_potential_1_10", violation_error_message=_("Potensial må være mellom 1 og 10.")),
            models.CheckConstraint(
                condition=Q(feasibility__isnull=True) | (Q(feasibility__gte=1) & Q(feasibility__lte=10)),
                name="measure_feasibility_1_10",
                violation_error_message=_("Gjennomførbarhet må være mellom 1 og 10.")),
            models.CheckConstraint(
                condition=Q(traffic_light="green") | ~Q(light_reason=""),
                name="measure_light_reason_required",
                violation_error_message=LIGHT_REASON_REQUIRED),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="measure_dates_ordered",
                violation_error_message=_("Sluttdato kan ikke være før startdato.")),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="measure_budget_positive",
                                   violation_error_message=_("Budsjettet kan ikke være negativt.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def priority(self) -> int | None:
        """Potential × feasibility, the workshop method for choosing where to start."""
        if self.potential is None or self.feasibility is None:
            return None
        return self.potential * self.feasibility

    @property
    def is_published(self) -> bool:
        return self.visibility == Visibility.PUBLISHED

    def clean(self):
        errors = {}
        if self.strategy_id and self.collaboration_id and self.strategy.plan.collaboration_id != self.collaboration_id:
            errors["strategy"] = _("Strategien hører til et annet samarbeid.")
        if self.cost_key_id and self.collaboration_id and self.cost_key.collaboration_id != self.collaboration_id:
            errors["cost_key"] = _("Kostnadsnøkkelen hører til et annet samarbeid.")
        if self.network_id and self.collaboration_id and self.network.collaboration_id != self.collaboration_id:
            errors["network"] = _("Nettverket hører til et annet samarbeid.")
        if self.traffic_light != TrafficLight.GREEN and not self.light_reason.strip():
            errors["light_reason"] = LIGHT_REASON_REQUIRED
        if self.budget is not None and self.budget_recurrence == BudgetRecurrence.ONCE and not (
                self.budget_year or self.starts_on or self.ends_on):
            errors["budget_year"] = _("Oppgi året engangsbeløpet betales, eller en start- eller sluttdato for tiltaket.")
        if errors:
            raise ValidationError(errors)


class Participation(models.Model):
    """A municipality taking part in a measure. Each participant can report its
    own part (light and narrative) of a shared measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="participations",
                                verbose_name=_("tiltak"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="participations",
                                     verbose_name=_("kommune"))
    joined_on = models.DateField(_("fra"), null=True, blank=True)
    left_on = models.DateField(_("til"), null=True, blank=True)
    note = models.CharField(_("merknad"), max_length=300, blank=True,
                            help_text=_("For eksempel «har signalisert uttreden»."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltakelse")
        verbose_name_plural = _("deltakelser")
        ordering = ["measure", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "municipality"], name="participation_unique",
                                    violation_error_message=_("Kommunen deltar allerede i tiltaket.")),
        ]

    def __str__(self) -> str:
        return gettext("%(municipality)s i %(whole)s") % {"municipality": self.municipality, "whole": self.measure}


class StatusUpdate(models.Model):
    """A dated status update: who, when, what changed and why.

    `municipality` empty: the measure's overall status (owner or secretariat).
    It is the measure's status: it sets phase, light and "last updated", and a
    reporting round counts the measure as reported.
    `municipality` set: that participant's own part of a shared measure. It
    is the municipality's report on its part, shown beside the overall status;
    it never changes the measure's status or "last updated", and in a round it
    counts as that municipality having reported, not the measure.
    Status updates are never edited; a correction is a new update.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="status_updates",
                                verbose_name=_("tiltak"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="status_updates", verbose_name=_("kommunens del"))
    partner = models.ForeignKey(OutsidePartner, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="status_updates", verbose_name=_("partnerens del"),
                                help_text=_("Satt når en ekstern partner rapporterer sin del av tiltaket."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="status_updates", verbose_name=_("skrevet av"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True, db_index=True)
    reported_on = models.DateField(_("gjelder dato"))
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices)
    traffic_light = models.CharField(_("trafikklys"), max_length=10, choices=TrafficLight.choices)
    light_reason = models.TextField(_("begrunnelse for trafikklys"), blank=True)
    status_text = models.TextField(_("hva har skjedd"), blank=True)
    follow_up_text = models.TextField(_("oppfølging: hva"), blank=True)
    follow_up_responsible = models.CharField(_("oppfølging: hvem"), max_length=200, blank=True)
    follow_up_due = models.DateField(_("oppfølging: frist"), null=True, blank=True)
    reason = models.CharField(_("kommentar"), max_length=500, blank=True)
    on_behalf = models.BooleanField(
        _("registrert på vegne av kommunen"), default=False,
        help_text=_("Sekretariatet registrerte delen for en kommune, for eksempel etter en telefonsamtale."))

    class Meta:
        verbose_name = _("statusoppdatering")
        verbose_name_plural = _("statusoppdateringer")
        ordering = ["-reported_on", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["measure", "-reported_on"], name="status_update_measure_date"),
            # "updates since <date>" on the dashboards
            models.Index(fields=["measure", "created_at"], name="status_update_measure_created"),
            # the last overall (not per-municipality) update of each measure
            models.Index(fields=["measure", "-reported_on", "-created_at"], name="status_update_last_overall",
                         condition=Q(municipality__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(traffic_light="green") | ~Q(light_reason=""),
                name="status_update_light_reason_required",
                violation_error_message=LIGHT_REASON_REQUIRED),
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(partner__isnull=True),
                name="status_update_one_part",
                violation_error_message=_("En statusoppdatering gjelder én kommunes eller én partners del, ikke begge.")),
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=models.F("reported_on")),
                name="status_update_due_after_report",
                violation_error_message=_("Fristen for oppfølging kan ikke være før datoen oppdateringen gjelder.")),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.reported_on:%d.%m.%Y}"


def document_path(instance: "Document", filename: str) -> str:
    """documents/<year>/<random>/<name>: the random folder keeps a file's
    address unguessable should the storage ever be served directly."""
    return f"documents/{timezone.now():%Y}/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    """A file attached to a measure or to one of its status updates.

    Internal documents (a risk analysis, ROS) are shown only to the
    administration; the policy decides who may download (collaborations.policy).
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="documents",
                                verbose_name=_("tiltak"))
    status_update = models.ForeignKey(StatusUpdate, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="documents", verbose_name=_("statusoppdatering"))
    title = models.CharField(_("tittel"), max_length=200)
    file = models.FileField(_("fil"), upload_to=document_path, max_length=300)
    size = models.PositiveBigIntegerField(_("størrelse (byte)"), default=0)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("lastet opp av"))
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["measure", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def collaboration(self):
        return self.measure.collaboration

    @property
    def is_published(self) -> bool:
        return self.visibility == Visibility.PUBLISHED

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
