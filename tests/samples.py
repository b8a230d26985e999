"""Values made from the service model: one walk over a botocore shape, and what it makes.

``Walker.walk(shape)`` goes down a botocore shape (``ServiceModel.shape_for``,
``operation_model(...).input_shape``; ``conftest.pinned_service_model()`` is the pinned
model's) and makes a value at every node: it chooses which members, list items and map
entries it visits, and a subclass says what it makes at the leaves and how a structure,
list or map is put together. The makers here:

* ``minimal(shape, string=...)``: the smallest value botocore accepts (required members,
  a union's first member, lists of their min length, numbers at their min), strings
  from ``string`` (``any_string`` ignores patterns; ``conftest.model_string`` matches
  them with realistic values; the fuzz tests' matches them deterministically);
* ``sample_input(shape, variant)``, ``sample_output(shape, variant)``: every member
  filled (the round-trip tests), as request parameters or as a JSON response body;
  over ``variants(shape)`` every member of every union comes up;
* ``Strategies``: hypothesis strategies of values following the shape, its leaves the
  subclass's (the fuzz tests');
* bench/fixtures.py's realistic response bodies (a subclass there).

Importable without pytest (bench/ adds tests/ to ``sys.path``); hypothesis is imported
only by ``Strategies``.
"""

from __future__ import annotations

import datetime
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Union


@dataclass(frozen=True)
class At:
    """Where the walk is: the steps from the top (member names, and whatever step a maker
    gives a list item or a map value), the variant, the structures it is inside, its
    depth, and the member whose value it makes (None at the top, for list items and map
    entries unless a maker names them)."""

    path: Tuple[Union[str, int], ...] = ()
    variant: int = 0
    inside: Tuple[str, ...] = ()
    depth: int = 0
    member: Optional[str] = None

    def into(self, structure: Any, name: str) -> "At":
        """The value of member ``name`` of ``structure``."""
        return At(self.path + (name,), self.variant, self.inside + (structure.name,), self.depth + 1, name)

    def below(self, step: Union[str, int, None] = None, variant: int = 0, member: Optional[str] = None) -> "At":
        """A list item or a map value: one level down, ``step`` added to the path if given,
        ``variant`` added to the variant."""
        path = self.path if step is None else self.path + (step,)
        return At(path, self.variant + variant, self.inside, self.depth + 1, member)


WALK = object()  # what `Walker.instead` returns to have the shape walked

# The node each shape type is made by (botocore's type names).
_NODES = {
    "structure": "structure", "list": "list", "map": "map", "string": "string", "blob": "blob",
    "integer": "integer", "long": "integer", "float": "float", "double": "float",
    "boolean": "boolean", "timestamp": "timestamp",
}


class Walker:
    """The walk. What it visits: ``members`` of a structure (default all), ``items`` of a
    list and ``entries`` of a map (the places of their values; default one each);
    ``instead`` gives a value made without walking (a cut-off, a fixed value). What it
    makes: ``structure``, ``list``, ``map`` put the children together (a dict keyed by
    ``key``, a list, a dict), the leaves ``string``, ``integer`` (and long), ``float``
    (and double), ``boolean``, ``timestamp``, ``blob`` and ``document`` are the
    subclass's, and ``made`` sees every value made."""

    def walk(self, shape: Any, at: Optional[At] = None) -> Any:
        at = At() if at is None else at
        instead = self.instead(shape, at)
        if instead is not WALK:
            return instead
        if shape.metadata.get("document"):
            value = self.document(shape, at)
        elif shape.type_name in _NODES:
            value = getattr(self, _NODES[shape.type_name])(shape, at)
        else:
            raise AssertionError(f"no value for {shape.name} ({shape.type_name}) at {at.path}")
        return self.made(value, shape, at)

    # -- what the walk visits

    def instead(self, shape: Any, at: At) -> Any:
        return WALK

    def members(self, shape: Any, at: At) -> List[str]:
        return list(shape.members)

    def items(self, shape: Any, at: At) -> List[At]:
        return [at.below()]

    def entries(self, shape: Any, at: At) -> List[At]:
        return [at.below()]

    # -- what it makes

    def structure(self, shape: Any, at: At) -> Any:
        return {self.key(shape, name): self.walk(shape.members[name], at.into(shape, name))
                for name in self.members(shape, at)}

    def key(self, shape: Any, name: str) -> str:
        return name

    def list(self, shape: Any, at: At) -> Any:
        return [self.walk(shape.member, item) for item in self.items(shape, at)]

    def map(self, shape: Any, at: At) -> Any:
        """Keys are walked as values of their own (a string shape), then each value."""
        return {self.walk(shape.key, At()): self.walk(shape.value, entry) for entry in self.entries(shape, at)}

    def made(self, value: Any, shape: Any, at: At) -> Any:
        return value

    def _leaf(self, shape: Any, at: At) -> Any:
        raise AssertionError(f"{type(self).__name__} makes no {shape.type_name} ({shape.name} at {at.path})")

    string = integer = float = boolean = timestamp = blob = document = _leaf


# ---------------------------------------------------------------------------
# Minimal values
# ---------------------------------------------------------------------------


def any_string(shape: Any) -> str:
    """A string botocore accepts for ``shape`` (an enum value, or its min length of "x"),
    whatever its pattern says."""
    return shape.enum[0] if shape.enum else "x" * max(int(shape.metadata.get("min", 1)), 1)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class Minimal(Walker):
    """The smallest value of a shape satisfying every constraint of the model botocore
    checks: required members only, a union's first member, lists of their min length,
    maps of one entry where one is required, numbers at their min (else 1), blobs of
    their min length of b"x"; strings from ``string``, timestamps from ``timestamp``."""

    def __init__(self, string: Callable[[Any], str] = any_string,
                 timestamp: Callable[[], datetime.datetime] = now) -> None:
        self.string_of, self.timestamp_now = string, timestamp

    def members(self, shape: Any, at: At) -> List[str]:
        return [next(iter(shape.members))] if shape.is_tagged_union else list(shape.required_members)

    def items(self, shape: Any, at: At) -> List[At]:
        return [at.below() for _ in range(int(shape.metadata.get("min", 0)))]

    def entries(self, shape: Any, at: At) -> List[At]:
        return [at.below() for _ in range(min(int(shape.metadata.get("min", 0)), 1))]

    def document(self, shape: Any, at: At) -> Any:
        return {}

    def string(self, shape: Any, at: At) -> str:
        return self.string_of(shape)

    def integer(self, shape: Any, at: At) -> int:
        return int(shape.metadata.get("min", 1))

    def float(self, shape: Any, at: At) -> float:
        return float(shape.metadata.get("min", 1))

    def boolean(self, shape: Any, at: At) -> bool:
        return False

    def timestamp(self, shape: Any, at: At) -> datetime.datetime:
        return self.timestamp_now()

    def blob(self, shape: Any, at: At) -> bytes:
        return b"x" * max(int(shape.metadata.get("min", 1)), 1)


def minimal(shape: Any, string: Callable[[Any], str] = any_string,
            timestamp: Callable[[], datetime.datetime] = now) -> Any:
    """``Minimal``'s value of ``shape``."""
    return Minimal(string, timestamp).walk(shape)


# ---------------------------------------------------------------------------
# Samples filling every member (the round-trip tests)
# ---------------------------------------------------------------------------


def reaches(shape: Any, target: str, seen: Tuple[str, ...] = ()) -> bool:
    """Whether target's shape can be found below shape (a recursive shape)."""
    if shape.name in seen or shape.metadata.get("document"):
        return False
    if shape.name == target:
        return True
    seen = seen + (shape.name,)
    if shape.type_name == "structure":
        return any(reaches(m, target, seen) for m in shape.members.values())
    if shape.type_name == "list":
        return reaches(shape.member, target, seen)
    if shape.type_name == "map":
        return reaches(shape.value, target, seen)
    return False


def union_width(shape: Any, seen: Tuple[str, ...] = ()) -> int:
    """The largest union reachable from shape: that many variants cover every member."""
    if shape.name in seen or shape.metadata.get("document"):
        return 1
    seen = seen + (shape.name,)
    widths = [1]
    if shape.type_name == "structure":
        if shape.is_tagged_union:
            widths.append(len(shape.members))
        widths += [union_width(m, seen) for m in shape.members.values()]
    elif shape.type_name == "list":
        widths.append(union_width(shape.member, seen))
    elif shape.type_name == "map":
        widths.append(union_width(shape.value, seen))
    return max(widths)


def variants(shape: Any) -> range:
    """Enough samples of shape to fill every member: the widest union's width, more
    where unions nest (the caller stops once every member has been seen)."""
    return range(4 * union_width(shape) ** 2)


class Sample(Walker):
    """A value for every member; ``variant`` picks among enum values and scalars, and a
    union's member: the top-level union takes its members in turn, nested ones pick by
    a hash of their path so that every pair of choices comes up. Once inside itself, a
    recursive shape fills only the members that do not lead back to it. Lists have two
    items (variants v and v + 1)."""

    top = ""

    def where(self, at: At) -> str:
        """The path as text: ``in.member[0].key``."""
        return self.top + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in at.path)

    def members(self, shape: Any, at: At) -> List[str]:
        names = list(shape.members)
        if shape.name in at.inside:
            names = [n for n in names if not reaches(shape.members[n], shape.name)]
        if shape.is_tagged_union:
            pick = at.variant if not at.inside else zlib.crc32(f"{self.where(at)}#{at.variant}".encode())
            names = [names[pick % len(names)]]
        return names

    def document(self, shape: Any, at: At) -> Any:
        return [{"doc": [1, 2.5, "x", True, None]}, "text", 7, {"n": {"m": []}}][at.variant % 4]


class InputSample(Sample):
    """Request parameters: Python values (bytes, datetimes); maps of one entry."""

    top = "in"

    def items(self, shape: Any, at: At) -> List[At]:
        return [at.below(0), at.below(1, variant=1)]

    def map(self, shape: Any, at: At) -> Dict[str, Any]:
        return {f"key{at.variant}": self.walk(shape.value, at.below("key"))}

    def blob(self, shape: Any, at: At) -> bytes:
        return f"bytes-{at.variant}".encode()

    def string(self, shape: Any, at: At) -> str:
        if shape.enum:
            return shape.enum[at.variant % len(shape.enum)]
        return f"v-{self.where(at).rsplit('.', 1)[-1]}-{at.variant}".replace("[", "").replace("]", "")

    def integer(self, shape: Any, at: At) -> int:
        return 16 + at.variant

    def float(self, shape: Any, at: At) -> float:
        return 0.0001 * (at.variant + 1)

    def boolean(self, shape: Any, at: At) -> bool:
        return at.variant % 2 == 0

    def timestamp(self, shape: Any, at: At) -> datetime.datetime:
        return datetime.datetime(2024, 1, 2, 3, 4, 5 + at.variant, tzinfo=datetime.timezone.utc)


class OutputSample(Sample):
    """A JSON-ready response value: members under their wire names, timestamps and blobs
    as the service writes them, maps of two entries; list items and map values keep
    their list's path."""

    top = "out"

    def key(self, shape: Any, name: str) -> str:
        return shape.members[name].serialization.get("name", name)

    def items(self, shape: Any, at: At) -> List[At]:
        return [at.below(), at.below(variant=1)]

    def map(self, shape: Any, at: At) -> Dict[str, Any]:
        return {"k": self.walk(shape.value, at.below()), "a": self.walk(shape.value, at.below(variant=1))}

    def blob(self, shape: Any, at: At) -> str:
        return ["Ynl0ZXM=", "", "AAEC"][at.variant % 3]

    def string(self, shape: Any, at: At) -> str:
        if shape.enum:
            return shape.enum[at.variant % len(shape.enum)]
        return f"{self.where(at).rsplit('.', 1)[-1]}-{at.variant}"

    def integer(self, shape: Any, at: At) -> int:
        return 3 + at.variant

    def float(self, shape: Any, at: At) -> float:
        return [0.1, 1e-07, 2.5, 1.0][at.variant % 4]

    def boolean(self, shape: Any, at: At) -> bool:
        return at.variant % 2 == 1

    def timestamp(self, shape: Any, at: At) -> Any:
        return ["2024-01-02T03:04:05.123Z", "2024-01-02 03:04:05", "2024-01-02T03:04:05+01:00", 1700000000.25][at.variant % 4]


def sample_input(shape: Any, variant: int = 0) -> Any:
    """Request parameters filling every member of shape (unions: see ``Sample``)."""
    return InputSample().walk(shape, At(variant=variant))


def sample_output(shape: Any, variant: int = 0) -> Any:
    """A JSON-ready response value filling every member of shape."""
    return OutputSample().walk(shape, At(variant=variant))


# ---------------------------------------------------------------------------
# hypothesis strategies (the fuzz tests)
# ---------------------------------------------------------------------------


class Strategies(Walker):
    """hypothesis strategies of values following the shape (member names, types): every
    member optional (a union's too), lists and maps of up to three (map keys: the key
    shape's strategy or ``keys``); below the top, ``wild`` one time in four instead of
    any value; deeper than ``max_depth`` (recursive shapes), ``wild`` alone. The leaves'
    strategies are the subclass's."""

    def __init__(self, wild: Any, keys: Any, max_depth: int = 6) -> None:
        self.wild, self.keys, self.max_depth = wild, keys, max_depth

    def instead(self, shape: Any, at: At) -> Any:
        return self.wild if at.depth > self.max_depth else WALK

    def structure(self, shape: Any, at: At) -> Any:
        from hypothesis import strategies as st

        return st.fixed_dictionaries({}, optional=super().structure(shape, at))

    def list(self, shape: Any, at: At) -> Any:
        from hypothesis import strategies as st

        return st.lists(self.walk(shape.member, at.below()), max_size=3)

    def map(self, shape: Any, at: At) -> Any:
        from hypothesis import strategies as st

        return st.dictionaries(st.one_of(self.walk(shape.key, At()), self.keys), self.walk(shape.value, at.below()),
                               max_size=3)

    def made(self, value: Any, shape: Any, at: At) -> Any:
        from hypothesis import strategies as st

        return st.one_of(value, value, value, self.wild) if at.depth else value
