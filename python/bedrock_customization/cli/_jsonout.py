"""JSON output: what the AWS CLI v1 prints for a response (``json.dumps(...,
``indent=4, ensure_ascii=False)``), and the response made plain (timestamps as
on the wire, blobs in base64) for every output format."""

from __future__ import annotations


def _wire_timestamp(dt) -> str:
    """The timestamp as the service sent it (the AWS CLI v1 prints timestamps as
    they came over the wire); rebuilt from the parsed value."""
    if dt.tzinfo is None:
        return dt.isoformat(sep=" ")
    offset = dt.utcoffset()
    if offset is not None and not offset:
        text = dt.strftime("%Y-%m-%dT%H:%M:%S")
        if dt.microsecond:
            text += f".{dt.microsecond // 1000:03d}" if dt.microsecond % 1000 == 0 else f".{dt.microsecond:06d}"
        return text + "Z"
    return dt.isoformat()


def _plain(value, iso=False):
    """Timestamps -> strings (as on the wire, or ISO 8601 with
    ``cli_timestamp_format = iso8601``); bytes -> base64 (what the AWS CLI shows)."""
    if isinstance(value, dict):
        return {k: _plain(v, iso) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, iso) for v in value]
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):
        return value.isoformat() if iso else _wire_timestamp(value)
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("utf-8")
    return value


def format_json(data) -> str:
    """``json.dumps(data, indent=4, ensure_ascii=False)`` and a newline (the AWS
    CLI's JSON output); nothing for ``{}``."""
    if data == {}:
        return ""
    return _dumps(data) + "\n"


class _NotPlain(Exception):
    pass


def _dumps(data) -> str:
    """What ``json.dumps(data, indent=4, ensure_ascii=False)`` returns, built with
    the same string escaper (``_json.encode_basestring``) and number formats, for
    the types a response holds; anything else goes to ``json.dumps`` itself. (The
    json module costs ~2 ms to import: it compiles its regular expressions.)"""
    try:
        from _json import encode_basestring
    except ImportError:  # pragma: no cover - an implementation without the C helpers
        pass
    else:
        out: list[str] = []
        try:
            _json_value(data, out, "\n", encode_basestring)
            return "".join(out)
        except (_NotPlain, RecursionError):
            pass
    import json

    return json.dumps(data, indent=4, ensure_ascii=False)


def _json_value(value, out, indent, quote):
    # The order of the checks is json.encoder's (bool before int, str first).
    if isinstance(value, str):
        out.append(quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_json_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[")
        separator = inner
        for item in value:
            out.append(separator)
            separator = "," + inner
            _json_value(item, out, inner, quote)
        out.append(indent + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + "    "
        out.append("{")
        separator = inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            out.append(separator)
            separator = "," + inner
            out.append(quote(key))
            out.append(": ")
            _json_value(item, out, inner, quote)
        out.append(indent + "}")
    else:
        raise _NotPlain


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


