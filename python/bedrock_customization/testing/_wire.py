"""The local Bedrock's rest-json protocol, read from the pinned service model.

Everything here is generic: the routes come from each operation's ``http``
trait, a request is parsed member by member after its input shape (URI labels,
query string, headers, JSON body), checked against the shape's constraints
with the service's wording, and a result is written after the output shape.
Nothing in this module knows an operation by name.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

from .. import _core

__all__ = ["MODEL", "Model", "ServiceError", "Route"]

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)


class ServiceError(Exception):
    """An error response: the modeled error ``code`` (its HTTP status from the model)."""

    def __init__(self, code: str, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def validation_error(problems: List[str]) -> ServiceError:
    """Every constraint a request breaks, in one ValidationException as the service reports them:
    ``1 validation error detected: <problem>``, ``N validation errors detected: <problem>; <problem>``
    (moto words its AWS-parity validation the same: moto/ds/exceptions.py ValidationException,
    moto/utilities/tagging_service.py validate_tags). The only path of input validation: ``Model.validate``."""
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return ServiceError("ValidationException", f"{count} validation {noun} detected: " + "; ".join(problems))


def parse_timestamp(value: Any) -> datetime.datetime:
    """A timestamp as the service reads one: epoch seconds or ISO-8601."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(value)
        return _EPOCH + datetime.timedelta(seconds=value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_timestamp(float(text))
        except ValueError:
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=_UTC)
        return parsed.astimezone(_UTC)
    raise ValueError(value)


def format_timestamp(value: datetime.datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``, as the service sends timestamps."""
    value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _shown(value: Any) -> str:
    """A value as the service's validation messages show it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Route:
    """One operation's ``requestUri``, compiled: ``match(method, path)`` gives its labels."""

    _LABEL = re.compile(r"\{([^}]+)\}")

    def __init__(self, name: str, method: str, uri: str) -> None:
        self.name = name
        self.method = method
        path, _, query = uri.partition("?")
        self.literal_query = urllib.parse.parse_qs(query, keep_blank_values=True) if query else {}
        pattern = []
        self.labels: List[Tuple[str, bool]] = []
        pos = 0
        for m in self._LABEL.finditer(path):
            pattern.append(re.escape(path[pos:m.start()]))
            label = m.group(1)
            greedy = label.endswith("+")
            label = label.rstrip("+")
            self.labels.append((label, greedy))
            pattern.append(f"(?P<l{len(self.labels) - 1}>{'.+' if greedy else '[^/]+'})")
            pos = m.end()
        pattern.append(re.escape(path[pos:]))
        self.regex = re.compile("^" + "".join(pattern) + "/?$" if path != "/" else "^/$")
        self.literal_length = len(self._LABEL.sub("", path))

    def match(self, method: str, path: str) -> Optional[Dict[str, str]]:
        if method != self.method:
            return None
        m = self.regex.match(path)
        if m is None:
            return None
        return {label: urllib.parse.unquote(m.group(f"l{i}")) for i, (label, _) in enumerate(self.labels)}


class Model:
    """The pinned service model (``_model.service()``) with the protocol over it."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.operations: Dict[str, Dict[str, Any]] = data["operations"]
        self.shapes: Dict[str, Dict[str, Any]] = data["shapes"]
        self.routes = sorted(
            (Route(name, op["http"]["method"], op["http"]["requestUri"]) for name, op in self.operations.items()),
            key=lambda r: (-r.literal_length, r.name),
        )
        self.error_status = {
            name: shape.get("error", {}).get("httpStatusCode", 400)
            for name, shape in self.shapes.items() if shape.get("exception")
        }

    @classmethod
    def load(cls) -> "Model":
        from .. import _model

        return cls(_model.service())

    # -- shapes --------------------------------------------------------------

    def shape(self, name: Optional[str]) -> Dict[str, Any]:
        return self.shapes[name] if name else {"type": "structure", "members": {}}

    def input_shape(self, operation: str) -> Dict[str, Any]:
        return self.shape(self.operations[operation].get("input", {}).get("shape"))

    def output_shape(self, operation: str) -> Dict[str, Any]:
        return self.shape(self.operations[operation].get("output", {}).get("shape"))

    def errors(self, operation: str) -> List[str]:
        return [e["shape"] for e in self.operations[operation].get("errors", [])]

    def status_of(self, code: str) -> int:
        return self.error_status.get(code, 400)

    # -- requests ------------------------------------------------------------

    def route(self, method: str, path: str) -> Tuple[str, Dict[str, str]]:
        for route in self.routes:
            labels = route.match(method, path)
            if labels is not None:
                return route.name, labels
        allowed = sorted({r.method for r in self.routes if r.regex.match(path)})
        if allowed:
            raise ServiceError("UnknownOperationException", f"{method} is not allowed on {path}", 405)
        raise ServiceError("UnknownOperationException", f"No operation matches {method} {path}", 404)

    def parse(self, operation: str, labels: Dict[str, str], query: Dict[str, List[str]],
              headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
        """The operation's input as a dict of Python values (datetimes, bytes, ...)."""
        shape = self.input_shape(operation)
        params: Dict[str, Any] = {}
        lowered = {k.lower(): v for k, v in headers.items()}
        body_members = {}
        payload = shape.get("payload")
        for member, ref in shape.get("members", {}).items():
            location = ref.get("location")
            wire = ref.get("locationName", member)
            target = self.shape(ref["shape"])
            if location == "uri":
                if wire in labels:
                    params[member] = self._from_text(target, labels[wire], member)
            elif location == "querystring":
                if wire in query:
                    values = query[wire]
                    if target["type"] == "list":
                        item = self.shape(target["member"]["shape"])
                        params[member] = [self._from_text(item, v, member) for v in values]
                    else:
                        params[member] = self._from_text(target, values[0], member)
            elif location == "header":
                if wire.lower() in lowered:
                    params[member] = self._from_text(target, lowered[wire.lower()], member)
            elif member == payload:
                if target["type"] in ("blob", "string"):
                    params[member] = body if target["type"] == "blob" else body.decode("utf-8")
                elif body.strip():
                    params[member] = self._from_json(target, self._json(body), member)
            else:
                body_members[member] = ref
        if body_members and body.strip() and payload is None:
            document = self._json(body)
            if not isinstance(document, dict):
                raise ServiceError("SerializationException", "Request body must be a JSON object")
            for member, ref in body_members.items():
                if member in document and document[member] is not None:
                    params[member] = self._from_json(self.shape(ref["shape"]), document[member], member)
        return params

    @staticmethod
    def _json(body: bytes) -> Any:
        try:
            return json.loads(body)
        except ValueError:
            raise ServiceError("SerializationException", "Request body is not valid JSON") from None

    def _from_text(self, shape: Dict[str, Any], text: str, where: str) -> Any:
        kind = shape["type"]
        try:
            if kind in ("integer", "long"):
                return int(text)
            if kind in ("float", "double"):
                return float(text)
            if kind == "boolean":
                if text not in ("true", "false"):
                    raise ValueError(text)
                return text == "true"
            if kind == "timestamp":
                return parse_timestamp(text)
        except ValueError:
            raise ServiceError("SerializationException", f"Cannot read {where!r}: {text!r} is not a valid {kind}") from None
        return text

    def _from_json(self, shape: Dict[str, Any], value: Any, where: str) -> Any:
        kind = shape["type"]
        bad = ServiceError("SerializationException", f"Cannot read {where!r}: unexpected {type(value).__name__} for a {kind}")
        if shape.get("document"):
            return value
        if kind == "structure":
            if not isinstance(value, dict):
                raise bad
            out = {}
            for member, ref in shape.get("members", {}).items():
                if member in value and value[member] is not None:
                    out[member] = self._from_json(self.shape(ref["shape"]), value[member], f"{where}.{member}")
            return out
        if kind == "list":
            if not isinstance(value, list):
                raise bad
            item = self.shape(shape["member"]["shape"])
            return [self._from_json(item, v, f"{where}.member") for v in value]
        if kind == "map":
            if not isinstance(value, dict):
                raise bad
            item = self.shape(shape["value"]["shape"])
            return {k: self._from_json(item, v, f"{where}.{k}") for k, v in value.items()}
        if kind == "timestamp":
            try:
                return parse_timestamp(value)
            except (ValueError, OverflowError):
                raise bad from None
        if kind == "blob":
            if not isinstance(value, str):
                raise bad
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                raise bad from None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise bad
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                raise bad
            return int(value)
        if kind in ("float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad
            return float(value)
        if kind == "string":
            if not isinstance(value, str):
                raise bad
            return value
        return value

    # -- validation ----------------------------------------------------------

    def validate(self, operation: str, params: Dict[str, Any]) -> None:
        """Raise ValidationException, worded as the service words it, for every constraint broken."""
        problems: List[str] = []
        self._check_structure(self.input_shape(operation), params, "", problems)
        if problems:
            raise validation_error(problems)

    def _check_structure(self, shape: Dict[str, Any], value: Dict[str, Any], prefix: str, problems: List[str]) -> None:
        for member in shape.get("required", []):
            if value.get(member) is None:
                problems.append(f"Value null at '{prefix}{member}' failed to satisfy constraint: Member must not be null")
        for member, ref in shape.get("members", {}).items():
            if member in value and value[member] is not None:
                self._check(ref["shape"], value[member], f"{prefix}{member}", problems)
        if shape.get("union") and len([k for k, v in value.items() if v is not None]) > 1:
            problems.append(f"Value at '{prefix.rstrip('.') or 'input'}' failed to satisfy constraint: "
                            "Member must have exactly one member set")

    def _check(self, name: str, value: Any, where: str, problems: List[str]) -> None:
        shape = self.shape(name)
        kind = shape["type"]
        shown = _shown(value)

        def fail(constraint: str) -> None:
            text = "null" if value is None else f"'{shown}'"
            if kind in ("string",) and shape.get("sensitive"):
                text = "'***'"
            problems.append(f"Value {text} at '{where}' failed to satisfy constraint: {constraint}")

        if kind in ("string", "list", "map", "blob"):
            length = len(value)
            if "min" in shape and length < shape["min"]:
                fail(f"Member must have length greater than or equal to {_number_text(shape['min'])}")
            if "max" in shape and length > shape["max"]:
                fail(f"Member must have length less than or equal to {_number_text(shape['max'])}")
        elif kind in ("integer", "long", "float", "double"):
            if "min" in shape and value < shape["min"]:
                fail(f"Member must have value greater than or equal to {_number_text(shape['min'])}")
            if "max" in shape and value > shape["max"]:
                fail(f"Member must have value less than or equal to {_number_text(shape['max'])}")
        if kind == "string":
            if "enum" in shape and value not in shape["enum"]:
                fail("Member must satisfy enum value set: [" + ", ".join(shape["enum"]) + "]")
            pattern = shape.get("pattern")
            if pattern is not None and not matches_pattern(name, value):
                fail(f"Member must satisfy regular expression pattern: {pattern}")
        elif kind == "structure" and not shape.get("document"):
            self._check_structure(shape, value, where + ".", problems)
        elif kind == "list":
            item = shape["member"]["shape"]
            for i, v in enumerate(value, 1):
                if v is not None:
                    self._check(item, v, f"{where}.{i}.member", problems)
        elif kind == "map":
            key = shape["key"]["shape"]
            item = shape["value"]["shape"]
            for k, v in value.items():
                self._check(key, k, f"{where}.{k}.key", problems)
                if v is not None:
                    self._check(item, v, f"{where}.{k}.value", problems)

    # -- responses -----------------------------------------------------------

    def serialize(self, operation: str, result: Dict[str, Any]) -> Tuple[int, Dict[str, str], bytes]:
        """``(status, headers, body)`` for a result dict shaped after the output shape."""
        op = self.operations[operation]
        status = op["http"].get("responseCode", 200)
        shape = self.output_shape(operation)
        headers: Dict[str, str] = {}
        document: Dict[str, Any] = {}
        payload = shape.get("payload")
        raw: Optional[bytes] = None
        for member, ref in shape.get("members", {}).items():
            if member not in result or result[member] is None:
                continue
            value = result[member]
            target = self.shape(ref["shape"])
            location = ref.get("location")
            if location == "header":
                headers[ref.get("locationName", member)] = self._text(target, value)
            elif location == "statusCode":
                status = int(value)
            elif member == payload:
                if target["type"] == "blob":
                    raw = value
                elif target["type"] == "string":
                    raw = value.encode("utf-8")
                else:
                    raw = json.dumps(self._to_json(target, value)).encode("utf-8")
            else:
                document[member] = self._to_json(target, value)
        body = raw if raw is not None else json.dumps(document).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
        return status, headers, body

    def _text(self, shape: Dict[str, Any], value: Any) -> str:
        if shape["type"] == "timestamp":
            return format_timestamp(value)
        if shape["type"] == "boolean":
            return "true" if value else "false"
        return str(value)

    def _to_json(self, shape: Dict[str, Any], value: Any) -> Any:
        kind = shape["type"]
        if shape.get("document"):
            return value
        if kind == "structure":
            return {member: self._to_json(self.shape(ref["shape"]), value[member])
                    for member, ref in shape.get("members", {}).items()
                    if member in value and value[member] is not None}
        if kind == "list":
            item = self.shape(shape["member"]["shape"])
            return [self._to_json(item, v) for v in value]
        if kind == "map":
            item = self.shape(shape["value"]["shape"])
            return {k: self._to_json(item, v) for k, v in value.items()}
        if kind == "timestamp":
            return format_timestamp(value)
        if kind == "blob":
            return base64.b64encode(value).decode("ascii")
        return value

    def project(self, shape_name: str, record: Dict[str, Any], aliases: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """The members of ``shape_name`` that ``record`` has (``aliases``: member -> record key)."""
        shape = self.shape(shape_name)
        out = {}
        for member in shape.get("members", {}):
            key = (aliases or {}).get(member, member)
            if record.get(key) is not None:
                out[member] = record[key]
        return out


def matches_pattern(shape_name: str, value: str) -> bool:
    """Whether ``value`` satisfies the pattern of the model's shape ``shape_name`` as the service
    checks it: the whole value must match (Java's ``Pattern.matches``), in the service's regex
    language (``\\p{L}`` a Unicode class, ...). The package's one reading of the model's patterns,
    ``_core._match_pattern``, shared with the client's strict check. A pattern the package cannot
    use is not checked (True), as the strict check skips it.

    Whole-value matching is what AWS does: Kenza-AI/sagify#57 quotes SageMaker refusing a job name
    with an underscore ("Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*",
    a pattern its prefix alone satisfies; https://github.com/Kenza-AI/sagify/issues/57)."""
    try:
        return _core._match_pattern(shape_name, value)
    except ValueError:
        return True


MODEL = Model.load()
