"""Direct foreign-key object-permission tables (django-guardian's performance
guide): lists filter on an indexed FK instead of a generic object_pk string."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .collaborations import Collaboration
from .networks import Network
from .portfolio import Measure


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
