from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration
from .municipalities import Municipality
from .networks import Network


class Role(models.TextChoices):
    MUNICIPAL_ADMIN = "municipal_admin", _("Kommuneadministrasjon (saksbehandler, kommunedirektør)")
    NETWORK_COORDINATOR = "network_coordinator", _("Nettverkskoordinator")
    SECRETARIAT = "secretariat", _("Sekretariat")
    POLITICIAN = "politician", _("Folkevalgt")


class RoleAssignment(models.Model):
    """Why a user has the object permissions they have.

    The permission policy (collaborations.policy) reads guardian's object
    permissions; this row is the record that granted them, and
    `services.roles.role_grant` / `role_revoke` keep both in step.
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
    granted_at = models.DateTimeField(_("tildelt"), auto_now_add=True)

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
                ),
                name="role_has_its_scope",
                violation_error_message=_(
                    "Kommuneadministrasjon og folkevalgt krever kommune, sekretariat krever samarbeid "
                    "og koordinator krever nettverk."),
            ),
            models.UniqueConstraint(fields=["user", "role", "municipality"], condition=Q(municipality__isnull=False),
                                    name="role_unique_per_municipality",
                                    violation_error_message=_("Brukeren har allerede denne rollen for kommunen.")),
            models.UniqueConstraint(fields=["user", "role", "collaboration"], condition=Q(collaboration__isnull=False),
                                    name="role_unique_per_collaboration",
                                    violation_error_message=_("Brukeren har allerede denne rollen for samarbeidet.")),
            models.UniqueConstraint(fields=["user", "role", "network"], condition=Q(network__isnull=False),
                                    name="role_unique_per_network",
                                    violation_error_message=_("Brukeren har allerede denne rollen for nettverket.")),
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.collaboration or self.network
        return f"{self.user} – {self.get_role_display()} – {scope}"

    def clean(self):
        if self.role in (Role.MUNICIPAL_ADMIN, Role.POLITICIAN) and not self.municipality_id:
            raise ValidationError({"municipality": _("Velg kommunen rollen gjelder.")})
        if self.role == Role.SECRETARIAT and not self.collaboration_id:
            raise ValidationError({"collaboration": _("Velg samarbeidet sekretariatet gjelder.")})
        if self.role == Role.NETWORK_COORDINATOR and not self.network_id:
            raise ValidationError({"network": _("Velg nettverket koordinatoren gjelder.")})
