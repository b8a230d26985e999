"""The training-data checks: one streaming pass over a JSONL file.

Each line is decoded, parsed and checked against the record format of the base model
(``rules.json``: ``record_format``) and token-estimated against the model's limit by
the Rust core (``_core.JsonlScanner``, ``src/training_data.rs``: a path is read there,
with the GIL released; a file object is read here in chunks and fed to it); the
records and bytes it counts are then held to the model's record-count and size
limits here. Memory stays flat in the file's size: lines are read one at a time, and
at most :data:`PER_RULE` findings of one rule are kept (the rest are counted, and
reported in one finding).
"""

from __future__ import annotations

import errno
import io
import os
import re
from typing import Any, Dict, Iterable, List, Union

from .._core import JsonlScanner
from ._rules import Finding, Profile, data, finding, profile

#: The findings of one rule kept in full; further lines breaking it are counted only.
PER_RULE = 20

#: Nova: "file names can consist of only alphanumeric characters, underscores, hyphens, slashes, and dots".
_FILE_NAME = re.compile(r"[A-Za-z0-9_\-/.]+\Z")

#: What a file object's ``read`` is asked for at a time.
_CHUNK = 4 << 20


class Findings(list):
    """The findings of a check (a list of :class:`Finding`), with what was read.

    ``records``: the records (non-blank lines) read; ``bytes``: the file's size;
    ``errors``/``warnings``: the findings of each severity; ``ok``: no error."""

    def __init__(self, items: Iterable[Finding] = ()) -> None:
        super().__init__(items)
        self.records = 0
        self.bytes = 0
        self.counts: Dict[str, int] = {}

    @property
    def errors(self) -> List[Finding]:
        return [f for f in self if f.severity == "error"]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> Dict[str, int]:
        """``{"error": lines, "warning": lines}``: every line (or the file) a rule found,
        those past :data:`PER_RULE` included, by severity."""
        totals = {"error": 0, "warning": 0}
        for rule_id, count in self.counts.items():
            first = next((f for f in self if f.rule == rule_id), None)
            if first is not None:
                totals[first.severity] = totals.get(first.severity, 0) + count
        return totals

    def add(self, item: Finding) -> None:
        self.counts[item.rule] = self.counts.get(item.rule, 0) + 1
        if self.counts[item.rule] <= PER_RULE:
            self.append(item)

    def close(self) -> None:
        """One finding for each rule broken more often than :data:`PER_RULE` times."""
        for rule_id, count in self.counts.items():
            if count > PER_RULE:
                first = next(f for f in self if f.rule == rule_id)
                self.append(Finding(None, rule_id, f"{count - PER_RULE} more lines break this rule ({count} in all)",
                                    first.severity, first.source))

    def to_dict(self) -> Dict[str, Any]:
        """``errors``/``warnings``: lines (or the file) found, those past :data:`PER_RULE` included."""
        totals = self.totals()
        return {"records": self.records, "bytes": self.bytes, "errors": totals["error"],
                "warnings": totals["warning"], "findings": [f.to_dict() for f in self]}


# ----------------------------------------------------------------------------------------
# The file
# ----------------------------------------------------------------------------------------

Source = Union[str, "os.PathLike[str]", io.IOBase, Any]


def check(source: Source, base_model: str, customization_type: str = "FINE_TUNING", *,
          validation: bool = False) -> Findings:
    """Check a JSONL dataset for fine-tuning ``base_model`` (``customization_type``).

    ``source`` is a path or an open file (text or binary). ``validation=True``
    checks it as a validation dataset (its limits; and whether the model takes one).
    Returns the :class:`Findings` (empty when all is well); ``findings.ok`` is
    False when any is an error. A base model the rules do not know raises
    ``LookupError``; a customization type it does not take, ``ValueError``."""
    rules = profile(base_model, customization_type)
    findings = Findings()
    if validation and not rules.accepts_validation:
        findings.add(rules.validation_finding())
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", None)
    pseudo = isinstance(name, str) and name.startswith("<")  # '<stdin>', not a file's name
    if "dataset-file-name" in rules.checks() and isinstance(name, (str, os.PathLike)) and not pseudo:
        base = os.path.basename(os.fspath(name))
        if not _FILE_NAME.match(base):
            findings.add(finding("dataset-file-name", f"the file name {base!r} has characters other than letters, digits,"
                                                      " underscores, hyphens, slashes and dots"))
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.startswith("s3://"):
            raise ValueError(f"{path}: give a local path or an open file (the check reads local files only)")
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, f"cannot read training data {path!r}: it is a folder")
        try:
            _scan(path, rules, validation, findings)
        except OSError as e:
            raise type(e)(e.errno, f"cannot read training data {path!r}: {e.strerror or e}") from None
    else:
        # a text file's bytes as they are (its size, its encoding, a byte-order mark)
        _scan(getattr(source, "buffer", source), rules, validation, findings)
    findings.close()
    return findings


def _count(n: int, kind: str) -> str:
    return f"{n:,} {kind} record{'s' * (n != 1)}"


def _scan(f: Any, rules: Profile, validation: bool, findings: Findings) -> None:
    limits = rules.limits
    # a quota of its own for some models of the family (Meta Llama 3.2 90B's 10,000 tokens)
    max_tokens = next((n for m, n in (limits.get("max_tokens_by_model") or {}).items() if rules.matches(m)),
                      limits.get("max_tokens"))
    checks = rules.checks()
    media = data()["rules"]["nova-media"]
    scanner = JsonlScanner(
        rules.record_format, rules.family, max_tokens=max_tokens, chars_per_token=float(data()["chars_per_token"]["value"]),
        reserved_words=list(data()["rules"]["nova-reserved-words"].get("words", ())) if "nova-reserved-words" in checks else [],
        image_formats=media["formats"]["image"] if "nova-media" in checks else None,
        video_formats=media["formats"]["video"] if "nova-media" in checks else None,
        max_images=media.get("max_images_per_sample"), max_videos=media.get("max_videos_per_sample"),
        any_schema_version=bool(rules.entry.get("any_schema_version")),
        single_turn=rules.named_in("dist-prompt", "single_turn_families"), per_rule=PER_RULE,
    )
    if isinstance(f, str):
        scanner.feed_file(f)
    else:
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            scanner.feed(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    records, size, found, counts = scanner.finish()
    for line, rule_id, message in found:
        findings.append(finding(rule_id, message, line))
    for rule_id, count in counts.items():
        findings.counts[rule_id] = findings.counts.get(rule_id, 0) + count
    findings.records = records
    findings.bytes = size
    kind = "validation" if validation else "training"
    bounds = limits.get(f"{kind}_records")
    if records == 0:
        # (whatever the model's limits: a job needs data; AWS's pages give minimum counts)
        findings.add(finding("records-min", f"the file has no {kind} records"))
    elif bounds:
        low, high = bounds
        # Nova's sample counts and distillation's prompt counts are rules of their own pages.
        own = next((c for c in ("nova-sample-count", "dist-count") if c in checks), None)
        unverified = rules.unverified("records")
        if low is not None and records < low:
            recommended = own == "dist-count" and rules.named_in("dist-count", "min_is_recommendation_for")
            findings.add(finding(own or "records-min", f"{_count(records, kind)}; {rules.family} needs at least {low:,}",
                                 unverified=unverified, recommended=recommended))
        if high is not None and records > high:
            findings.add(finding(own or "records-max", f"{_count(records, kind)}; {rules.family} takes at most {high:,}",
                                 unverified=unverified))
    most = limits.get(f"{kind}_file_bytes")
    if most and size > most:
        findings.add(finding("file-size", f"the file is {size:,} bytes; {rules.family} takes {kind} files of at most {most:,}"))
