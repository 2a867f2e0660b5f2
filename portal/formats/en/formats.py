# English pages write dates the Norwegian way too.
from portal.formats.nb.formats import *  # noqa: F401,F403
