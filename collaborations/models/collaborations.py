from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .municipalities import Municipality, Person


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

    class Meta:
        verbose_name = _("samarbeid")
        verbose_name_plural = _("samarbeid")
        ordering = ["name"]
        permissions = [
            ("manage_collaboration", _("Kan forvalte samarbeidet (sekretariat)")),
            ("view_internal", _("Kan se interne saker i samarbeidet")),
            ("read_dashboards", _("Kan lese samarbeidets oversikter og rapporter")),
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

    New members join only with the consent of all original members (seed 004).
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="memberships",
                                      verbose_name=_("samarbeid"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="memberships",
                                     verbose_name=_("kommune"))
    joined_on = models.DateField(_("medlem fra"), null=True, blank=True)
    left_on = models.DateField(_("medlem til"), null=True, blank=True)
    is_original_member = models.BooleanField(_("opprinnelig deltaker"), default=True)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

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

    def is_active_on(self, day) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or day <= self.left_on)


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

    class Meta:
        verbose_name = _("medlem av organ")
        verbose_name_plural = _("medlemmer av organ")
        ordering = ["body", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person", "role"], name="body_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})" if self.role else str(self.person)
