"""The registry: municipalities (with mergers), counties, outside partners,
people, collaborations and their members, bodies and professional networks.

Everything the secretariat keeps here has history (django-simple-history), so
a report as of a cut-off shows bodies, members and networks as they stood.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    """Published items are open to everyone; internal ones (risk analyses, drafts)
    only to the administration of the collaboration."""

    PUBLISHED = "published", _("Publisert")
    INTERNAL = "internal", _("Intern")


class Collaboration(models.Model):
    """A standing inter-municipal collaboration (interkommunalt samarbeid).

    Collaborations nest: Nord-Troms inside a county-wide one, for example.
    """

    class Kind(models.TextChoices):
        REGIONAL_COUNCIL = "regional_council", _("Interkommunalt politisk råd (kommuneloven § 18)")
        FRAMEWORK = "framework", _("Samarbeidsavtale / kommuneregion")
        JOINT_TASK = "joint_task", _("Kommunalt oppgavefellesskap (§ 19)")
        HOST = "host", _("Vertskommunesamarbeid (§ 20-2 / § 20-3)")
        IKS = "iks", _("Interkommunalt selskap (IKS)")
        MERGER = "merger", _("Sammenslåingsprosess (fellesnemnd)")
        COUNTY_WIDE = "county_wide", _("Fylkesdekkende samarbeid")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnavn"), max_length=60, blank=True)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    kind = models.CharField(_("samarbeidsform"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("del av"))
    description = models.TextField(_("beskrivelse"), blank=True)
    established_on = models.DateField(_("etablert"), null=True, blank=True)
    source = models.CharField(_("kilde"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samarbeid")
        verbose_name_plural = _("samarbeid")
        ordering = ["name"]
        permissions = [
            ("manage_collaboration", _("Kan forvalte samarbeidet (sekretariat)")),
            ("view_internal", _("Kan se interne saker i samarbeidet")),
            ("read_reports", _("Kan lese samarbeidets ferdige rapporter før de publiseres")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("Et samarbeid kan ikke ligge inni seg selv.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Membership(models.Model):
    """A municipality's membership in a collaboration, with join and leave dates.

    New members join only with the consent of all original members.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="memberships",
                                      verbose_name=_("samarbeid"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="memberships",
                                     verbose_name=_("kommune"))
    joined_on = models.DateField(_("medlem fra"), null=True, blank=True)
    left_on = models.DateField(_("medlem til"), null=True, blank=True)
    is_original_member = models.BooleanField(_("opprinnelig deltaker"), default=True)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["collaboration__name", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "municipality", "joined_on"],
                                    name="membership_unique_per_period"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_dates_ordered",
                violation_error_message=_("«Medlem til» kan ikke være før «medlem fra»."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(municipality)s i %(whole)s") % {"municipality": self.municipality, "whole": self.collaboration}


class Body(models.Model):
    """A body of a collaboration or of a member: a municipal council, the
    regional council, the council of chief executives, a steering group..."""

    class Kind(models.TextChoices):
        MUNICIPAL_COUNCIL = "municipal_council", _("Kommunestyre")
        EXECUTIVE_COMMITTEE = "executive_committee", _("Formannskap")
        REGIONAL_COUNCIL = "regional_council", _("Regionråd")
        CHIEF_EXECUTIVES = "chief_executives", _("Kommunedirektørutvalg / rådmannsutvalg")
        STEERING_GROUP = "steering_group", _("Styringsgruppe")
        PROJECT_GROUP = "project_group", _("Prosjektgruppe")
        STRATEGY_GROUP = "strategy_group", _("Strategigruppe")
        SECRETARIAT = "secretariat", _("Sekretariat")
        JOINT_COMMITTEE = "joint_committee", _("Fellesnemnd")
        LEADERS_MEETING = "leaders_meeting", _("Ledermøte")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="bodies",
                                      verbose_name=_("samarbeid"))
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="bodies", verbose_name=_("kommune"),
                                     help_text=_("For kommunestyre og formannskap: hvilken kommune."))
    mandate = models.TextField(_("mandat"), blank=True)
    receives_annual_report = models.BooleanField(_("mottar årsrapport"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organer")
        ordering = ["collaboration__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="body_name_unique_in_collaboration"),
            models.CheckConstraint(
                condition=~Q(kind__in=["municipal_council", "executive_committee"]) | Q(municipality__isnull=False),
                name="council_has_municipality",
                violation_error_message=_("Et kommunestyre eller formannskap må høre til en kommune."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members", verbose_name=_("organ"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="body_memberships",
                               verbose_name=_("person"))
    role = models.CharField(_("rolle"), max_length=100, blank=True, help_text=_("For eksempel leder, nestleder, medlem."))
    starts_on = models.DateField(_("fra"), null=True, blank=True)
    ends_on = models.DateField(_("til"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlem av organ")
        verbose_name_plural = _("medlemmer av organ")
        ordering = ["body", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person", "role"], name="body_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})" if self.role else str(self.person)


class Network(models.Model):
    """A professional network (fagnettverk): archive leaders, HR, psychologists.
    Members can come from outside the region (Balsfjord and Karlsøy in the
    psychologists' network of Nord-Troms)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="networks",
                                      verbose_name=_("samarbeid"))
    name = models.CharField(_("navn"), max_length=200)
    coordinator = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="coordinated_networks", verbose_name=_("koordinator"))
    meeting_rhythm = models.CharField(_("møterytme"), max_length=200, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    member_municipalities = models.ManyToManyField(Municipality, blank=True, related_name="networks",
                                                   verbose_name=_("deltakende kommuner"))
    outside_members = models.ManyToManyField(OutsidePartner, blank=True, related_name="networks",
                                             verbose_name=_("deltakere utenfor samarbeidet"))
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fagnettverk")
        verbose_name_plural = _("fagnettverk")
        ordering = ["collaboration__name", "name"]
        permissions = [("coordinate_network", _("Kan koordinere nettverket"))]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="network_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
