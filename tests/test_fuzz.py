"""Property-based fuzzing (hypothesis) of every operation parameter and every
constructor argument: arbitrary Python values must never panic the Rust core,
crash the interpreter, or raise anything but the documented error types.

Every client here talks to a loopback ``RecordingServer`` (answering ``{}``)
with dummy credentials and ``retries={'max_attempts': 0}``; fuzzed endpoint
URLs always keep the host 127.0.0.1, so nothing can reach AWS.

Accepted outcomes
-----------------
Operation calls (``test_fuzz_operation_*``):

* a result dict (the request reached the recording server, exactly once);
* ``bc.exceptions.ParamValidationError`` / ``TypeError`` (nothing sent);
* ``ValueError`` whose message is the core's own
  ``Invalid value for parameter <name>...: <reason>`` with reason one of
  ``the string cannot be encoded as UTF-8`` (lone surrogates, which botocore
  also rejects with a ``UnicodeEncodeError``, itself a ``ValueError``),
  ``not representable as a double`` (``Decimal('sNaN')``, on which botocore
  raises ``decimal.InvalidOperation``) or ``out of range`` (an int beyond the
  wire type, which only a strict client's max value check refuses first).
  Nothing is sent either.
  Any other ``ValueError`` fails;
* with ``parameter_validation=False`` only: ``HTTPClientError`` "failed to
  construct request: ..." (the SDK refusing e.g. an empty ``jobIdentifier``
  for the URI, nothing sent; botocore would send it), and a ``ClientError`` with status 414
  or 431, which is ``http.server`` itself refusing an over-long request line
  or header (the recording server never scripts those).

The operation calls are made at each validation level: the default (botocore's
checks), ``"strict"`` (the model's patterns, enums and maximums too, so the pattern
matching meets every fuzzed string) and ``False``.

Constructors (``test_fuzz_*_constructor``), while constructing:

* ``TypeError``, ``ValueError`` (``UnicodeEncodeError`` included) and every
  ``bc.exceptions.BotoCoreError`` subclass (``NoRegionError``,
  ``PartialCredentialsError``, ``ProfileNotFound``, ``UnknownServiceError``,
  ``DataNotFoundError``, ``InvalidRetry*Error``, ...): they are how a wrong
  argument is reported;
* ``Evil``, raised by the fuzzed object's own ``__str__``/``__repr__`` when an
  error message formats it (the user's exception, propagated unchanged);
* ``RecursionError`` only when a 10,000-level value was passed (``repr`` of it
  in an error message exceeds Python's recursion limit).

and for the one ``get_model_customization_job`` made with the new client:
a result dict, ``ParamValidationError``, ``TypeError``, ``ValueError``
(a surrogate in a credential or region is only encoded at call time),
``BotoCoreError`` subclasses (``HTTPClientError``, ``ReadTimeoutError``,
``EndpointConnectionError``, ``NoCredentialsError`` ... since endpoint,
timeouts and credentials are fuzzed) and ``ClientError`` 414/431 as above.
Never a ``RuntimeError`` (a panicked request task), never pyo3's
``PanicException``, never a crash.

Core bugs the fuzzers found (header values with control characters, URIs over
the HTTP limit with validation off, a huge retry count costing CPU per call)
are fixed and pinned by the regression tests at the end.  ``BC_FUZZ_SCALE=0.1``
runs a tenth of the examples.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import functools
import inspect
import math
import os
import re
import subprocess
import sys
import textwrap
import time
import types
from typing import Any, Callable, Dict, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bedrock_customization as bc
from bedrock_customization import _client as bc_client_module
from bedrock_customization import _model
import samples
from conftest import CREDENTIALS, REGION, RecordingServer, make_boto3_client, pinned_service_model
from samples import minimal

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.splitext(os.path.basename(__file__))[0]

# ---------------------------------------------------------------------------
# The model: operations from _model, their parameters from botocore's model
# ---------------------------------------------------------------------------

SERVICE_MODEL = pinned_service_model()
INPUT_SHAPES = {py: SERVICE_MODEL.operation_model(api).input_shape for py, api in _model.OPERATIONS.items()}
PARAMS = {py: tuple(shape.members) for py, shape in INPUT_SHAPES.items()}
OPERATIONS = tuple(_model.OPERATIONS)

# A valid request per operation, made from the model (samples.minimal): its required
# members with values that satisfy their shapes (enum, pattern, length, range); the
# fuzzers replace, drop or add members.


def _shortest(node) -> str:
    """The shortest text a parsed regex (sre_parse's tree) matches: no repeat beyond its
    minimum, the first branch, the first character of a class."""
    out = []
    for op, arg in node:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append("a")
        elif name == "NOT_LITERAL":
            out.append("b" if chr(arg) == "a" else "a")
        elif name == "IN":
            out.append(_class_member(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out.append(_shortest(sub) * low)
        elif name == "SUBPATTERN":
            out.append(_shortest(arg[-1]))
        elif name == "BRANCH":
            out.append(min((_shortest(b) for b in arg[1]), key=len))
        elif name in ("ATOMIC_GROUP",):
            out.append(_shortest(arg))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        else:
            raise AssertionError(f"regex construct {name} not handled")
    return "".join(out)


def _class_member(items) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    candidates = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            candidates.append(chr(arg))
        elif name == "RANGE":
            candidates.append(chr(arg[0]))
        elif name == "CATEGORY":
            candidates.append({"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(arg), "a"))
    if not negate:
        return candidates[0]
    return next(c for c in "aZ0-_." if c not in candidates)


@functools.lru_cache(maxsize=None)
def _matching(pattern: str, low: int, high: int) -> str:
    """A string of low..high characters that the model's pattern accepts (searched, as
    Smithy's patterns are: anchored only where the pattern says so)."""
    try:
        import re._parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]

    compiled = re.compile(pattern, re.ASCII)
    text = _shortest(sre_parse.parse(pattern, re.ASCII))
    if len(text) < low and not pattern.endswith("$"):
        text += "a" * (low - len(text))
    if len(text) < low and not pattern.startswith("^"):
        text = "a" * (low - len(text)) + text
    if low <= len(text) <= high and compiled.search(text) and "\n" not in text:
        return text
    from hypothesis import find

    return find(st.from_regex(compiled, fullmatch=False),
                lambda v: low <= len(v) <= high and "\n" not in v and "\r" not in v,
                settings=settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck)))


def _string(shape) -> str:
    """The baseline's strings: an enum's first value, else the shortest text of the
    shape's length (64 at most where the model says nothing) that its pattern accepts."""
    meta = shape.metadata
    if shape.enum:
        return shape.enum[0]
    low, high = int(meta.get("min", 1)), int(meta.get("max", 64))
    pattern = meta.get("pattern")
    if pattern is None:
        return "x" * max(low, 1)
    return _matching(pattern, low, high)


def _valid(shape) -> Any:
    """samples' minimal value, with the strings above and a fixed timestamp."""
    return minimal(shape, string=_string, timestamp=lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))


BASELINE: Dict[str, Dict[str, Any]] = {py: _valid(shape) for py, shape in INPUT_SHAPES.items()}

# The deterministic deep-value test puts each deep value into one parameter of each
# member shape (the first operation that has it): the validator and the conversion treat
# a shape the same wherever it is used.
DEEP_CASES = []
_seen_member_shapes = set()
for _op in OPERATIONS:
    for _name in PARAMS[_op]:
        _shape_name = INPUT_SHAPES[_op].members[_name].name
        if _shape_name not in _seen_member_shapes:
            _seen_member_shapes.add(_shape_name)
            DEEP_CASES.append((_op, _name))


def test_the_model_is_what_the_fuzzers_cover(clients, server):
    assert set(OPERATIONS) == set(BASELINE) == set(_model.OPERATIONS.keys())
    assert len(OPERATIONS) == len(SERVICE_MODEL.operation_names)
    for op, shape in INPUT_SHAPES.items():
        assert set(shape.required_members) <= set(BASELINE[op])
        # the baseline passes validation, strict included: what the fuzzers change is what fails
        for level in (True, "strict"):
            outcome = operation_outcome(lambda: getattr(clients[level], op)(**BASELINE[op]), server, level)
            assert outcome == "sent", (op, level, BASELINE[op])
    assert {name for _, name in DEEP_CASES} and len(DEEP_CASES) >= len(OPERATIONS)


# ---------------------------------------------------------------------------
# Nasty values
# ---------------------------------------------------------------------------


class Evil(Exception):
    """Raised by the fuzzed objects' own dunder methods."""


class Unprintable:
    def __str__(self):
        raise Evil("__str__")

    def __repr__(self):
        raise Evil("__repr__")


class UnprintableStr(str):
    def __str__(self):
        raise Evil("__str__")

    def __repr__(self):
        raise Evil("__repr__")


class UnprintableInt(int):
    def __repr__(self):
        raise Evil("__repr__")

    __str__ = __repr__


class UnprintableFloat(float):
    def __repr__(self):
        raise Evil("__repr__")

    __str__ = __repr__


class UnprintableDict(dict):
    def __repr__(self):
        raise Evil("__repr__")

    __str__ = __repr__


class DictSub(dict):
    pass


class ListSub(list):
    pass


class StrSub(str):
    pass


class IntSub(int):
    pass


class Slotted:
    __slots__ = ()


def _deep(depth: int, make: Callable[[Any], Any], leaf: Any) -> Any:
    """A value nested `depth` levels deep, built iteratively."""
    value = leaf
    for _ in range(depth):
        value = make(value)
    return value


DEPTH = 10_000
DEEP_LIST = _deep(DEPTH, lambda v: [v], "leaf")
DEEP_DICT = _deep(DEPTH, lambda v: {"a": v}, "leaf")
DEEP_S3 = _deep(DEPTH, lambda v: {"s3Uri": v}, "s3://bucket/key")  # a member name at every level
DEEP_TUPLE = _deep(DEPTH, lambda v: (v,), 1)
DEEP_MIXED = _deep(DEPTH // 2, lambda v: {"k": [v]}, None)
DEEP_VALUES = (DEEP_LIST, DEEP_DICT, DEEP_S3, DEEP_TUPLE, DEEP_MIXED)
DEEP_IDS = {id(v) for v in DEEP_VALUES}

HUGE_STRINGS = (
    "x" * 1_000_000,
    "é" * 300_000,
    "😀" * 100_000,
    "a" * 100_000 + "\ud800",
    "-" * 65_537,
    "a" * 64,  # one over most name limits
    "a" * 2049,  # one over the ARN limits
)
WIDE_VALUES = ([""] * 50_000, {str(i): "v" for i in range(20_000)}, [{"key": "k", "value": "v"}] * 201)

BIG_INTS = (2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 2**200, -(2**4000), 10**400)
ODD_FLOATS = (math.nan, -math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308, 1e-7, 1e-3)
ODD_DECIMALS = tuple(
    decimal.Decimal(s) for s in ("NaN", "-NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "1e999999", "1e-999999", "0.0005", "-0")
)
ODD_STRINGS = ("", " ", "\x00", "a\x00b", "\r\n", "\ud800", "\udfff", "a\udc80b", "\ufeff", "\u202e", "%", "%00", "../..", "?x=1#")
ODDITIES = (
    Unprintable(),
    UnprintableStr("fuzz-job"),
    UnprintableInt(5),
    UnprintableFloat(0.0005),
    UnprintableDict(s3Uri="s3://bucket/key"),
    StrSub("fuzz-job"),
    IntSub(5),
    Slotted(),
    object(),
    Ellipsis,
    NotImplemented,
    int,
    len,
    lambda: None,
    1 + 2j,
    range(3),
    iter([1]),
    bytearray(b"ab"),
    memoryview(b"ab"),
    frozenset({1}),
    types.SimpleNamespace(s3Uri="s3://bucket/key"),
    datetime.datetime.min,
    datetime.datetime.max,
    datetime.datetime.max.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=-23))),
    datetime.datetime.min.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=23))),
)

def pick(values: tuple) -> st.SearchStrategy:
    """sampled_from without hypothesis ever calling repr() on the values (some
    raise, some are 10,000 levels deep or a megabyte long)."""
    return st.integers(0, len(values) - 1).map(lambda i: values[i])


SURROGATE_TEXT = st.text(st.characters(exclude_categories=()), max_size=24)  # lone surrogates included
TZ = st.builds(datetime.timezone, st.timedeltas(min_value=datetime.timedelta(hours=-23, minutes=59), max_value=datetime.timedelta(hours=23, minutes=59)))

hashable_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    SURROGATE_TEXT,
    st.binary(max_size=16),
    pick(BIG_INTS),
    st.datetimes(timezones=st.none() | TZ),
)

scalars = st.one_of(
    hashable_scalars,
    pick(ODD_FLOATS),
    st.decimals(allow_nan=True, allow_infinity=True),
    pick(ODD_DECIMALS),
    pick(ODD_STRINGS),
    pick(HUGE_STRINGS),
    st.dates(),
    st.times(),
    st.timedeltas(),
    pick(ODDITIES),
)

containers = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.lists(children, max_size=4).map(ListSub),
        st.dictionaries(SURROGATE_TEXT, children, max_size=4),
        st.dictionaries(SURROGATE_TEXT, children, max_size=4).map(DictSub),
        st.dictionaries(hashable_scalars, children, max_size=3),
        st.sets(hashable_scalars, max_size=4),
        st.frozensets(hashable_scalars, max_size=3),
    ),
    max_leaves=12,
)

# Mostly generated values; now and then a 10,000-level or a very wide one.
wild = st.integers(0, 15).flatmap(lambda i: pick(DEEP_VALUES) if i == 0 else pick(WIDE_VALUES) if i == 1 else containers)


class Shaped(samples.Strategies):
    """Values following the botocore shape (member names, types, enums), with a wild
    value instead of any node now and then (samples.Strategies); the leaves' values."""

    def document(self, shape, at) -> st.SearchStrategy:
        return st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=3))

    def string(self, shape, at) -> st.SearchStrategy:
        options = [st.text("abcXYZ019-.:/_", min_size=1, max_size=20), SURROGATE_TEXT]
        if "enum" in shape.metadata:
            options.insert(0, st.sampled_from(shape.metadata["enum"]))
        return st.one_of(*options)

    def integer(self, shape, at) -> st.SearchStrategy:
        lo, hi = shape.metadata.get("min", -(2**31)), shape.metadata.get("max", 2**31 - 1)
        return st.one_of(st.integers(lo, hi), st.integers(), pick(BIG_INTS))

    def float(self, shape, at) -> st.SearchStrategy:
        return st.one_of(st.floats(), st.decimals(allow_nan=True, allow_infinity=True), pick(ODD_DECIMALS + ODD_FLOATS),
                         st.integers())

    def boolean(self, shape, at) -> st.SearchStrategy:
        return st.booleans()

    def timestamp(self, shape, at) -> st.SearchStrategy:
        return st.one_of(
            st.datetimes(timezones=st.none() | TZ),
            st.text("0123456789-:TZ+.", max_size=30),
            st.sampled_from(("2024-01-01T00:00:00Z", "1700000000", "99999-01-01", "2024-02-30T00:00:00Z")),
        )

    def blob(self, shape, at) -> st.SearchStrategy:
        return st.binary(max_size=16)


# Recursive shapes (filters of filters) end in a wild value below depth 6; map keys are
# the key shape's strings or any hashable scalar.
SHAPED = Shaped(wild=wild, keys=hashable_scalars, max_depth=6)


@functools.lru_cache(maxsize=None)
def _member_values(op: str, name: str) -> st.SearchStrategy:
    return SHAPED.walk(INPUT_SHAPES[op].members[name], samples.At(depth=1))


@st.composite
def operation_kwargs(draw, op: str) -> Dict[str, Any]:
    kwargs = dict(BASELINE[op])
    names = draw(st.lists(st.sampled_from(PARAMS[op]), min_size=1, max_size=4, unique=True)) if PARAMS[op] else []
    for name in names:
        how = draw(st.integers(0, 9))
        if how == 0:
            kwargs.pop(name, None)
        elif how <= 4:
            kwargs[name] = draw(wild)
        else:
            kwargs[name] = draw(_member_values(op, name))
    if draw(st.integers(0, 19)) == 0:  # an unknown member now and then
        kwargs[draw(SURROGATE_TEXT)] = draw(scalars)
    return kwargs


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------

TOLERATED_VALUE_ERROR = re.compile(
    r"\AInvalid value for parameter \S.*: (the string cannot be encoded as UTF-8|not representable as a double|out of range)\Z",
    re.S,
)
HTTP_SERVER_REFUSALS = (414, 431)  # http.server: request line / header fields too long


def _unexpected(exc: BaseException, what: str) -> AssertionError:
    try:
        text = str(exc)[:500]
    except BaseException:  # noqa: BLE001
        text = "<unprintable>"
    return AssertionError(f"{what}: unexpected {type(exc).__module__}.{type(exc).__qualname__}: {text}")


def operation_outcome(call: Callable[[], Any], server: RecordingServer, validation: Union[bool, str]) -> str:
    """Run one operation call; return 'sent' or 'rejected', fail on anything else.
    ``validation`` is the client's level: True (botocore's checks), "strict" or False."""
    server.clear()
    try:
        result = call()
    except bc.exceptions.ParamValidationError as e:
        str(e)
        outcome = "rejected"
    except TypeError:
        outcome = "rejected"
    except bc.exceptions.ClientError as e:
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if validation or status not in HTTP_SERVER_REFUSALS:
            raise _unexpected(e, "operation") from e
        return "refused"
    except ValueError as e:
        if not TOLERATED_VALUE_ERROR.match(str(e)):
            raise _unexpected(e, "operation") from e
        outcome = "rejected"
    except bc.exceptions.HTTPClientError as e:
        if validation or "failed to construct request" not in str(e):
            raise _unexpected(e, "operation") from e
        outcome = "rejected"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - PanicException is a BaseException
        raise _unexpected(e, "operation") from e
    else:
        assert isinstance(result, dict), type(result)
        assert result["ResponseMetadata"]["HTTPStatusCode"] == 200, result
        assert len(server.requests) == 1, f"{len(server.requests)} requests for one call"
        return "sent"
    assert server.requests == [], "a rejected call sent a request"
    return outcome


BC_ERRORS = (bc.exceptions.BotoCoreError,)


def contains_deep(value: Any, levels: int = 4) -> bool:
    """Whether value is, or holds within a few levels, a 10,000-level value."""
    if id(value) in DEEP_IDS:
        return True
    if levels and isinstance(value, (list, tuple, set, frozenset, dict)):
        items = list(value.items()) if isinstance(value, dict) else list(value)
        return any(contains_deep(v, levels - 1) for item in items[:50] for v in (item if isinstance(value, dict) else (item,)))
    if levels and isinstance(value, types.SimpleNamespace):
        return any(contains_deep(v, levels - 1) for v in vars(value).values())
    return False


def constructor_outcome(construct: Callable[[], Any], call: Callable[[Any], Any], used: list) -> str:
    """Construct a client (which may legitimately fail), then make one call."""
    deep = any(contains_deep(v) for v in used)
    try:
        client = construct()
    except (TypeError, ValueError, Evil) + BC_ERRORS:
        return "refused"
    except RecursionError as e:
        if not deep:
            raise _unexpected(e, "constructor") from e
        return "refused"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001
        raise _unexpected(e, "constructor") from e
    try:
        result = call(client)
    except (bc.exceptions.ParamValidationError, TypeError, ValueError) + BC_ERRORS:
        return "call failed"
    except bc.exceptions.ClientError as e:
        if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") not in HTTP_SERVER_REFUSALS:
            raise _unexpected(e, "call") from e
        return "call failed"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001
        raise _unexpected(e, "call") from e
    assert isinstance(result, dict) and result["ResponseMetadata"]["HTTPStatusCode"] == 200, result
    return "sent"


# ---------------------------------------------------------------------------
# Fixtures (module-scoped: hypothesis runs many examples per test)
# ---------------------------------------------------------------------------

NO_RETRIES = {"max_attempts": 0}


@pytest.fixture(scope="module")
def single_attempt():
    """For clients whose fuzzed config carries no retries: one attempt (the core
    reads AWS_MAX_ATTEMPTS like boto3), so a refused connection is not retried
    with backoff sleeps."""
    old = os.environ.get("AWS_MAX_ATTEMPTS")
    os.environ["AWS_MAX_ATTEMPTS"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("AWS_MAX_ATTEMPTS", None)
        else:
            os.environ["AWS_MAX_ATTEMPTS"] = old


@pytest.fixture(scope="module")
def clients(server):
    def make(validation: Union[bool, str], factory=bc.client):
        return factory(
            "bedrock",
            region_name=REGION,
            endpoint_url=server.url,
            **CREDENTIALS,
            config=bc.Config(retries=NO_RETRIES, parameter_validation=validation, read_timeout=30),
        )

    return {
        True: make(True),
        "strict": make("strict"),
        False: make(False),
        "async": make(True, bc.async_client),
        "async-strict": make("strict", bc.async_client),
        "async-novalidation": make(False, bc.async_client),
    }


# The validation levels every operation is fuzzed at: the default, strict, none.
LEVELS = (True, "strict", False)
ASYNC_CLIENT = {True: "async", "strict": "async-strict", False: "async-novalidation"}


FUZZ = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example],
    derandomize=False,
    print_blob=True,
)

# Examples per run: about 3,400 x 3 levels + 1,200 async over all operations + 1200 + 900 + 700
# (constructors), plus a few hundred in the subprocess guard.
# BC_FUZZ_SCALE=0.1 runs a tenth of the examples (for quick local runs).
SCALE = float(os.environ.get("BC_FUZZ_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


# The budget of the first version (4 operations x 850 sync, x 300 async), spread over
# every operation of the model.
OP_EXAMPLES = examples(max(8, 3400 // len(OPERATIONS)))
ASYNC_EXAMPLES = examples(max(4, 1200 // len(OPERATIONS)))


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("validation", LEVELS, ids=["validation", "strict", "no-validation"])
@pytest.mark.parametrize("op", OPERATIONS)
@settings(max_examples=OP_EXAMPLES, **FUZZ)
@given(data=st.data())
def test_fuzz_operation_parameters(clients, server, op, validation, data):
    kwargs = data.draw(operation_kwargs(op), label="kwargs")
    client = clients[validation]
    operation_outcome(lambda: getattr(client, op)(**kwargs), server, validation)


@pytest.mark.parametrize("op", OPERATIONS)
@settings(max_examples=ASYNC_EXAMPLES, **FUZZ)
@given(data=st.data(), validation=st.sampled_from(LEVELS))
def test_fuzz_async_operation_parameters(clients, server, op, data, validation):
    kwargs = data.draw(operation_kwargs(op), label="kwargs")
    client = clients[ASYNC_CLIENT[validation]]

    async def call():
        return await getattr(client, op)(**kwargs)

    operation_outcome(lambda: asyncio.run(call()), server, validation)


@pytest.mark.parametrize("op, name", DEEP_CASES, ids=[f"{op}.{name}" for op, name in DEEP_CASES])
def test_every_parameter_with_every_deep_value(clients, server, op, name):
    """Deterministic: each 10,000-level value in a parameter of each member shape, at each level."""
    for validation in LEVELS:
        for value in DEEP_VALUES + WIDE_VALUES:
            kwargs = dict(BASELINE[op], **{name: value})
            operation_outcome(lambda: getattr(clients[validation], op)(**kwargs), server, validation)


# ---------------------------------------------------------------------------
# Constructors
# ---------------------------------------------------------------------------

CLIENT_ARGS = tuple(inspect.signature(bc.client).parameters)
SESSION_ARGS = tuple(inspect.signature(bc.Session).parameters)
CONFIG_ARGS = tuple(bc.Config.OPTION_DEFAULTS)


def test_constructor_arguments_are_the_documented_ones():
    assert CLIENT_ARGS[0] == "service_name" and {"endpoint_url", "config", "verify", "region_name"} <= set(CLIENT_ARGS)
    assert {"profile_name", "botocore_session", "region_name"} <= set(SESSION_ARGS)
    assert {"retries", "read_timeout", "connect_timeout", "user_agent_extra", "parameter_validation"} <= set(CONFIG_ARGS)


def endpoint_urls(server: RecordingServer) -> st.SearchStrategy:
    """Endpoint URLs that can only reach 127.0.0.1: the recording server (or a
    wrong port there) with a fuzzed path/query/fragment, fuzzed schemes, or
    non-strings.  Never None, '' or a string a URL parser could give another host."""
    suffix = st.one_of(st.sampled_from(("/", "?", "#")), st.just("")).flatmap(
        lambda lead: SURROGATE_TEXT.map(lambda s: lead + s if lead else "")
    )
    host = st.sampled_from((server.url, "http://127.0.0.1:1", "https://127.0.0.1:1", "ftp://127.0.0.1", "http://127.0.0.1:99999"))
    no_colon = SURROGATE_TEXT.filter(lambda s: s.strip() and ":" not in s and "." not in s and "/" not in s and "\\" not in s)
    non_str = containers.filter(lambda v: not isinstance(v, str) and v is not None)
    return st.one_of(st.builds(lambda h, s: h + s, host, suffix), no_colon, non_str)


def slow_retry_count(retries: Any) -> bool:
    """Counts from 10**5 up to 2**64 are left out: with a fuzzed endpoint that
    refuses connections, each retry is a backoff sleep (the client makes at most
    1,000 attempts; test_huge_retry_count_costs_nothing_per_call)."""
    if not isinstance(retries, dict):
        return False
    return any(isinstance(v, int) and 10**5 <= v < 2**64 for v in list(retries.values()))


def retry_options() -> st.SearchStrategy:
    # Valid counts stay small: with a fuzzed endpoint that refuses connections,
    # every retry means a backoff sleep.
    count = st.one_of(st.integers(-5, 1), st.integers(2**32, 2**80), st.integers(max_value=-1), wild)
    return st.one_of(
        st.dictionaries(st.sampled_from(("max_attempts", "total_max_attempts", "mode")), st.one_of(count, st.sampled_from(("legacy", "standard", "adaptive")), SURROGATE_TEXT), max_size=3),
        st.dictionaries(SURROGATE_TEXT, scalars, max_size=2),
        wild,
    ).filter(lambda r: not slow_retry_count(r))


def config_value(name: str) -> st.SearchStrategy:
    if name == "retries":
        return retry_options()
    if name in ("connect_timeout", "read_timeout"):
        return st.one_of(st.floats(min_value=0.001, max_value=1e6) | st.floats() | st.integers(), wild)
    if name == "max_pool_connections":
        return st.one_of(st.integers(), wild)
    if name == "parameter_validation":
        return st.one_of(st.booleans(), wild)
    return wild


@st.composite
def config_objects(draw):
    """A thunk making a bc.Config, a botocore-like plain object, or anything at
    all, and the fuzzed values in it; one option fuzzed at a time (so a tiny
    timeout never meets many retries)."""
    name = draw(st.sampled_from(CONFIG_ARGS))
    value = draw(config_value(name))
    options = {"retries": NO_RETRIES, name: value}
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return (lambda: bc.Config(**options)), [value]
    if kind == 1:
        return (lambda: types.SimpleNamespace(**options)), [value]
    if kind == 2:
        anything = draw(wild)
        return (lambda: anything), [anything]
    return (lambda: None), []


def call_get(client):
    return client.get_model_customization_job(jobIdentifier="fuzz-job")


def _client_value(server: RecordingServer, name: str) -> st.SearchStrategy:
    if name == "endpoint_url":
        return endpoint_urls(server)
    if name == "service_name":
        return st.one_of(st.just("bedrock"), st.just(StrSub("bedrock")), wild)
    if name == "api_version":
        return st.one_of(st.just(bc_client_module.API_VERSION), st.none(), wild)
    if name == "verify":
        return st.one_of(st.booleans(), st.none(), st.sampled_from(("/nonexistent/ca.pem", "/dev/null", "/etc", TESTS_DIR)), wild)
    return st.one_of(st.sampled_from(("us-east-1", "testing", "eu-west-1")), wild)


@settings(max_examples=examples(1200), **FUZZ)
@given(data=st.data())
def test_fuzz_client_constructor(server, single_attempt, data):
    kwargs: Dict[str, Any] = dict(
        service_name="bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS, config=bc.Config(retries=NO_RETRIES)
    )
    used: list = []
    make_config = None
    names = data.draw(st.lists(st.sampled_from(CLIENT_ARGS), min_size=1, max_size=3, unique=True), label="args")
    for name in names:
        if name == "config":
            make_config, values = data.draw(config_objects(), label="config")
            used += values
            continue
        if name == "endpoint_url" and "config" in names:
            continue  # a fuzzed config may carry retries: only the working endpoint then
        kwargs[name] = data.draw(_client_value(server, name), label=name)
        used.append(kwargs[name])
    factory = data.draw(st.sampled_from((bc.client, bc.async_client)), label="factory")
    positional = data.draw(st.booleans(), label="positional")

    def construct():
        if make_config is not None:
            kwargs["config"] = make_config()
        if positional:  # every argument, in signature order
            defaults = {n: p.default for n, p in inspect.signature(bc.client).parameters.items()}
            return factory(*[kwargs.get(n, defaults[n]) for n in CLIENT_ARGS])
        return factory(**kwargs)

    def call(client):
        if isinstance(client, bc.AsyncClient):
            return asyncio.run(_await(client.get_model_customization_job(jobIdentifier="fuzz-job")))
        return call_get(client)

    constructor_outcome(construct, call, used)


async def _await(awaitable):
    return await awaitable


@settings(max_examples=examples(900), **FUZZ)
@given(data=st.data())
def test_fuzz_config_constructor(server, single_attempt, data):
    names = data.draw(st.lists(st.sampled_from(CONFIG_ARGS), min_size=1, max_size=3, unique=True), label="options")
    options = {name: data.draw(config_value(name), label=name) for name in names}
    if "retries" not in options or any(n in options for n in ("connect_timeout", "read_timeout")):
        options["retries"] = NO_RETRIES  # a fuzzed timeout is never retried
    positional = data.draw(st.booleans(), label="positional")

    def construct():
        if positional:
            args = [options.get(n, bc.Config.OPTION_DEFAULTS[n]) for n in CONFIG_ARGS]
            config = bc.Config(*args)
        else:
            config = bc.Config(**options)
        return bc.client("bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS, config=config)

    constructor_outcome(construct, call_get, list(options.values()))


@settings(max_examples=examples(700), **FUZZ)
@given(data=st.data())
def test_fuzz_session_constructor(server, single_attempt, data):
    kwargs: Dict[str, Any] = dict(region_name=REGION, **CREDENTIALS)
    for name in data.draw(st.lists(st.sampled_from(SESSION_ARGS), min_size=1, max_size=3, unique=True), label="args"):
        kwargs[name] = data.draw(st.one_of(st.none(), st.sampled_from(("us-east-1", "default", "testing")), wild), label=name)
    use_async = data.draw(st.booleans(), label="async")

    def construct():
        session = bc.Session(**kwargs)
        repr(session), session.region_name, session.profile_name
        make = session.async_client if use_async else session.client
        return make("bedrock", endpoint_url=server.url, config=bc.Config(retries=NO_RETRIES))

    def call(client):
        if use_async:
            return asyncio.run(_await(client.get_model_customization_job(jobIdentifier="fuzz-job")))
        return call_get(client)

    constructor_outcome(construct, call, list(kwargs.values()))


# ---------------------------------------------------------------------------
# Subprocess guard: a segfault or abort must fail a test, not kill the runner
# ---------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import faulthandler, importlib, sys
    faulthandler.enable()
    sys.path.insert(0, {tests!r})
    import conftest  # hermetic environment, RecordingServer
    tf = importlib.import_module({module!r})  # this test module, by its file's name
    from hypothesis import given, settings, strategies as st

    server = conftest.RecordingServer()
    clients = {{v: __import__("bedrock_customization").client(
        "bedrock", region_name="us-east-1", endpoint_url=server.url, **conftest.CREDENTIALS,
        config=__import__("bedrock_customization").Config(retries={{"max_attempts": 0}}, parameter_validation=v))
        for v in tf.LEVELS}}

    # Every deep value in every parameter first (the likeliest stack overflow).
    for op, name in tf.DEEP_CASES:
        for v in tf.LEVELS:
            for value in tf.DEEP_VALUES:
                kwargs = dict(tf.BASELINE[op], **{{name: value}})
                tf.operation_outcome(lambda: getattr(clients[v], op)(**kwargs), server, v)

    @settings(max_examples={examples}, deadline=None, database=None, suppress_health_check=list(tf.HealthCheck))
    @given(op=st.sampled_from(tf.OPERATIONS), validation=st.sampled_from(tf.LEVELS), data=st.data())
    def loop(op, validation, data):
        kwargs = data.draw(tf.operation_kwargs(op))
        tf.operation_outcome(lambda: getattr(clients[validation], op)(**kwargs), server, validation)

    loop()
    server.close()
    print("child done", flush=True)
    """
)


def test_fuzz_loop_in_a_child_process():
    """The same fuzzing in a child: a segfault shows up as its exit status."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD.format(tests=TESTS_DIR, module=MODULE, examples=examples(300))],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=TESTS_DIR,
    )
    tail = (proc.stdout[-2000:], proc.stderr[-6000:])
    assert proc.returncode >= 0, f"child killed by signal {-proc.returncode}: {tail}"
    assert proc.returncode == 0, tail
    assert "child done" in proc.stdout, tail
    assert "panicked" not in proc.stderr, tail


# ---------------------------------------------------------------------------
# Core bugs the fuzzers found (minimal reproducers, fixed; regression tests)
# ---------------------------------------------------------------------------

_PANIC_CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import conftest
    import bedrock_customization as bc

    server = conftest.RecordingServer()
    kwargs = dict(region_name="us-east-1", endpoint_url=server.url, aws_access_key_id="testing",
                  aws_secret_access_key="testing")
    kwargs.update({override})
    config = bc.Config(retries={{"max_attempts": 0}}, **{config})
    try:
        client = bc.client("bedrock", config=config, **kwargs)
        client.get_model_customization_job(jobIdentifier="fuzz-job")
    except (TypeError, ValueError, bc.exceptions.BotoCoreError) as e:
        print("refused:", type(e).__name__, e)
    else:
        print("sent")
    """
)


def _run_child(override: str = "{}", config: str = "{}", timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-c", _PANIC_CHILD.format(tests=TESTS_DIR, override=override, config=config)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=TESTS_DIR,
    )


@pytest.mark.parametrize(
    "override, config",
    [
        pytest.param("{'aws_access_key_id': 'AKID\\x00'}", "{}", id="nul-in-access-key-id"),
        pytest.param("{'aws_access_key_id': 'AKID\\n'}", "{}", id="newline-in-access-key-id"),
        pytest.param("{}", "{'user_agent_extra': 'x\\x00y'}", id="nul-in-user-agent-extra"),
        pytest.param("{}", "{'user_agent_extra': 'x\\ny'}", id="newline-in-user-agent-extra"),
    ],
)
def test_header_value_with_control_character_is_refused(override, config):
    """A control character in a value that ends up in a header (the access key id in
    Authorization, user_agent_extra in User-Agent) used to panic a request task inside
    the SDK's signer; now the client refuses it with a ValueError naming the argument."""
    proc = _run_child(override, config)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr[-3000:])
    assert "panicked" not in proc.stderr, proc.stderr[-3000:]
    assert proc.stdout.startswith("refused: ValueError"), proc.stdout
    assert ("aws_access_key_id" in proc.stdout) or ("user_agent_extra" in proc.stdout), proc.stdout


@pytest.mark.parametrize("variable", ["AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"])
def test_credentials_from_the_environment_with_control_character_are_refused(server, monkeypatch, variable):
    """Credentials found later (environment, profile, process) are checked before
    signing: a typed error from the call, nothing sent, no panic."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv(variable, "bad\nvalue")
    client = bc.client("bedrock", region_name=REGION, endpoint_url=server.url,
                       config=bc.Config(retries=NO_RETRIES))
    server.clear()
    with pytest.raises(bc.exceptions.BotoCoreError) as caught:
        client.get_model_customization_job(jobIdentifier="fuzz-job")
    assert "not allowed in an HTTP header" in str(caught.value)
    assert "bad" not in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize("suffix", ["/\xa0", "/a b", '/"<>^`{|}\\', "/%41x/~!$&'()*+,;=:@", "/\xe9/\x01"])
def test_endpoint_path_is_sent_as_boto3_sends_it(server, suffix):
    """Found by test_fuzz_client_constructor: a non-ASCII character in the endpoint's
    path went out raw and the server refused the request line; botocore requotes it."""
    import botocore.config

    sent = []
    for client in (
        make_boto3_client(server.url + suffix, config=botocore.config.Config(retries={"max_attempts": 0})),
        bc.client("bedrock", region_name="us-east-1", endpoint_url=server.url + suffix, **CREDENTIALS,
                  config=bc.Config(retries={"max_attempts": 0})),
    ):
        server.clear()
        assert client.get_model_customization_job(jobIdentifier="j")["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert client.meta.endpoint_url == server.url + suffix
        sent.append([r.path for r in server.requests])
    assert sent[0] == sent[1]


def test_huge_retry_count_costs_nothing_per_call(server):
    """A successful first attempt used to take time linear in the configured retry
    count (~6 s per call at 10**8, in the SDK); the client now makes at most 1,000
    attempts, so a huge count costs nothing while exactly one request is made."""
    client = bc.client(
        "bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS,
        config=bc.Config(retries={"max_attempts": 2 * 10**7}),
    )
    server.clear()
    started = time.monotonic()
    client.get_model_customization_job(jobIdentifier="fuzz-job")
    elapsed = time.monotonic() - started
    assert len(server.requests) == 1
    assert elapsed < 0.5, f"one successful call took {elapsed:.2f}s with max_attempts=2*10**7"


@pytest.mark.parametrize(
    "op, member",
    [
        ("get_model_customization_job", "jobIdentifier"),
        ("stop_model_customization_job", "jobIdentifier"),
        ("list_model_customization_jobs", "nextToken"),
    ],
)
def test_overlong_uri_is_refused_before_sending(server, op, member):
    """With parameter_validation=False, a jobIdentifier (path) or nextToken (query)
    that makes the URI longer than http's limit (~64 KiB) used to panic in the SDK's
    generated code (`expect("valid request")`); now it is a ParamValidationError
    naming the member, and nothing is sent."""
    client = bc.client(
        "bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS,
        config=bc.Config(retries=NO_RETRIES, parameter_validation=False),
    )
    assert operation_outcome(lambda: getattr(client, op)(**{member: "x" * 70_000}), server, False) == "rejected"
    with pytest.raises(bc.exceptions.ParamValidationError, match=member):
        getattr(client, op)(**{member: "x" * 70_000})
