import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .collaborations import Visibility
from .portfolio import Measure, StatusUpdate


def document_path(instance: "Document", filename: str) -> str:
    """documents/<year>/<random>/<name>: the random folder keeps a file's
    address unguessable should the storage ever be served directly."""
    return f"documents/{timezone.now():%Y}/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    """A file attached to a measure or to one of its status updates.

    Internal documents (a risk analysis, ROS, seed 001) are shown only to the
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
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
