"""Meetings of a collaboration's bodies, their numbered cases with the
follow-ups each case decides (who, what, by when), the subprojects (DP) and
working groups (FG) cases refer to, joint council cases with each member
council's decision, and the annual wheel (årshjul) with its calendar feeds."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..economy.models import HostAgreement
from ..portfolio.models import Measure
from ..registry.models import Body, Collaboration, Person, Visibility


class Meeting(models.Model):
    """A meeting of a body, with numbered cases (saker). Minutes are published
    unless marked internal."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("organ"))
    title = models.CharField(_("tittel"), max_length=200)
    held_on = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    present = models.TextField(_("til stede"), blank=True)
    absent = models.TextField(_("forfall"), blank=True)
    others_attending = models.TextField(_("andre møtende"), blank=True,
                                        help_text=_("For eksempel «Vegard Bogstrand (sak 6 og 7)»."))
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
    """A case (sak) numbered within its body and year ("Sak 7/2017"), with its
    conclusion, the measures, agreements, subprojects and documents it
    concerns, and its follow-ups. A case without a conclusion is on the agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases", verbose_name=_("møte"))
    number = models.PositiveSmallIntegerField(_("saksnummer"))
    title = models.CharField(_("hva saken gjelder"), max_length=300)
    conclusion = models.TextField(_("konklusjon"), blank=True)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)
    measures = models.ManyToManyField(Measure, blank=True, related_name="meeting_cases", verbose_name=_("tiltak"))
    agreements = models.ManyToManyField(HostAgreement, blank=True, related_name="meeting_cases",
                                        verbose_name=_("vertskommuneavtaler"))
    subprojects = models.ManyToManyField("Subproject", blank=True, related_name="cases",
                                         verbose_name=_("delprosjekter og faggrupper"))
    documents = models.ManyToManyField("collaborations.Document", blank=True, related_name="meeting_cases",
                                       verbose_name=_("dokumenter"))

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
        return gettext("Sak %(number)s: %(title)s") % {"number": self.reference, "title": self.title}

    @property
    def reference(self) -> str:
        """The case's number within its body and year, as the minutes write it: 7/2017."""
        return f"{self.number}/{self.meeting.held_on.year}"


class FollowUp(models.Model):
    """What a case decided someone must do, and by when ("Oppfølging:
    hvem/når"). Open until it is marked done; overdue after its deadline."""

    case = models.ForeignKey(MeetingCase, on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name=_("sak"))
    responsible = models.CharField(_("ansvar"), max_length=300)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="follow_ups", verbose_name=_("ansvarlig person"),
                               help_text=_("Personen får en påminnelse før fristen."))
    action = models.TextField(_("hva skal gjøres"), blank=True)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    done_on = models.DateField(_("utført"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppfølging")
        verbose_name_plural = _("oppfølginger")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.responsible}: {self.action or self.case.title}"[:300]

    def overdue_on(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < today


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


class FollowUpReminder(models.Model):
    """One reminder e-mail sent about a follow-up: the log that keeps the
    daily task from sending the same reminder twice."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Før fristen")
        AFTER = "after", _("Etter fristen")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders",
                                  verbose_name=_("oppfølging"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    email = models.EmailField(_("e-post"))
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("påminnelse om oppfølging")
        verbose_name_plural = _("påminnelser om oppfølging")
        ordering = ["follow_up", "kind", "email"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "kind", "email"], name="follow_up_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.kind} {self.email}"


class CouncilCase(models.Model):
    """A joint council case (likelydende sak): one proposal the secretariat
    sends to every member council it concerns. What it is about takes effect
    when the rule it states is met: all the councils adopted it, or a majority."""

    class Subject(models.TextChoices):
        COLLABORATION_AGREEMENT = "collaboration_agreement", _("Samarbeidsavtalen")
        HOST_AGREEMENT = "host_agreement", _("Vertskommuneavtale")
        ADMISSION = "admission", _("Opptak av ny medlemskommune")
        PLAN = "plan", _("Strategi- og handlingsplan")
        BUDGET = "budget", _("Budsjett")
        OTHER = "other", _("Annet")

    class Rule(models.TextChoices):
        ALL = "all", _("Alle kommunestyrene må vedta")
        MAJORITY = "majority", _("Flertallet av kommunestyrene må vedta")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="council_cases",
                                      verbose_name=_("samarbeid"))
    title = models.CharField(_("tittel"), max_length=300)
    subject = models.CharField(_("gjelder"), max_length=30, choices=Subject.choices, default=Subject.OTHER)
    summary = models.TextField(_("sammendrag"), blank=True)
    proposed_decision = models.TextField(_("forslag til vedtak"))
    rule = models.CharField(_("trer i kraft når"), max_length=10, choices=Rule.choices, default=Rule.ALL)
    sent_on = models.DateField(_("sendt kommunene"), null=True, blank=True)
    agreement = models.ForeignKey(HostAgreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="council_cases", verbose_name=_("vertskommuneavtale"))
    plan = models.ForeignKey("collaborations.PlanPeriod", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="council_cases", verbose_name=_("plan"))
    new_member = models.ForeignKey("collaborations.Municipality", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="admission_cases", verbose_name=_("ny medlemskommune"))
    origin = models.ForeignKey(MeetingCase, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="council_cases", verbose_name=_("fra møtesak"))
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)
    illustrative = models.BooleanField(_("illustrerende demodata"), default=False,
                                       help_text=_("Datoer og saksnumre er ikke fra dokumentene."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("felles kommunestyresak")
        verbose_name_plural = _("felles kommunestyresaker")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class CouncilDecision(models.Model):
    """One member council's handling of a joint council case: its own case
    number, meeting date and outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Ikke behandlet ennå")
        ADOPTED = "adopted", _("Vedtatt som foreslått")
        AMENDED = "amended", _("Vedtatt med endringer")
        REJECTED = "rejected", _("Ikke vedtatt")
        POSTPONED = "postponed", _("Utsatt")

    council_case = models.ForeignKey(CouncilCase, on_delete=models.CASCADE, related_name="decisions",
                                     verbose_name=_("felles sak"))
    municipality = models.ForeignKey("collaborations.Municipality", on_delete=models.PROTECT,
                                     related_name="council_decisions", verbose_name=_("kommune"))
    case_number = models.CharField(_("kommunens saksnummer"), max_length=50, blank=True,
                                   help_text=_("For eksempel «PS 12/2021»."))
    decided_on = models.DateField(_("møtedato"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    amendments = models.TextField(_("endringer i vedtaket"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vedtak i kommunestyret")
        verbose_name_plural = _("vedtak i kommunestyrene")
        ordering = ["council_case", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["council_case", "municipality"], name="council_decision_once",
                                    violation_error_message=_("Kommunen har allerede denne saken.")),
        ]

    def __str__(self) -> str:
        return f"{self.council_case}: {self.municipality} ({self.get_outcome_display()})"

    @property
    def adopted(self) -> bool:
        return self.outcome in (self.Outcome.ADOPTED, self.Outcome.AMENDED)


class WheelItem(models.Model):
    """An entry in the collaboration's annual wheel (årshjul): a meeting, a
    deadline, the budget, an evaluation... entered once, every year on the
    same day or month ("hvert år i mars"), or in one given year."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Møte")
        DEADLINE = "deadline", _("Frist")
        REPORT = "report", _("Rapportering")
        BUDGET = "budget", _("Budsjett")
        EVALUATION = "evaluation", _("Evaluering")
        ELECTION = "election", _("Valg og ny politisk ledelse")
        OTHER = "other", _("Annet")

    class Recurrence(models.TextChoices):
        YEARLY = "yearly", _("Hvert år")
        ONCE = "once", _("Ett bestemt år")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="wheel_items",
                                      verbose_name=_("samarbeid"))
    title = models.CharField(_("tittel"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    month = models.PositiveSmallIntegerField(_("måned"), choices=[(m, m) for m in range(1, 13)])
    day = models.PositiveSmallIntegerField(_("dag"), null=True, blank=True,
                                           help_text=_("Tom når bare måneden er bestemt, for eksempel «i mars»."))
    recurrence = models.CharField(_("gjentas"), max_length=10, choices=Recurrence.choices, default=Recurrence.YEARLY)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True,
                                            help_text=_("Bare for noe som skjer ett bestemt år."))
    body = models.ForeignKey(Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="wheel_items",
                             verbose_name=_("organ"))
    responsible = models.CharField(_("ansvar"), max_length=300, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    visibility = models.CharField(_("synlighet"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLISHED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punkt i årshjulet")
        verbose_name_plural = _("årshjulet")
        ordering = ["month", "day", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.day is not None and self.month and not 1 <= self.day <= _last_day(self.month):
            errors["day"] = gettext("Måned %(m)s har ikke dag %(d)s.") % {"m": self.month, "d": self.day}
        if self.recurrence == self.Recurrence.ONCE and not self.year:
            errors["year"] = gettext("Skriv året det skjer.")
        if self.recurrence == self.Recurrence.YEARLY and self.year:
            errors["year"] = gettext("La året stå tomt for noe som skjer hvert år.")
        if errors:
            raise ValidationError(errors)

    def on(self, year: int) -> dt.date | None:
        """The day it falls on in `year` (the 1st when only the month is set; 28 February in a common year
        for the 29th), or None when it does not happen that year."""
        if self.recurrence == self.Recurrence.ONCE and self.year != year:
            return None
        day = min(self.day or 1, _last_day(self.month, year))
        return dt.date(year, self.month, day)


def _last_day(month: int, year: int = 2024) -> int:
    """The last day of `month` (in a leap year unless `year` says otherwise)."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


class CalendarFeed(models.Model):
    """A user's personal calendar feed: the secret in its address, which the
    user can replace (the old address stops working at once)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed",
                                verbose_name=_("bruker"))
    token = models.CharField(_("nøkkel"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("laget"), auto_now=True)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")

    def __str__(self) -> str:
        return str(self.user)


def attachment_path(instance: "CouncilCaseAttachment", filename: str) -> str:
    """council-cases/<year>/<random>/<name>: unguessable should the storage ever be served directly."""
    return f"council-cases/{timezone.now():%Y}/{uuid.uuid4().hex}/{filename}"


class CouncilCaseAttachment(models.Model):
    """A document that goes with a joint council case to every council (the
    agreement itself, a budget, a report). As visible as its case."""

    council_case = models.ForeignKey(CouncilCase, on_delete=models.CASCADE, related_name="attachments",
                                     verbose_name=_("felles sak"))
    title = models.CharField(_("tittel"), max_length=200)
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    size = models.PositiveBigIntegerField(_("størrelse (byte)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("lastet opp av"))
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        ordering = ["council_case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
