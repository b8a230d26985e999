"""The per-base-model rules of Bedrock model customization, read from ``rules.json``.

``rules.json`` is data: for every customizable base model family, the customization
types it takes, its hyperparameters (names, types, ranges), its record format,
whether it accepts validation data and its record-count, size and token limits;
and for every rule of the training-data checks, its severity and the AWS page it
comes from. Each entry names its source page (``sources``). This module reads it
once and answers two questions: which rules apply to a base model and a
customization type (:func:`profile`), and what a finding of a rule looks like
(:class:`Finding`, with the rule's severity and source).
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

_HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=None)
def data() -> Dict[str, Any]:
    """``rules.json``, read once."""
    with open(os.path.join(_HERE, "rules.json"), encoding="utf-8") as f:
        return json.load(f)


def source_url(key: Optional[str]) -> str:
    if not key:
        return ""
    entry = data()["sources"].get(key)
    return entry["url"] if entry else ""


def rule(rule_id: str) -> Dict[str, Any]:
    try:
        return data()["rules"][rule_id]
    except KeyError:
        raise LookupError(f"no rule {rule_id!r} in training_data/rules.json") from None


@dataclass(frozen=True)
class Finding:
    """One thing found wrong (``severity="error"``: AWS documents it, the job would be
    refused or fail) or doubtful (``"warning"``: a heuristic) in a dataset or a request.

    ``line`` is the 1-based line of the file (None for the file as a whole or a request)."""

    line: Optional[int]
    rule: str
    message: str
    severity: str
    source: str

    def to_dict(self) -> Dict[str, Any]:
        return {"line": self.line, "rule": self.rule, "severity": self.severity, "message": self.message,
                "source": self.source}

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.severity}: {self.message} [{self.rule}]"


def finding(rule_id: str, message: str, line: Optional[int] = None, source: Optional[str] = None, *,
            unverified: bool = False, recommended: bool = False) -> Finding:
    """A finding of ``rule_id``, with the rule's severity and source page (or ``source``'s).

    A warning, whatever the rule's severity, when the number behind it is ``unverified``
    (rules.json marks it ``"confidence": "memory"``: no AWS page read gives it) or only
    ``recommended`` by AWS; the message says which."""
    entry = rule(rule_id)
    severity = entry["severity"]
    if unverified or recommended:
        severity = "warning"
        message += " (AWS recommends it, not requires it)" if recommended else " (a limit no AWS page read confirms)"
    return Finding(line, rule_id, message, severity, source_url(source or entry.get("source")))


#: The geographic prefixes of a cross-Region inference profile's id (``us.amazon.nova-premier-v1:0``).
_GEO = ("us.", "eu.", "apac.", "global.", "us-gov.", "ca.", "jp.", "au.")


def model_id(identifier: str) -> str:
    """The base model id in a model identifier: a foundation model's id or ARN
    (``arn:...:foundation-model/ID``), an inference profile's id or ARN
    (``us.ID``, ``arn:...:inference-profile/us.ID``) or a custom model's ARN
    (``arn:...:custom-model/ID/abc``: the model it was made from)."""
    if identifier.startswith("arn:") and "/" in identifier:
        if ":foundation-model/" in identifier:
            return identifier.rsplit("/", 1)[-1]
        if ":inference-profile/" in identifier:
            identifier = identifier.rsplit("/", 1)[-1]
        elif ":custom-model/" in identifier and identifier.count("/") == 2:
            return identifier.split("/")[1]
        else:
            return identifier
    for geo in _GEO:
        if identifier.startswith(geo):
            return identifier[len(geo):]
    return identifier


@dataclass(frozen=True)
class Profile:
    """The rules for one base model family and one customization type."""

    family: str
    customization_type: str
    entry: Mapping[str, Any]
    supported: Tuple[str, ...]
    base_model: str = ""

    def named_in(self, rule_id: str, key: str) -> bool:
        """Whether a rule's list of family names (``rules.json``: ``rules[rule_id][key]``,
        names as AWS's pages give them, e.g. "Meta Llama 3.1") names this family."""
        return any(name in self.family for name in rule(rule_id).get(key) or ())

    def matches(self, prefix: str) -> bool:
        """Whether the base model is ``prefix`` (or ``prefix`` with a context-length suffix)."""
        ident = model_id(self.base_model)
        return ident == prefix or ident.startswith(prefix + ":")

    @property
    def record_format(self) -> str:
        return str(self.entry.get("record_format") or "")

    @property
    def source(self) -> str:
        return source_url(self.entry.get("source"))

    @property
    def hyperparameters(self) -> Mapping[str, Mapping[str, Any]]:
        return self.entry.get("hyperparameters") or {}

    @property
    def limits(self) -> Mapping[str, Any]:
        return self.entry.get("limits") or {}

    @property
    def accepts_validation(self) -> bool:
        return bool(self.entry.get("validation_data", True))

    def validation_finding(self) -> Finding:
        """The finding for validation data given to a model and type that take none."""
        return finding("validation-not-accepted",
                       f"{self.family} does not take validation data for {self.customization_type} customization.",
                       source=self.entry.get("validation_data_source") or self.entry.get("source"),
                       unverified=self.unverified("validation_data"))

    def unverified(self, what: str) -> bool:
        """Whether rules.json marks ``what`` (``records``, ``validation_data``) as not from an AWS page."""
        holder = self.limits if what == "records" else self.entry
        return holder.get(f"{what}_confidence") == "memory"

    def checks(self) -> Tuple[str, ...]:
        """Extra record rules of this model (e.g. Nova's reserved words and media)."""
        return tuple(self.entry.get("checks") or ())


def family_of(base_model: str) -> Optional[Mapping[str, Any]]:
    """The ``models`` entry of ``base_model`` (an id, an id with its context suffix, or an ARN)."""
    ident = model_id(base_model)
    best: Optional[Mapping[str, Any]] = None
    best_len = -1
    for entry in data()["models"]:
        for prefix in entry["match"]:
            if (ident == prefix or ident.startswith(prefix + ":")) and len(prefix) > best_len:
                best, best_len = entry, len(prefix)
    return best


def profile(base_model: str, customization_type: str = "FINE_TUNING") -> Profile:
    """The rules for ``base_model`` customized by ``customization_type``.

    Raises ``LookupError`` (with the models the rules know) for a base model they do not know,
    and ``ValueError`` for a customization type the model does not support."""
    entry = family_of(base_model)
    if entry is None:
        known = sorted(p for e in data()["models"] for p in e["match"])
        raise LookupError(f"no customization rules for base model {base_model!r}; known: {', '.join(known)}")
    types = entry["customizations"]
    if customization_type not in types:
        raise ValueError(
            f"{entry['family']} ({model_id(base_model)}) does not support {customization_type} customization"
            f" (it supports: {', '.join(types)})"
        )
    return Profile(entry["family"], customization_type, types[customization_type], tuple(types), base_model)


def families() -> List[str]:
    return [entry["family"] for entry in data()["models"]]
