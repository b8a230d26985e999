"""Exact botocore semantics for the rare response values the Rust core hands back.

The Rust walker parses the common ISO-8601 timestamps itself; epoch numbers,
RFC-822 dates and other forms come here so that the result is what
``botocore.utils.parse_timestamp`` gives (dateutil's parser and time zones when
dateutil is installed, as it always is alongside boto3).
"""

import base64
import datetime
import time

try:  # dateutil ships with botocore; results then carry the same tzinfo types.
    from dateutil.tz import tzlocal as _tzlocal
    from dateutil.tz import tzoffset as _tzoffset
    from dateutil.tz import tzutc as _tzutc

    _HAVE_DATEUTIL = True

    def _zero_offset_zone():
        """What dateutil's parser (so botocore) attaches to "Z": the local zone when
        the machine's zone is itself named "UTC" (the parser reads "Z" as "UTC"
        and matches it against `time.tzname`), else tzutc(). Worked out without
        importing the parser (~7 ms); tests/test_model_roundtrip.py checks it in
        several zones."""
        if "UTC" in time.tzname:
            local = _tzlocal()
            if local.tzname(datetime.datetime(2000, 1, 1)) == "UTC":
                return local
        return _tzutc()

    UTC = _zero_offset_zone()

    def tz_offset(seconds):
        return _tzoffset(None, seconds)

    def _local():
        return _tzlocal()

except ImportError:  # pragma: no cover - exercised only without dateutil
    _HAVE_DATEUTIL = False
    UTC = datetime.timezone.utc

    def tz_offset(seconds):
        return datetime.timezone(datetime.timedelta(seconds=seconds))

    def _local():
        return datetime.datetime.now().astimezone().tzinfo


def _from_epoch(value):
    try:
        return datetime.datetime.fromtimestamp(value, _local())
    except (OSError, OverflowError):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=_local())
        return epoch + datetime.timedelta(seconds=value)


def parse_timestamp(value):
    """botocore.utils.parse_timestamp: epoch numbers first, then a date parser."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value)
    try:
        return _from_epoch(float(value))
    except (TypeError, ValueError):
        pass
    if _HAVE_DATEUTIL:
        from dateutil import parser as _dateutil_parser  # only for rare forms

        try:
            return _dateutil_parser.parse(value, tzinfos={"GMT": _tzutc()})
        except (TypeError, ValueError, OverflowError) as e:
            raise ValueError(f'Invalid timestamp "{value}": {e}') from None
    try:
        text = value.replace("Z", "+00:00")
        parsed = datetime.datetime.fromisoformat(text)
    except (AttributeError, TypeError, ValueError) as e:
        raise ValueError(f'Invalid timestamp "{value}": {e}') from None
    if parsed.utcoffset() == datetime.timedelta(0):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def to_int(value):
    return int(value)


def to_float(value):
    return float(value)


def b64decode(value):
    return base64.b64decode(value)
