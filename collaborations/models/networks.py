from django.db import models
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration, Visibility
from .municipalities import Municipality, OutsidePartner, Person


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
