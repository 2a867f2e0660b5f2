"""Django finds an app's models in `<app>.models`. Each model lives in its
feature package and is registered under the one app label "collaborations"
when its module is imported here. Import a model from its feature package."""

from .access import models as access_models  # noqa: F401
from .economy import models as economy_models  # noqa: F401
from .meetings import models as meetings_models  # noqa: F401
from .portfolio import models as portfolio_models  # noqa: F401
from .registry import models as registry_models  # noqa: F401
from .rounds import models as rounds_models  # noqa: F401
