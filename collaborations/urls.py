"""Every page of the domain: each feature package lists its own pages in its
urls.py. Log-in and password pages are in access/urls_accounts.py."""

from .access import urls as access
from .api import urls as api
from .dashboards import urls as dashboards
from .economy import urls as economy
from .imports import urls as imports
from .meetings import urls as meetings
from .plans import urls as plans
from .portfolio import urls as portfolio
from .registry import urls as registry
from .rounds import urls as rounds

urlpatterns = [
    *registry.urlpatterns,
    *portfolio.urlpatterns,
    *rounds.urlpatterns,
    *dashboards.urlpatterns,
    *access.urlpatterns,
    *api.urlpatterns,
    *imports.urlpatterns,
    *plans.urlpatterns,
    *economy.urlpatterns,
    *meetings.urlpatterns,
]
