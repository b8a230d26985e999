"""Exact botocore semantics for the rare response values the Rust core hands back.

The Rust walker parses the common ISO-8601 timestamps itself; epoch numbers,
RFC-822 dates and other forms come here so that the result is what
``botocore.utils.parse_timestamp`` gives (dateutil's parser and time zones when
dateutil is installed, as it always is alongside boto3).
"""

import base64
import datetime

try:  # dateutil ships with botocore; results then carry the same tzinfo types.
    from dateutil import parser as _dateutil_parser
    from dateutil.tz import tzlocal as _tzlocal
    from dateutil.tz import tzoffset as _tzoffset
    from dateutil.tz import tzutc as _tzutc
    # What dateutil (so botocore) attaches to a zero offset ("Z", "+00:00"): tzutc(),
    # or tzlocal() on a machine whose local zone is named UTC. Asked once.
    UTC = _dateutil_parser.parse("2000-01-01T00:00:00Z").tzinfo or _tzutc()

    def tz_offset(seconds):
        return _tzoffset(None, seconds)

    def _local():
        return _tzlocal()

except ImportError:  # pragma: no cover - exercised only without dateutil
    _dateutil_parser = None
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
    if _dateutil_parser is not None:
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
