"""The training-data checks: one streaming pass over a JSONL file.

Each line is decoded, parsed and checked against the record format of the base model
(``rules.json``: ``record_format``), and counted, measured and token-estimated
against the model's limits. Memory stays flat in the file's size: lines are read one
at a time, and at most :data:`PER_RULE` findings of one rule are kept (the rest are
counted, and reported in one finding).
"""

from __future__ import annotations

import io
import json
import os
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from ._rules import Finding, Profile, data, finding, profile

#: The findings of one rule kept in full; further lines breaking it are counted only.
PER_RULE = 20

#: Nova: "file names can consist of only alphanumeric characters, underscores, hyphens, slashes, and dots".
_FILE_NAME = re.compile(r"[A-Za-z0-9_\-/.]+\Z")

Emit = Callable[[str, str], None]
Check = Callable[[Dict[str, Any], Emit, Profile], int]


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
        return {"records": self.records, "bytes": self.bytes, "errors": len(self.errors),
                "warnings": len(self.warnings), "findings": [f.to_dict() for f in self]}


# ----------------------------------------------------------------------------------------
# Record formats: each checks one parsed record, emits (rule, message) and returns the
# record's characters of text (for the token estimate).
# ----------------------------------------------------------------------------------------


def _prompt_completion(record: Dict[str, Any], emit: Emit, rules: Profile) -> int:
    prompt, completion = record.get("prompt"), record.get("completion")
    if type(prompt) is str and type(completion) is str and len(record) == 2 and completion.strip():
        return len(prompt) + len(completion)  # (the common case, at once)
    size = 0
    for key in ("prompt", "completion"):
        value = record.get(key)
        if not isinstance(value, str):
            emit("pc-fields", f'the record has no "{key}" string' if value is None else f'"{key}" is not a string')
        else:
            size += len(value)
    if isinstance(record.get("completion"), str) and not record["completion"].strip():
        emit("pc-empty", 'the "completion" is empty')
    extra = sorted(set(record) - {"prompt", "completion"})
    if extra:
        emit("pc-extra-field", f"fields other than prompt and completion: {', '.join(extra)}")
    return size


def _cpt_input(record: Dict[str, Any], emit: Emit, rules: Profile) -> int:
    value = record.get("input")
    if not isinstance(value, str) or not value.strip():
        emit("cpt-input", 'the record has no "input" text' if value is None else 'the "input" is not a non-empty string')
        return 0
    return len(value)


def _turns(messages: Any, emit: Emit, content: Callable[[Any, int], int], *, prompts: Optional[bool] = None) -> int:
    """Roles, order and content of a ``messages`` list; returns the characters of text.

    ``prompts``: distillation prompts (may end with the user's turn; ``True``: one turn only)."""
    if not isinstance(messages, list) or not messages:
        emit("msg-messages", 'the record has no "messages" list' if messages is None else '"messages" is not a non-empty list')
        return 0
    size = 0
    roles = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            emit("msg-messages", f"message {i + 1} is not an object")
            return size
        role = message.get("role")
        if role not in ("user", "assistant"):
            emit("msg-role", f'message {i + 1} has role {json.dumps(role)}: "user" or "assistant" expected')
        roles.append(role)
        size += content(message, i + 1)
    if roles[0] != "user":
        emit("msg-first-user", f'the first message is from {json.dumps(roles[0])}, not "user"')
    if prompts is None and roles[-1] != "assistant":
        emit("msg-last-assistant", f'the last message is from {json.dumps(roles[-1])}, not "assistant"')
    if prompts and roles.count("user") > 1:
        emit("dist-prompt", f"{roles.count('user')} user turns: this student model takes single-turn prompts only")
    for i in range(1, len(roles)):
        if roles[i] == roles[i - 1] and roles[i] in ("user", "assistant"):
            emit("msg-alternate", f"messages {i} and {i + 1} are both from {roles[i]}: user and assistant alternate")
            break
    return size


def _claude_messages(record: Dict[str, Any], emit: Emit, rules: Profile) -> int:
    size = 0
    system = record.get("system")
    if system is not None:
        if not isinstance(system, str):
            emit("msg-system", '"system" is not a string')
        else:
            size += len(system)

    def content(message: Dict[str, Any], n: int) -> int:
        value = message.get("content")
        if not isinstance(value, str) or not value.strip():
            emit("msg-content", f"message {n} has no text content (a non-empty string)")
            return 0
        return len(value)

    return size + _turns(record.get("messages"), emit, content)


class _Conversation:
    """``bedrock-conversation-2024`` records (Nova, Llama 3.2, distillation prompts)."""

    def __init__(self, prompts: bool) -> None:
        self.prompts = prompts

    def __call__(self, record: Dict[str, Any], emit: Emit, rules: Profile) -> int:
        checks = rules.checks()
        version = record.get("schemaVersion")
        # Nova's fine-tuning page: "schemaVersion can be any string value" (rules.json: any_schema_version).
        if not (rules.entry.get("any_schema_version") and isinstance(version, str)) and version != "bedrock-conversation-2024":
            emit("conv-schema-version", f'"schemaVersion" is {json.dumps(version)}, not "bedrock-conversation-2024"')
        size = 0
        words = _reserved_words() if "nova-reserved-words" in checks else ()
        media = _Media(emit) if "nova-media" in checks else None

        def text(value: str, where: str, prompt: bool) -> int:
            # Reserved words: "if a user prompt or system prompt starts with or contains any of them".
            for word in words if prompt else ():
                if word in value:
                    emit("nova-reserved-words", f"{where} contains the reserved word {json.dumps(word)}")
                    break
            return len(value)

        system = record.get("system")
        if system is not None:
            if not isinstance(system, list) or not all(isinstance(b, dict) and isinstance(b.get("text"), str) for b in system):
                emit("conv-system", '"system" is not a list of {"text": ...} blocks')
            else:
                size += sum(text(b["text"], "the system prompt", True) for b in system)

        def content(message: Dict[str, Any], n: int) -> int:
            value = message.get("content")
            if not isinstance(value, list) or not value:
                emit("conv-content", f'message {n}\'s "content" is not a non-empty list of blocks')
                return 0
            chars = 0
            for block in value:
                kinds = [k for k in ("text", "image", "video") if isinstance(block, dict) and k in block]
                if len(kinds) != 1:
                    emit("conv-content", f"message {n} has a block that is not one text, image or video block")
                    continue
                if kinds[0] == "text":
                    if not isinstance(block["text"], str):
                        emit("conv-content", f"message {n} has a text block whose text is not a string")
                    else:
                        chars += text(block["text"], f"message {n}", message.get("role") == "user")
                elif media is not None:
                    media.block(kinds[0], block[kinds[0]], n)
            return chars

        prompts: Optional[bool] = None
        if self.prompts:
            single = data()["rules"]["dist-prompt"].get("single_turn_families") or ()
            prompts = any(name in rules.family for name in single)
        size += _turns(record.get("messages"), emit, content, prompts=prompts)
        if media is not None:
            media.end_record()
        return size


def _reserved_words() -> tuple:
    return tuple(data()["rules"]["nova-reserved-words"].get("words", ()))


class _Media:
    """Nova's media rules: formats, S3 locations, counts per sample (record)."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        rule = data()["rules"]["nova-media"]
        self.formats = {k: tuple(v) for k, v in (rule.get("formats") or {}).items()}
        self.max_images = rule.get("max_images_per_sample")
        self.max_videos = rule.get("max_videos_per_sample")
        self.images = 0
        self.videos = 0

    def block(self, kind: str, value: Any, n: int) -> None:
        if kind == "image":
            self.images += 1
        else:
            self.videos += 1
        if not isinstance(value, dict):
            self.emit("nova-media", f"message {n} has an {kind} block that is not an object")
            return
        fmt = value.get("format")
        allowed = self.formats.get(kind, ())
        if allowed and fmt not in allowed:
            self.emit("nova-media", f"message {n} has an {kind} of format {json.dumps(fmt)} (allowed: {', '.join(allowed)})")
        source = value.get("source")
        location = source.get("s3Location") if isinstance(source, dict) else None
        uri = location.get("uri") if isinstance(location, dict) else None
        if not isinstance(uri, str) or not uri.startswith("s3://"):
            self.emit("nova-media", f'message {n} has an {kind} whose source is not an "s3Location" with an s3:// "uri"')

    def end_record(self) -> None:
        if self.max_images is not None and self.images > self.max_images:
            self.emit("nova-media", f"the record has {self.images} images (at most {self.max_images})")
        if self.max_videos is not None and self.videos > self.max_videos:
            self.emit("nova-media", f"the record has {self.videos} videos (at most {self.max_videos})")
        if self.images and self.videos:
            self.emit("nova-media", "the record has both images and a video")
        self.images = self.videos = 0


def _image_caption(record: Dict[str, Any], emit: Emit, rules: Profile) -> int:
    ref = record.get("image-ref")
    if not isinstance(ref, str) or not ref.startswith("s3://"):
        emit("img-ref", 'the record has no "image-ref" s3:// location' if ref is None else '"image-ref" is not an s3:// location')
    caption = record.get("caption")
    if not isinstance(caption, str) or not caption.strip():
        emit("img-caption", 'the record has no "caption" text' if caption is None else '"caption" is not a non-empty string')
        return 0
    return len(caption)


FORMATS: Dict[str, Check] = {
    "prompt_completion": _prompt_completion,
    "cpt_input": _cpt_input,
    "claude_messages": _claude_messages,
    "bedrock_conversation": _Conversation(prompts=False),
    "distillation_prompts": _Conversation(prompts=True),
    "image_caption": _image_caption,
}


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
        findings.add(finding("validation-not-accepted", f"{rules.family} does not take validation data for {customization_type}",
                             unverified=rules.unverified("validation_data")))
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", None)
    if "dataset-file-name" in rules.checks() and isinstance(name, (str, os.PathLike)):
        base = os.path.basename(os.fspath(name))
        if not _FILE_NAME.match(base):
            findings.add(finding("dataset-file-name", f"the file name {base!r} has characters other than letters, digits,"
                                                      " underscores, hyphens, slashes and dots"))
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.startswith("s3://"):
            raise ValueError(f"{path}: give a local path or an open file (the check reads local files only)")
        try:
            with open(path, "rb") as f:
                _scan(f, rules, validation, findings)
        except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
            raise OSError(e.errno, f"cannot read training data {path!r}: {e.strerror}") from None
    else:
        _scan(source, rules, validation, findings)
    findings.close()
    return findings


def _count(n: int, kind: str) -> str:
    return f"{n:,} {kind} record{'s' * (n != 1)}"


def _scan(f: Any, rules: Profile, validation: bool, findings: Findings) -> None:
    check_record = FORMATS.get(rules.record_format)
    if check_record is None:
        raise LookupError(f"rules.json names record format {rules.record_format!r}, which no check implements")
    limits = rules.limits
    max_tokens = limits.get("max_tokens")
    per_token = float(data()["chars_per_token"]["value"])
    max_chars = max_tokens * per_token if max_tokens else None
    line_no = 0
    size = 0
    records = 0

    def emit(rule_id: str, message: str) -> None:
        findings.add(finding(rule_id, message, line_no))

    decode = json.JSONDecoder().decode
    for raw in f:
        line_no += 1
        if isinstance(raw, str):
            text = raw
            size += len(raw.encode("utf-8"))
        else:
            size += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                emit("utf8", f"the line is not UTF-8 (byte {e.start + 1}: {raw[e.start:e.start + 1]!r})")
                records += 1
                continue
        try:
            record = decode(text)
        except ValueError as e:
            if not text.strip():
                emit("jsonl-blank-line", "the line is blank")
                continue
            records += 1
            where = f" (column {e.pos + 1})" if isinstance(e, json.JSONDecodeError) else ""
            emit("jsonl-json", f"the line is not JSON: {getattr(e, 'msg', e)}{where}")
            continue
        records += 1
        if not isinstance(record, dict):
            emit("jsonl-object", f"the line is a JSON {type(record).__name__ if record is not None else 'null'}, not an object")
            continue
        chars = check_record(record, emit, rules)
        if max_chars is not None and chars > max_chars:
            emit("tokens-max", f"about {int(chars / per_token):,} tokens ({chars:,} characters at {per_token:g} a token);"
                               f" {rules.family} takes at most {max_tokens:,}")
    findings.records = records
    findings.bytes = size

    def whole(rule_id: str, message: str) -> None:
        findings.add(finding(rule_id, message))

    kind = "validation" if validation else "training"
    bounds = limits.get(f"{kind}_records")
    if bounds:
        low, high = bounds
        # Nova's sample counts and distillation's prompt counts are rules of their own pages.
        own = next((c for c in ("nova-sample-count", "dist-count") if c in rules.checks()), None)
        unverified = rules.unverified("records")
        if low is not None and records < low:
            recommended = own == "dist-count" and any(
                n in rules.family for n in data()["rules"]["dist-count"].get("min_is_recommendation_for") or ())
            findings.add(finding(own or "records-min", f"{_count(records, kind)}; {rules.family} needs at least {low:,}",
                                 unverified=unverified, recommended=recommended))
        if high is not None and records > high:
            findings.add(finding(own or "records-max", f"{_count(records, kind)}; {rules.family} takes at most {high:,}",
                                 unverified=unverified))
    most = limits.get(f"{kind}_file_bytes")
    if most and size > most:
        whole("file-size", f"the file is {size:,} bytes; {rules.family} takes {kind} files of at most {most:,}")
