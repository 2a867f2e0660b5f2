"""The admin is declared in each feature package; Django's autodiscovery
imports this module, which imports them."""

from .access import admin as access_admin  # noqa: F401
from .economy import admin as economy_admin  # noqa: F401
from .meetings import admin as meetings_admin  # noqa: F401
from .portfolio import admin as portfolio_admin  # noqa: F401
from .registry import admin as registry_admin  # noqa: F401
