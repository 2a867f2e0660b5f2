from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

four_digits = RegexValidator(r"^\d{4}$", _("Kommunenummer må være fire sifre, for eksempel 1940."))
two_digits = RegexValidator(r"^\d{2}$", _("Fylkesnummer må være to sifre, for eksempel 54."))


class County(models.Model):
    """A county (fylke). Counties merge and split too, so numbers repeat."""

    number = models.CharField(_("fylkesnummer"), max_length=2, validators=[two_digits])
    name = models.CharField(_("navn"), max_length=100)
    valid_from = models.DateField(_("gyldig fra"), null=True, blank=True)
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)

    class Meta:
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="county_number_unique_per_period",
                                    violation_error_message=_("Et fylke med dette nummeret finnes allerede for perioden.")),
            models.UniqueConstraint(fields=["number"], condition=Q(valid_from__isnull=True),
                                    name="county_number_unique_without_start",
                                    violation_error_message=_("Et fylke med dette nummeret finnes allerede.")),
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (kommune) with its official 4-digit number (SSB).

    Numbers are reused across reforms (5428 was Nordreisa before 2024 and
    5544 after), so a number is unique only together with its validity start.
    After a merger `successor` points at the new municipality.
    """

    number = models.CharField(_("kommunenummer"), max_length=4, validators=[four_digits])
    name = models.CharField(_("navn"), max_length=100)
    sami_name = models.CharField(_("samisk navn"), max_length=100, blank=True)
    kven_name = models.CharField(_("kvensk navn"), max_length=100, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("fylke"))
    valid_from = models.DateField(_("gyldig fra"), null=True, blank=True)
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True, help_text=_("Siste dag kommunen fantes."))
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors",
        verbose_name=_("etterfølger"),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="municipality_number_unique_per_period",
                                    violation_error_message=_("En kommune med dette nummeret finnes allerede for perioden.")),
            models.UniqueConstraint(fields=["number"], condition=Q(valid_from__isnull=True),
                                    name="municipality_number_unique_without_start",
                                    violation_error_message=_("En kommune med dette nummeret finnes allerede.")),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="municipality_validity_ordered",
                violation_error_message=_("«Gyldig til» kan ikke være før «gyldig fra»."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def official_names(self) -> str:
        """All official names, as used in headings: "Kåfjord – Gáivuotna – Kaivuono"."""
        return " – ".join(n for n in (self.name, self.sami_name, self.kven_name) if n)

    def clean(self):
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("En kommune kan ikke være sin egen etterfølger.")})
        if self.successor_id and not self.valid_to:
            raise ValidationError({"valid_to": _("Oppgi siste gyldighetsdag når kommunen har en etterfølger.")})


class PopulationFigure(models.Model):
    """Inhabitants (innbyggertall) at 1 January of `year`, with its source."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="population_figures",
                                     verbose_name=_("kommune"))
    year = models.PositiveSmallIntegerField(_("år"))
    population = models.PositiveIntegerField(_("innbyggertall"))
    source = models.CharField(_("kilde"), max_length=200, help_text=_("For eksempel «SSB tabell 07459»."))
    is_approximate = models.BooleanField(
        _("omtrentlig"), default=False,
        help_text=_("Kryss av når tallet er et anslag og ikke et offisielt tall."),
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("innbyggertall")
        verbose_name_plural = _("innbyggertall")
        ordering = ["municipality__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_one_per_year",
                                    violation_error_message=_("Kommunen har allerede et innbyggertall for dette året.")),
            models.CheckConstraint(condition=Q(year__gte=1838) & Q(year__lte=2200), name="population_year_sane",
                                   violation_error_message=_("Året må være et gyldig årstall.")),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} 1.1.{self.year}: {self.population}"


class OutsidePartner(models.Model):
    """A participant that is not a member municipality: the hospital trust (UNN
    HF), the county governor (Statsforvalteren / Fylkesmannen), a school, or a
    municipality outside the region."""

    class Kind(models.TextChoices):
        STATE = "state", _("Statlig etat")
        HEALTH_TRUST = "health_trust", _("Helseforetak")
        COUNTY = "county", _("Fylkeskommune")
        SCHOOL = "school", _("Skole")
        MUNICIPALITY = "municipality", _("Kommune utenfor samarbeidet")
        COMPANY = "company", _("Selskap")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("kommune"),
                                     help_text=_("Når partneren er en kommune utenfor samarbeidet."))

    class Meta:
        verbose_name = _("ekstern partner")
        verbose_name_plural = _("eksterne partnere")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A named person in the documents (responsible, coordinator, project
    leader). Linked to a user account when the person logs in."""

    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="people", verbose_name=_("kommune"))
    organisation = models.CharField(_("organisasjon"), max_length=200, blank=True,
                                    help_text=_("Når personen ikke er ansatt i en kommune, for eksempel NTSS."))
    email = models.EmailField(_("e-post"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="person", verbose_name=_("brukerkonto"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
