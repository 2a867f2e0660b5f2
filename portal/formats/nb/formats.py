# The portal writes dates the Norwegian way in every interface language; the
# formats themselves are set once, in collaborations.common.dates.
from collaborations.common.dates import DATE_FORMAT, DATE_INPUT_FORMATS, DATETIME_FORMAT, TIME_FORMAT  # noqa: F401

SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
