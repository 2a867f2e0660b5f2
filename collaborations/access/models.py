"""Who may do what, and the record of every change to it.

* RoleAssignment: why a user has the rights they have (granted and revoked
  by `access.roles`, never deleted: a revoked role keeps who revoked it, when).
* The direct foreign-key object-permission tables django-guardian reads
  (its performance guide: lists filter on an indexed key, not a string).
* AuditEvent: one row per state change (who, when, what, old → new, why),
  written by the service that made the change, in the same transaction.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..portfolio.models import Measure
from ..registry.models import Collaboration, Municipality, Network, OutsidePartner


class Role(models.TextChoices):
    MUNICIPAL_ADMIN = "municipal_admin", _("Kommuneadministrasjon (saksbehandler, kommunedirektør)")
    NETWORK_COORDINATOR = "network_coordinator", _("Nettverkskoordinator")
    SECRETARIAT = "secretariat", _("Sekretariat")
    POLITICIAN = "politician", _("Folkevalgt")
    PARTNER = "partner", _("Ekstern partner")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """Why a user has the object permissions they have.

    The policy reads guardian's object permissions; this row is the record
    that granted them, and `access.roles.role_grant` / `role_revoke` keep both
    in step. A revoked role stays, with who revoked it and when.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("bruker"))
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="role_assignments", verbose_name=_("kommune"))
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="role_assignments", verbose_name=_("samarbeid"))
    network = models.ForeignKey(Network, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="role_assignments", verbose_name=_("nettverk"))
    partner = models.ForeignKey(OutsidePartner, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="role_assignments", verbose_name=_("ekstern partner"))
    granted_at = models.DateTimeField(_("tildelt"), auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("tildelt av"))
    revoked_at = models.DateTimeField(_("fjernet"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("fjernet av"))

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["municipal_admin", "politician"], municipality__isnull=False)
                    | Q(role="secretariat", collaboration__isnull=False)
                    | Q(role="network_coordinator", network__isnull=False)
                    | Q(role="partner", partner__isnull=False)
                ),
                name="role_has_its_scope",
                violation_error_message=_(
                    "Kommuneadministrasjon og folkevalgt krever kommune, sekretariat krever samarbeid, "
                    "koordinator krever nettverk og ekstern partner krever partner."),
            ),
            models.UniqueConstraint(fields=["user", "role", "municipality"],
                                    condition=Q(municipality__isnull=False, revoked_at__isnull=True),
                                    name="role_unique_per_municipality",
                                    violation_error_message=_("Brukeren har allerede denne rollen for kommunen.")),
            models.UniqueConstraint(fields=["user", "role", "collaboration"],
                                    condition=Q(collaboration__isnull=False, revoked_at__isnull=True),
                                    name="role_unique_per_collaboration",
                                    violation_error_message=_("Brukeren har allerede denne rollen for samarbeidet.")),
            models.UniqueConstraint(fields=["user", "role", "network"],
                                    condition=Q(network__isnull=False, revoked_at__isnull=True),
                                    name="role_unique_per_network",
                                    violation_error_message=_("Brukeren har allerede denne rollen for nettverket.")),
            models.UniqueConstraint(fields=["user", "role", "partner"],
                                    condition=Q(partner__isnull=False, revoked_at__isnull=True),
                                    name="role_unique_per_partner",
                                    violation_error_message=_("Brukeren har allerede denne rollen for partneren.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self):
        return self.municipality or self.collaboration or self.network or self.partner

    def clean(self):
        if self.role in (Role.MUNICIPAL_ADMIN, Role.POLITICIAN) and not self.municipality_id:
            raise ValidationError({"municipality": _("Velg kommunen rollen gjelder.")})
        if self.role == Role.SECRETARIAT and not self.collaboration_id:
            raise ValidationError({"collaboration": _("Velg samarbeidet sekretariatet gjelder.")})
        if self.role == Role.NETWORK_COORDINATOR and not self.network_id:
            raise ValidationError({"network": _("Velg nettverket koordinatoren gjelder.")})
        if self.role == Role.PARTNER and not self.partner_id:
            raise ValidationError({"partner": _("Velg partneren brukeren representerer.")})


class CollaborationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Collaboration, on_delete=models.CASCADE)


class CollaborationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Collaboration, on_delete=models.CASCADE)


class MeasureUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Measure, on_delete=models.CASCADE)


class MeasureGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Measure, on_delete=models.CASCADE)


class NetworkUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Network, on_delete=models.CASCADE)


class NetworkGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Network, on_delete=models.CASCADE)


class AuditEvent(models.Model):
    """One change of state: who did what to which object, when, old → new, and why.

    Written only by `access.audit.audit_record`, from inside the service that
    made the change, so the change and its record commit or fail together.
    Never changed afterwards.
    """

    class Kind(models.TextChoices):
        ROLE_GRANTED = "role_granted", _("Rolle tildelt")
        ROLE_REVOKED = "role_revoked", _("Rolle fjernet")
        MEMBERSHIP_ADDED = "membership_added", _("Medlem tatt opp")
        MEMBERSHIP_ENDED = "membership_ended", _("Medlem trådt ut")
        MUNICIPALITY_MERGED = "municipality_merged", _("Kommuner slått sammen")
        AGREEMENT_SAVED = "agreement_saved", _("Vertskommuneavtale lagret")
        AGREEMENT_DELETED = "agreement_deleted", _("Vertskommuneavtale slettet")
        COST_KEY_SAVED = "cost_key_saved", _("Kostnadsnøkkel lagret")
        COST_KEY_DELETED = "cost_key_deleted", _("Kostnadsnøkkel slettet")
        MEASURE_CREATED = "measure_created", _("Tiltak opprettet")
        MEASURE_CHANGED = "measure_changed", _("Tiltak endret")
        MEASURE_DELETED = "measure_deleted", _("Tiltak slettet")
        PARTICIPANTS_CHANGED = "participants_changed", _("Deltakere endret")
        STATUS_UPDATED = "status_updated", _("Status registrert")
        DOCUMENT_UPLOADED = "document_uploaded", _("Dokument lastet opp")
        PLAN_SAVED = "plan_saved", _("Plan lagret")
        STRATEGY_SAVED = "strategy_saved", _("Strategi lagret")
        COLLABORATION_SAVED = "collaboration_saved", _("Samarbeid lagret")
        BODY_SAVED = "body_saved", _("Organ lagret")
        NETWORK_SAVED = "network_saved", _("Nettverk lagret")
        MEETING_SAVED = "meeting_saved", _("Møte lagret")
        COUNCIL_CASE_SAVED = "council_case_saved", _("Felles kommunestyresak lagret")
        WHEEL_SAVED = "wheel_saved", _("Årshjulet endret")
        CALENDAR_FEED_RESET = "calendar_feed_reset", _("Ny kalenderlenke")
        REGISTRY_SAVED = "registry_saved", _("Register endret")
        OBJECT_DELETED = "object_deleted", _("Slettet")
        ROUND_OPENED = "round_opened", _("Rapporteringsrunde åpnet")
        MEASURES_IMPORTED = "measures_imported", _("Tiltak importert")
        REPORTS_ORDERED = "reports_ordered", _("Rapporter bestilt")
        REPORT_PUBLISHED = "report_published", _("Rapport publisert")
        REPORT_CORRECTED = "report_corrected", _("Rapport rettet")
        REPORT_DELETED = "report_deleted", _("Rapportutkast slettet")
        USER_INVITED = "user_invited", _("Bruker invitert")
        PLAN_REVISED = "plan_revised", _("Plan rullert")
        PLAN_CLOSED = "plan_closed", _("Plan avsluttet")
        MEASURE_CLOSED = "measure_closed", _("Tiltak avsluttet")
        AGREEMENT_JOINED = "agreement_joined", _("Deltaker med i avtale")
        AGREEMENT_LEFT = "agreement_left", _("Deltaker trådt ut av avtale")

    occurred_at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("utført av"))
    kind = models.CharField(_("hendelse"), max_length=30, choices=Kind.choices)
    collaboration = models.ForeignKey(Collaboration, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="audit_events", verbose_name=_("samarbeid"))
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("kommune"))
    modified_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("gjelder bruker"))
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("gjelder"), max_length=300, blank=True)
    old_value = models.JSONField(_("før"), null=True, blank=True)
    new_value = models.JSONField(_("etter"), null=True, blank=True)
    reason = models.TextField(_("begrunnelse"), blank=True)

    class Meta:
        verbose_name = _("hendelse i revisjonssporet")
        verbose_name_plural = _("revisjonsspor")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["collaboration", "-occurred_at"], name="audit_collab_occurred"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise ValueError("audit events are never changed")
        super().save(*args, **kwargs)
