"""The training-data checks (``bedrock_customization.training_data``), driven by their own data.

Every list here comes from ``training_data/rules.json`` (its rules, models, record formats,
limits, hyperparameters and teachers) or from the pinned service model: a rule, a model or a
hyperparameter added to the data is tested without editing this file, and a rule no test
covers fails :func:`test_every_rule_of_rules_json_is_tested`.

1. every data rule :func:`check` can emit has a good and a bad dataset made here (``CASES``);
2. the request rules (:func:`check_request`, and the local Bedrock's create through this
   package's client and boto3), a table generated from the models' hyperparameters;
3. data in the local Bedrock (``local_bedrock(data_dir=...)``, its command's ``--data-dir``);
4. ``bedrock-customization check-training-data``;
5. streaming: file objects, memory flat in the file's size, findings capped per rule.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import uuid
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

import pytest

import bedrock_customization as bc
from bedrock_customization import cli
from bedrock_customization.testing import local_bedrock
from bedrock_customization.testing._wire import MODEL
from bedrock_customization.training_data import _check, _rules, check, check_request

from conftest import (
    LOCAL_BEDROCK_COMMAND,
    REGION,
    assert_parity,
    blank_uuids,
    cli_env,
    job_request,
    local_bedrock_process,
    make_bc_client,
    make_boto3_client,
    replace_strings,
    strip_volatile,
)

# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------

RULES: Dict[str, Any] = _rules.data()  # rules.json
FT, CPT, DIST, RFT = "FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING"
CUSTOMIZATION_TYPES = tuple(MODEL.shape("CustomizationType")["enum"])  # the pinned model's
CONV = RULES["rules"]["conv-schema-version"]["value"]
UNKNOWN_MODEL = "example.no-such-model-v1"
TEXT_MODEL = job_request("j", "m")["baseModelIdentifier"]  # conftest's jobs' base model


def specs() -> Iterator[Tuple[Dict[str, Any], str, Dict[str, Any]]]:
    """(model entry, customization type, its rules) for every model family and type."""
    for entry in RULES["models"]:
        for ctype, spec in entry["customizations"].items():
            yield entry, ctype, spec


def pick(
    record_format: Optional[str] = None,
    ctype: str = FT,
    *,
    check_id: Optional[str] = None,
    where: Callable[[Dict[str, Any], Dict[str, Any]], bool] = lambda entry, spec: True,
) -> str:
    """The first model id (rules.json order) customized by ``ctype`` in ``record_format``
    (with the extra check ``check_id``, and ``where``)."""
    for entry, t, spec in specs():
        if (
            t == ctype
            and record_format in (None, spec["record_format"])
            and (check_id is None or check_id in (spec.get("checks") or ()))
            and where(entry, spec)
        ):
            return entry["match"][0]
    raise LookupError(f"no model in rules.json for {record_format} {ctype} {check_id}: the test needs one")


def spec_of(model: str, ctype: str) -> Dict[str, Any]:
    return dict(_rules.profile(model, ctype).entry)


def source_of(rule_id: str) -> str:
    return RULES["sources"][RULES["rules"][rule_id]["source"]]["url"]


def single_turn(entry: Dict[str, Any]) -> bool:
    return any(name in entry["family"] for name in RULES["rules"]["dist-prompt"].get("single_turn_families") or ())


# Records of each record format, good ones (rules.json's "record_format" values).
def user(text: str = "What is the capital of France?") -> Dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def assistant(text: str = "Paris.") -> Dict[str, Any]:
    return {"role": "assistant", "content": [{"text": text}]}


def conv(*messages: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    record = {
        "schemaVersion": CONV,
        "system": [{"text": "Answer in one word."}],
        "messages": list(messages) or [user(), assistant()],
    }
    record.update(fields)
    return record


def claude(*messages: Tuple[str, Any], **fields: Any) -> Dict[str, Any]:
    turns = messages or (("user", "What is the capital of France?"), ("assistant", "Paris."))
    record: Dict[str, Any] = {
        "system": "Answer in one word.",
        "messages": [{"role": r, "content": c} for r, c in turns],
    }
    record.update(fields)
    return record


def pc(prompt: Any = "What is the capital of France?", completion: Any = "Paris.", **fields: Any) -> Dict[str, Any]:
    return {"prompt": prompt, "completion": completion, **fields}


def image(fmt: str = "png", uri: str = "s3://bc-test-bucket/images/cat.png") -> Dict[str, Any]:
    return {"image": {"format": fmt, "source": {"s3Location": {"uri": uri}}}}


def video(fmt: str = "mp4", uri: str = "s3://bc-test-bucket/videos/cat.mp4") -> Dict[str, Any]:
    return {"video": {"format": fmt, "source": {"s3Location": {"uri": uri}}}}


def media(*blocks: Dict[str, Any]) -> Dict[str, Any]:
    return conv({"role": "user", "content": [*blocks, {"text": "What is in it?"}]}, assistant("A cat."))


GOOD: Dict[str, Dict[str, Any]] = {
    "prompt_completion": pc(),
    "cpt_input": {"input": "Amazon Bedrock is a fully managed service."},
    "claude_messages": claude(),
    "bedrock_conversation": conv(),
    "distillation_prompts": conv(user()),
    "image_caption": {"image-ref": "s3://bc-test-bucket/images/cat.png", "caption": "a cat on a mat"},
}

Line = Union[str, bytes, Dict[str, Any], list, None]


def text_of(line: Line) -> bytes:
    if isinstance(line, bytes):
        return line
    return (line if isinstance(line, str) else json.dumps(line)).encode("utf-8")


def jsonl(lines: Sequence[Line]) -> bytes:
    return b"".join(text_of(line) + b"\n" for line in lines)


def write(folder: Any, name: str, lines: Sequence[Line]) -> str:
    path = os.path.join(os.fspath(folder), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(jsonl(lines))
    return path


def good_lines(model: str, ctype: str, *, validation: bool = False) -> List[Line]:
    """A dataset of the model's format with as many records as its limits ask (at least 1)."""
    spec = spec_of(model, ctype)
    bounds = (spec.get("limits") or {}).get("validation_records" if validation else "training_records") or (None, None)
    return [GOOD[spec["record_format"]]] * max(bounds[0] or 1, 1)


def patch_rules(monkeypatch: pytest.MonkeyPatch, change: Callable[[Dict[str, Any]], None]) -> None:
    """Every module of the package reads ``change``\\ d copy of rules.json (not the file)."""
    original = _rules.data
    changed = copy.deepcopy(original())
    change(changed)
    for name, module in list(sys.modules.items()):
        if name.startswith("bedrock_customization") and module is not None:
            for attr, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attr, lambda: changed)


def set_limit(model: str, ctype: str, key: str, value: Any) -> Callable[[Dict[str, Any]], None]:
    family = _rules.profile(model, ctype).family

    def change(data: Dict[str, Any]) -> None:
        entry = next(e for e in data["models"] if e["family"] == family)
        entry["customizations"][ctype]["limits"][key] = value

    return change


# ---------------------------------------------------------------------------
# 1. Every data rule: a good and a bad dataset, made here
# ---------------------------------------------------------------------------


class Case(NamedTuple):
    base_model: str
    customization_type: str
    validation: Union[bool, Tuple[bool, bool]]  # or (for the good file, for the bad one)
    good_lines: List[Line]
    bad_lines: List[Line]  # record rules: every line breaks the rule
    names: Tuple[str, str] = ("train.jsonl", "train.jsonl")  # the files' names (good, bad)
    limits: Optional[Dict[str, Any]] = None  # limits of the model replaced for the case (a copy of rules.json)


def count_case(rule_id: str, side: int) -> Case:
    """The model and file (training or validation) with the smallest documented record
    minimum (``side`` 0) or maximum (1) that ``rule_id`` enforces: that many records are
    good, one fewer (more) bad. Nova's sample counts and distillation's prompt counts are
    rules of their own (``nova-sample-count``, ``dist-count``: the model's ``checks``)."""
    own = ("nova-sample-count", "dist-count")
    best: Optional[Tuple[int, Case]] = None
    for entry, ctype, spec in specs():
        limits = spec.get("limits") or {}
        enforced_by = next((c for c in own if c in (spec.get("checks") or ())), ("records-min", "records-max")[side])
        recommended = rule_id == "dist-count" and any(
            name in entry["family"] for name in RULES["rules"]["dist-count"].get("min_is_recommendation_for") or ()
        )
        if enforced_by != rule_id or limits.get("records_confidence") == "memory" or recommended and side == 0:
            continue
        for validation in (False, True):
            if validation and not spec.get("validation_data", True):
                continue
            bounds = limits.get("validation_records" if validation else "training_records")
            bound = bounds[side] if bounds else None
            if bound is not None and bound > 1 and (best is None or bound < best[0]):
                record = GOOD[spec["record_format"]]
                good, bad = [record] * bound, [record] * (bound - 1 if side == 0 else bound + 1)
                best = (bound, Case(entry["match"][0], ctype, validation, good, bad))
    assert best is not None, f"no documented record bound for {rule_id} in rules.json"
    return best[1]


def _cases() -> Dict[str, Case]:
    text = pick("prompt_completion")
    messages = pick("claude_messages")
    conversation = pick("bedrock_conversation", where=lambda e, s: not s.get("any_schema_version"))
    nova = pick("bedrock_conversation", check_id="nova-media")
    words = RULES["rules"]["nova-reserved-words"]["words"]
    nova_media = RULES["rules"]["nova-media"]
    most_images, most_videos = nova_media["max_images_per_sample"], nova_media["max_videos_per_sample"]
    assert "bmp" not in nova_media["formats"]["image"] and "avi" not in nova_media["formats"]["video"]
    images = pick("image_caption")
    prompts = pick("distillation_prompts", DIST, where=lambda e, s: single_turn(e))
    no_validation = pick(
        where=lambda e, s: s.get("validation_data") is False and s.get("validation_data_confidence") != "memory"
    )
    named = pick(check_id="dataset-file-name")
    # The prompt-completion model with the fewest tokens a record: a record of exactly that
    # many characters (at rules.json's characters a token) is good, one more is not.
    tokens_model = min(
        (s["limits"]["max_tokens"], e["match"][0])
        for e, t, s in specs()
        if t == FT and s["record_format"] == "prompt_completion" and (s.get("limits") or {}).get("max_tokens")
    )[1]
    most_chars = int(spec_of(tokens_model, FT)["limits"]["max_tokens"] * RULES["chars_per_token"]["value"])
    small = [pc()] * 2
    return {
        "utf8": Case(text, FT, False, [pc("caf\u00e9")], [b'{"prompt": "caf\xe9", "completion": "x"}', b"\xff\xfe{}"]),
        "jsonl-json": Case(text, FT, False, [pc()], ['{"prompt": "q", "completion": "a"', "{'prompt': 'q'}", "prompt"]),
        "jsonl-object": Case(text, FT, False, [pc()], ["[1, 2]", '"text"', "42", "null", "true"]),
        "jsonl-blank-line": Case(text, FT, False, [pc(), pc()], ["", "   ", "\t"]),
        "records-min": count_case("records-min", 0),
        "records-max": count_case("records-max", 1),
        "nova-sample-count": count_case("nova-sample-count", 0),
        "dist-count": count_case("dist-count", 0),
        "file-size": Case(text, FT, False, small, small + [pc()], limits={"training_file_bytes": len(jsonl(small))}),
        "tokens-max": Case(tokens_model, FT, False, [pc("x" * (most_chars - 1), "y")], [pc("x" * most_chars, "y")]),
        "pc-fields": Case(text, FT, False, [pc()], [{"prompt": "q"}, {"completion": "a"}, pc(1), pc("q", ["a"]), {}]),
        "pc-extra-field": Case(text, FT, False, [pc()], [pc(id=1), pc(label="x", source="y")]),
        "pc-empty": Case(text, FT, False, [pc(completion=" a ")], [pc(completion=""), pc(completion=" \n ")]),
        "cpt-input": Case(
            pick("cpt_input", CPT),
            CPT,
            False,
            [GOOD["cpt_input"]],
            [{}, {"input": ""}, {"input": "  "}, {"input": 5}, {"text": "x"}],
        ),
        "msg-messages": Case(
            messages,
            FT,
            False,
            [claude()],
            [{"system": "s"}, claude(messages=[]), claude(messages="hi"), claude(messages=["hi", "ho"])],
        ),
        "msg-role": Case(
            messages,
            FT,
            False,
            [claude()],
            [
                claude(("user", "q"), ("bot", "a")),
                claude(("system", "q"), ("assistant", "a")),
                claude(("user", "q"), (None, "a")),
            ],
        ),
        "msg-first-user": Case(
            messages, FT, False, [claude()], [claude(("assistant", "a"), ("user", "q"), ("assistant", "a"))]
        ),
        "msg-last-assistant": Case(
            messages,
            FT,
            False,
            [claude(("user", "q"), ("assistant", "a"), ("user", "q"), ("assistant", "a"))],
            [claude(("user", "q")), claude(("user", "q"), ("assistant", "a"), ("user", "q"))],
        ),
        "msg-alternate": Case(
            messages,
            FT,
            False,
            [claude()],
            [
                claude(("user", "q"), ("user", "q"), ("assistant", "a")),
                claude(("user", "q"), ("assistant", "a"), ("assistant", "a")),
            ],
        ),
        "msg-content": Case(
            messages,
            FT,
            False,
            [claude()],
            [
                claude(("user", ""), ("assistant", "a")),
                claude(("user", "q"), ("assistant", ["a"])),
                claude(("user", None), ("assistant", "a")),
            ],
        ),
        "msg-system": Case(
            messages,
            FT,
            False,
            [claude(), claude(system="")],
            [claude(system=["s"]), claude(system=5), claude(system={"text": "s"})],
        ),
        "conv-schema-version": Case(
            conversation,
            FT,
            False,
            [conv()],
            [
                {k: v for k, v in conv().items() if k != "schemaVersion"},
                conv(schemaVersion="bedrock-conversation-2023"),
                conv(schemaVersion=2024),
            ],
        ),
        "conv-system": Case(
            conversation,
            FT,
            False,
            [conv(), conv(system=[])],
            [conv(system="s"), conv(system=[{"txt": "s"}]), conv(system=[{"text": 5}])],
        ),
        "conv-content": Case(
            conversation,
            FT,
            False,
            [conv()],
            [
                conv({"role": "user", "content": "q"}, assistant()),
                conv({"role": "user", "content": []}, assistant()),
                conv({"role": "user", "content": [{"text": "q", **image()}]}, assistant()),
                conv({"role": "user", "content": [{"foo": "q"}]}, assistant()),
                conv(user(), {"role": "assistant", "content": [{"text": 5}]}),
            ],
        ),
        # Only the prompts (user and system) may not hold the words: a response may.
        "nova-reserved-words": Case(
            nova,
            FT,
            False,
            [conv(), conv(user(), assistant(f"{words[0]} Paris."))],
            [
                *(conv(user(f"Say {word} then stop."), assistant()) for word in words),
                conv(system=[{"text": f"{words[0]} you answer."}]),
            ],
        ),
        "nova-media": Case(
            nova,
            FT,
            False,
            [media(image()), media(video()), media(*[image()] * most_images)],
            [
                media(image("bmp")),
                media(video("avi")),
                media(image(uri="https://example.com/cat.png")),
                media({"image": {"format": "png", "source": {"bytes": "aGk="}}}),
                media(*[image()] * (most_images + 1)),
                media(*[video()] * (most_videos + 1)),
                media(image(), video()),
                media({"image": "s3://b/cat.png"}),
            ],
        ),
        "img-ref": Case(
            images,
            FT,
            False,
            [GOOD["image_caption"]],
            [
                {"caption": "a cat"},
                {"image-ref": "https://example.com/cat.png", "caption": "a cat"},
                {"image-ref": "/tmp/cat.png", "caption": "a cat"},
                {"image-ref": 5, "caption": "a cat"},
            ],
        ),
        "img-caption": Case(
            images,
            FT,
            False,
            [GOOD["image_caption"]],
            [
                {"image-ref": "s3://b/cat.png"},
                {"image-ref": "s3://b/cat.png", "caption": ""},
                {"image-ref": "s3://b/cat.png", "caption": "  "},
                {"image-ref": "s3://b/cat.png", "caption": 5},
            ],
        ),
        "dist-prompt": Case(
            prompts,
            DIST,
            False,
            [conv(user()), conv(user(), assistant())],
            [conv(user(), assistant(), user()), conv(user(), assistant(), user(), assistant())],
        ),
        "validation-not-accepted": Case(
            no_validation,
            FT,
            (False, True),
            [GOOD[spec_of(no_validation, FT)["record_format"]]],
            [GOOD[spec_of(no_validation, FT)["record_format"]]],
        ),
        "dataset-file-name": Case(
            named,
            FT,
            False,
            [GOOD[spec_of(named, FT)["record_format"]]],
            [GOOD[spec_of(named, FT)["record_format"]]],
            names=("train_data-1.v2.jsonl", "train data (1).jsonl"),
        ),
    }


CASES: Dict[str, Case] = _cases()

# Rules of rules.json that no code emits (image-dimensions needs the image files, which the
# checks do not read). A rule taken from here when it is implemented needs a CASES entry.
NOT_IMPLEMENTED = {"image-dimensions"}


def run_case(case: Case, lines: List[Line], name: str, validation: bool, folder: Any, monkeypatch) -> _check.Findings:
    if case.limits:
        for key, value in case.limits.items():
            patch_rules(monkeypatch, set_limit(case.base_model, case.customization_type, key, value))
    path = write(folder, name, lines)
    return check(path, case.base_model, case.customization_type, validation=validation)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_bad_dataset_breaks_it(rule_id, tmp_path, monkeypatch):
    case = CASES[rule_id]
    validation = case.validation[1] if isinstance(case.validation, tuple) else case.validation
    findings = run_case(case, case.bad_lines, case.names[1], validation, tmp_path, monkeypatch)
    hits = [f for f in findings if f.rule == rule_id]
    assert hits, f"{rule_id}: no finding in {[str(f) for f in findings]}"
    rule = RULES["rules"][rule_id]
    for f in hits:
        assert f.severity == rule["severity"], f
        assert f.source == source_of(rule_id), f
        assert f.source.startswith("https://") or rule["source"] == "heuristic", f
        assert f.message and f.message in str(f) and f"[{rule_id}]" in str(f)
        assert f.to_dict() == {
            "line": f.line,
            "rule": rule_id,
            "severity": f.severity,
            "message": f.message,
            "source": f.source,
        }
    lines = {f.line for f in hits}
    if lines != {None}:  # a rule of records: every bad line breaks it
        assert lines == set(range(1, len(case.bad_lines) + 1)), [str(f) for f in hits]
    assert not findings.ok if rule["severity"] == "error" else True


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_good_dataset_keeps_it(rule_id, tmp_path, monkeypatch):
    case = CASES[rule_id]
    validation = case.validation[0] if isinstance(case.validation, tuple) else case.validation
    findings = run_case(case, case.good_lines, case.names[0], validation, tmp_path, monkeypatch)
    assert [str(f) for f in findings if f.rule == rule_id] == []
    # and the good records are good ones: no error on any line
    assert [str(f) for f in findings if f.line is not None and f.severity == "error"] == []


def test_every_rule_of_rules_json_is_tested():
    """A rule added to rules.json fails here until a test covers it (CASES or REQUEST_CASES)."""
    rules = set(RULES["rules"])
    requested = {rule for case in REQUEST_CASES for rule in case.expected}
    assert set(CASES) <= rules and requested <= rules and NOT_IMPLEMENTED <= rules
    assert rules - set(CASES) - requested == NOT_IMPLEMENTED, "rules.json has rules no test covers"


@pytest.mark.parametrize("rule_id", sorted(NOT_IMPLEMENTED))
def test_rules_not_implemented_are_emitted_by_no_code(rule_id):
    """Kept honest: when code emits one of these rules it needs a CASES entry."""
    import bedrock_customization.testing._data as local_data

    core = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "training_data.rs")
    sources = [
        _check.__file__,
        _rules.__file__,
        sys.modules[check_request.__module__].__file__,
        local_data.__file__,
        core,
    ]
    for path in sources:
        with open(path, encoding="utf-8") as f:
            assert f'"{rule_id}"' not in f.read(), f"{path} emits {rule_id}: move it from NOT_IMPLEMENTED to CASES"


def test_every_record_format_has_a_good_record():
    assert {spec["record_format"] for _, _, spec in specs()} <= set(GOOD)
    # the core's scanner takes every format there is a good record for, and no other
    from bedrock_customization._core import JsonlScanner

    for name in GOOD:
        JsonlScanner(name, "family")
    with pytest.raises(ValueError, match="no check implements"):
        JsonlScanner("no_such_format", "family")


MODEL_IDS = [(model, ctype) for entry, ctype, _ in specs() for model in entry["match"]]


@pytest.mark.parametrize("model,ctype", MODEL_IDS, ids=[f"{m}-{t}" for m, t in MODEL_IDS])
def test_good_dataset_of_every_model_has_no_finding(model, ctype, tmp_path):
    """Every model id of rules.json, as an id, with a context suffix and as a foundation-model ARN."""
    path = write(tmp_path, "train.jsonl", good_lines(model, ctype))
    spec = spec_of(model, ctype)
    for ident in (model, f"{model}:128k", f"arn:aws:bedrock:{REGION}::foundation-model/{model}"):
        findings = check(path, ident, ctype)
        assert [str(f) for f in findings] == [] and findings.ok
        assert findings.records == len(good_lines(model, ctype))
        assert _rules.profile(ident, ctype).family == _rules.family_of(model)["family"]
    if spec.get("validation_data", True):
        path = write(tmp_path, "validation.jsonl", good_lines(model, ctype, validation=True))
        assert [str(f) for f in check(path, model, ctype, validation=True)] == []


def record_of_chars(record_format: str, chars: int) -> Dict[str, Any]:
    """A good record of ``record_format`` whose text is ``chars`` characters in all."""
    prompt, response = "x" * (chars - 1), "y"
    return {
        "prompt_completion": lambda: pc(prompt, response),
        "cpt_input": lambda: {"input": prompt + response},
        "claude_messages": lambda: {"messages": claude(("user", prompt), ("assistant", response))["messages"]},
        "bedrock_conversation": lambda: {"schemaVersion": CONV, "messages": [user(prompt), assistant(response)]},
    }[record_format]()


TOKEN_QUOTAS = [
    (model, ctype, (s["limits"].get("max_tokens_by_model") or {}).get(model, s["limits"]["max_tokens"]))
    for e, ctype, s in specs()
    if (s.get("limits") or {}).get("max_tokens")
    for model in e["match"]
]


@pytest.mark.parametrize("model,ctype,quota", TOKEN_QUOTAS, ids=[f"{m}-{t}" for m, t, _ in TOKEN_QUOTAS])
def test_token_quota_of_every_model(model, ctype, quota, tmp_path):
    """A record of the model's quota in characters (at rules.json's characters a token) is
    good, one character more is a tokens-max warning (each model's own quota where the family's differ)."""
    chars = int(quota * RULES["chars_per_token"]["value"])
    record_format = spec_of(model, ctype)["record_format"]
    good = check(write(tmp_path, "good.jsonl", [record_of_chars(record_format, chars)]), model, ctype)
    assert [f.rule for f in good if f.line is not None] == []
    bad = check(write(tmp_path, "bad.jsonl", [record_of_chars(record_format, chars + 1)]), model, ctype)
    assert [(f.line, f.rule) for f in bad if f.line is not None] == [(1, "tokens-max")]
    assert f"at most {quota:,}" in bad[0].message


def test_any_schema_version_where_rules_json_says_so(tmp_path, monkeypatch):
    """``any_schema_version`` (Nova's page: "schemaVersion can be any string value"): any
    string is good, anything else is not. On a copy of rules.json with it set for a model."""
    model = pick("bedrock_conversation")
    family = _rules.profile(model).family

    def change(data: Dict[str, Any]) -> None:
        next(e for e in data["models"] if e["family"] == family)["customizations"][FT]["any_schema_version"] = True

    patch_rules(monkeypatch, change)
    lines = [
        conv(schemaVersion="my-own-version"),
        conv(schemaVersion=""),
        conv(schemaVersion=5),
        conv(schemaVersion=None),
    ]
    findings = check(write(tmp_path, "train.jsonl", lines), model)
    assert [(f.line, f.rule) for f in findings if f.line is not None] == [
        (3, "conv-schema-version"),
        (4, "conv-schema-version"),
    ]


def test_distillation_multi_turn_prompts_are_good_where_the_family_takes_them(tmp_path):
    families = [(e, e["match"][0]) for e, t, s in specs() if t == DIST and not single_turn(e)]
    assert families, "rules.json has no multi-turn distillation student"
    for entry, model in families:
        lines = [conv(user(), assistant(), user())] * max(good_lines(model, DIST).__len__(), 1)
        findings = check(write(tmp_path, "train.jsonl", lines), model, DIST)
        assert [str(f) for f in findings if f.rule == "dist-prompt"] == [], entry["family"]


def test_unverified_or_recommended_limits_are_warnings(tmp_path):
    """A limit rules.json marks as from memory (no AWS page) or only recommended by AWS
    is a warning, whatever the rule's severity, and the message says so."""
    unverified = next(
        (e["match"][0], t, s)
        for e, t, s in specs()
        if (s.get("limits") or {}).get("records_confidence") == "memory"
        and (s["limits"].get("training_records") or [None, None])[1]
    )
    model, ctype, spec = unverified
    most = spec["limits"]["training_records"][1]
    findings = check(write(tmp_path, "a.jsonl", [GOOD[spec["record_format"]]] * (most + 1)), model, ctype)
    (hit,) = [f for f in findings if f.line is None and f.rule in ("records-max", "nova-sample-count", "dist-count")]
    assert hit.severity == "warning" and "no AWS page" in hit.message
    recommended = RULES["rules"]["dist-count"].get("min_is_recommendation_for") or ()
    model = next(e["match"][0] for e, t, s in specs() if t == DIST and any(n in e["family"] for n in recommended))
    low = spec_of(model, DIST)["limits"]["training_records"][0]
    findings = check(write(tmp_path, "b.jsonl", [GOOD["distillation_prompts"]] * (low - 1)), model, DIST)
    (hit,) = [f for f in findings if f.rule == "dist-count"]
    assert hit.severity == "warning" and "recommends" in hit.message


@pytest.mark.parametrize(
    "call,error",
    [
        (lambda p: check(p, UNKNOWN_MODEL), LookupError),
        (lambda p: check(p, pick(), "NO_SUCH_TYPE"), ValueError),
        (
            lambda p: check(
                p, pick(), next(t for t in CUSTOMIZATION_TYPES if t not in _rules.profile(pick()).supported)
            ),
            ValueError,
        ),
        (lambda p: check("s3://bc-test-bucket/train.jsonl", pick()), ValueError),
        (lambda p: check(p + ".missing", pick()), OSError),
        (lambda p: check(os.path.dirname(p), pick()), OSError),
    ],
    ids=["unknown-model", "unknown-type", "unsupported-type", "s3-uri", "missing-file", "a-folder"],
)
def test_what_cannot_be_checked_raises(call, error, tmp_path):
    with pytest.raises(error):
        call(write(tmp_path, "train.jsonl", [pc()]))


def test_unknown_model_is_unknown():
    assert _rules.family_of(UNKNOWN_MODEL) is None
    with pytest.raises(LookupError, match="known: "):
        _rules.profile(UNKNOWN_MODEL)


# ---------------------------------------------------------------------------
# 2. Request rules: check_request, and the local Bedrock's create
# ---------------------------------------------------------------------------


class Request(NamedTuple):
    id: str
    params: Dict[str, Any]
    expected: Dict[str, str]  # rule id -> severity of the findings


def teachers(entry: Dict[str, Any], spec: Dict[str, Any], model: str) -> List[str]:
    return list((spec.get("teachers_by_student") or {}).get(model) or spec.get("teachers") or [])


def base_request(entry: Dict[str, Any], ctype: str, spec: Dict[str, Any], model: str) -> Dict[str, Any]:
    params: Dict[str, Any] = {"baseModelIdentifier": model, "customizationType": ctype}
    if ctype == DIST:
        params["customizationConfig"] = {
            "distillationConfig": {
                "teacherModelConfig": {
                    "teacherModelIdentifier": teachers(entry, spec, model)[0],
                    "maxResponseLengthForInference": 1000,
                }
            }
        }
    return params


def out_of_range(spec: Dict[str, Any], bound: float, side: int) -> str:
    """A value one step past ``bound`` (below the minimum: ``side`` 0; above the maximum: 1)."""
    if spec.get("type") == "int":
        return str(bound - 1 if side == 0 else bound + 1)
    if side == 0:
        return repr(bound / 2 if bound > 0 else bound - 0.5)
    return repr(bound * 2 if bound > 0 else bound + 0.5)


def severity(rule_id: str, *, unverified: bool = False) -> str:
    return "warning" if unverified else RULES["rules"][rule_id]["severity"]


def _request_cases() -> List[Request]:
    cases: List[Request] = []

    def add(name: str, params: Dict[str, Any], **expected: str) -> None:
        cases.append(Request(name, params, {k.replace("_", "-"): v for k, v in expected.items()}))

    for entry, ctype, spec in specs():
        hyper = spec.get("hyperparameters") or {}
        by_model = {m for hp in hyper.values() for m in hp.get("max_by_model") or ()}
        for model in dict.fromkeys([entry["match"][0], *sorted(by_model)]):
            slug = f"{model}-{ctype}"
            base = base_request(entry, ctype, spec, model)
            add(f"{slug}-no-hyperparameters", base)
            for name, hp in hyper.items():
                low, high = hp.get("min"), (hp.get("max_by_model") or {}).get(model, hp.get("max"))
                values = {"min": str(low), "max": str(high)}
                values.update({f"accepts-{v}": v for v in hp.get("also_accepts") or ()})
                for what, value in values.items():
                    add(f"{slug}-{name}-{what}", {**base, "hyperParameters": {name: value}})
                for what, value in (("below-min", out_of_range(hp, low, 0)), ("above-max", out_of_range(hp, high, 1))):
                    add(
                        f"{slug}-{name}-{what}",
                        {**base, "hyperParameters": {name: value}},
                        hp_range=severity("hp-range"),
                    )
                for what, value in (
                    ("not-a-number", "lots"),
                    ("empty", ""),
                    ("nan", "nan"),
                    *((("a-fraction", "1.5"),) if hp.get("type") == "int" else ()),
                ):
                    add(
                        f"{slug}-{name}-{what}", {**base, "hyperParameters": {name: value}}, hp_type=severity("hp-type")
                    )
            add(
                f"{slug}-unknown-hyperparameter",
                {**base, "hyperParameters": {"noSuchHyperparameter": "1"}},
                hp_unknown=severity("hp-unknown"),
            )
            validators = {"validationDataConfig": {"validators": [{"s3Uri": "s3://bc-test-bucket/validation.jsonl"}]}}
            if spec.get("validation_data", True):
                add(f"{slug}-validation-data", {**base, **validators})
            else:
                add(
                    f"{slug}-validation-data",
                    {**base, **validators},
                    validation_not_accepted=severity(
                        "validation-not-accepted", unverified=spec.get("validation_data_confidence") == "memory"
                    ),
                )
            if ctype == DIST:
                for teacher in teachers(entry, spec, model):
                    config = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": teacher}}}
                    add(f"{slug}-teacher-{teacher}", {**base, "customizationConfig": config})
                    arn = f"arn:aws:bedrock:{REGION}::foundation-model/{teacher}"
                    config = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": arn}}}
                    add(f"{slug}-teacher-arn-{teacher}", {**base, "customizationConfig": config})
                config = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": model}}}
                add(
                    f"{slug}-teacher-itself",
                    {**base, "customizationConfig": config},
                    teacher_model=severity("teacher-model"),
                )
                add(
                    f"{slug}-no-teacher",
                    {k: v for k, v in base.items() if k != "customizationConfig"},
                    teacher_model=severity("teacher-model"),
                )
        # a customization type the model does not take (the pinned model's enum)
        for ctype_other in CUSTOMIZATION_TYPES:
            if ctype_other not in entry["customizations"] and ctype == next(iter(entry["customizations"])):
                params = {"baseModelIdentifier": entry["match"][0], "customizationType": ctype_other}
                if ctype_other == RFT:
                    params["customizationConfig"] = {
                        "rftConfig": {
                            "graderConfig": {
                                "lambdaGrader": {"lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:grader"}
                            }
                        }
                    }
                add(f"{entry['match'][0]}-{ctype_other}", params, customization_type=severity("customization-type"))
    # a reinforcement fine-tuning job needs a grader (on a model the rules know or not)
    add(
        "rft-no-grader-unknown-model",
        {"baseModelIdentifier": UNKNOWN_MODEL, "customizationType": RFT},
        rft_grader=severity("rft-grader"),
    )
    add(
        "rft-grader-unknown-model",
        {
            "baseModelIdentifier": UNKNOWN_MODEL,
            "customizationType": RFT,
            "customizationConfig": {
                "rftConfig": {
                    "graderConfig": {"lambdaGrader": {"lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:g"}}
                }
            },
        },
    )
    add("unknown-model-anything-goes", {"baseModelIdentifier": UNKNOWN_MODEL, "hyperParameters": {"x": "y"}})
    return cases


REQUEST_CASES = _request_cases()


@pytest.mark.parametrize("case", REQUEST_CASES, ids=[c.id for c in REQUEST_CASES])
def test_request_rules(case):
    findings = check_request(case.params)
    assert {f.rule: f.severity for f in findings} == case.expected, [str(f) for f in findings]
    for f in findings:
        assert f.line is None and f.message and f.source.startswith("https://"), f
    assert findings.ok == all(s != "error" for s in case.expected.values())


def test_request_rules_see_the_foundation_model_of_a_custom_one():
    """``base_model`` (what the local Bedrock passes for a custom base model) overrides the identifier."""
    entry, ctype, spec = next(specs())
    name, hp = next(iter(spec["hyperparameters"].items()))
    params = {
        "baseModelIdentifier": "arn:aws:bedrock:us-east-1:123456789012:custom-model/x/abcdefghijkl",
        "customizationType": ctype,
        "hyperParameters": {name: out_of_range(hp, hp["max"], 1)},
    }
    assert list(check_request(params)) == []
    assert [f.rule for f in check_request(params, base_model=entry["match"][0])] == ["hp-range"]


# The local Bedrock: a sample, one case for each rule (and a good one), through both clients.

with open(os.path.join(os.path.dirname(bc.testing.__file__), "foundation_models.json"), encoding="utf-8") as _f:
    CATALOG = json.load(_f)["models"]


def catalog_id(model: str, ctype: str) -> Optional[str]:
    """The local Bedrock's foundation model customizable by ``ctype`` for a rules.json id."""
    return next(
        (
            m["modelId"]
            for m in CATALOG
            if (m["modelId"] == model or m["modelId"].startswith(model + ":"))
            and ctype in m.get("customizationsSupported", ())
        ),
        None,
    )


def _local_sample() -> List[Request]:
    sample: Dict[str, Request] = {}
    for case in REQUEST_CASES:
        model, ctype = case.params["baseModelIdentifier"], case.params.get("customizationType", FT)
        errors = [r for r, s in case.expected.items() if s == "error"]
        key = errors[0] if len(errors) == 1 else "good" if not case.expected else None
        if key is None or key in sample:
            continue
        found = catalog_id(model, ctype)
        if found is None and key in ("customization-type", "rft-grader"):
            # No model of the catalog takes the type: the local Bedrock refuses it (in its own words)
            # before the rules are asked.
            found = catalog_id(model, FT) or catalog_id(TEXT_MODEL, FT)
        if found is not None:
            sample[key] = case._replace(params={**case.params, "baseModelIdentifier": found})
    return list(sample.values())


LOCAL_SAMPLE = _local_sample()


def full_request(case: Request, tag: str, suffix: str) -> Dict[str, Any]:
    request = job_request(f"{tag}-{suffix}", f"{tag}-model-{suffix}", **case.params)
    if "hyperParameters" not in case.params:
        del request["hyperParameters"]
    return request


@pytest.mark.parametrize("case", LOCAL_SAMPLE, ids=[c.id for c in LOCAL_SAMPLE])
def test_local_bedrock_create_follows_the_request_rules(case, bc_client, boto3_client):
    suffix = uuid.uuid4().hex[:10]
    if not case.expected:
        for tag, client in (("rb3", boto3_client), ("rbc", bc_client)):
            assert client.create_model_customization_job(**full_request(case, tag, suffix))["jobArn"]
        return
    errors = []
    for tag, client in (("rb3", boto3_client), ("rbc", bc_client)):
        with pytest.raises(client.exceptions.ValidationException) as caught:
            client.create_model_customization_job(**full_request(case, tag, suffix))
        errors.append(caught.value.response["Error"])
    assert errors[0] == errors[1]
    model = case.params["baseModelIdentifier"]
    if catalog_id(model, case.params.get("customizationType", FT)) is not None:
        assert errors[1]["Message"] == check_request(case.params).errors[0].message
    else:  # a type the catalog's model does not take: refused by the catalog first, in its words
        assert "does not support" in errors[1]["Message"]


def test_local_bedrock_applies_the_foundation_rules_to_a_custom_base_model():
    """A custom model as the base: the rules of the foundation model it was made from (and the
    customization types of that model, which the catalog does not check for a custom model)."""
    entry, ctype, spec = next(specs())
    model = catalog_id(entry["match"][0], ctype)
    other = next(t for t in CUSTOMIZATION_TYPES if t not in entry["customizations"] and t not in (RFT, "IMPORTED"))
    name, hp = next(iter(spec["hyperparameters"].items()))
    with local_bedrock(region_name=REGION, realtime=False) as endpoint:
        clients = make_boto3_client(endpoint), make_bc_client(endpoint)
        suffix = uuid.uuid4().hex[:10]
        arn = clients[1].create_model_customization_job(
            **job_request(f"c-{suffix}", f"c-model-{suffix}", baseModelIdentifier=model, customizationType=ctype)
        )["jobArn"]
        endpoint.settle()
        custom = clients[1].get_model_customization_job(jobIdentifier=arn)["outputModelArn"]
        for i, changes in enumerate(
            ({"hyperParameters": {name: out_of_range(hp, hp["max"], 1)}}, {"customizationType": other})
        ):
            params = {"baseModelIdentifier": custom, "customizationType": ctype, **changes}
            for tag, client in zip(("cb3", "cbc"), clients):
                request = job_request(f"{tag}-{i}-{suffix}", f"{tag}-model-{i}-{suffix}", **params)
                (expected,) = check_request(request, base_model=model).errors
                with pytest.raises(client.exceptions.ValidationException) as caught:
                    client.create_model_customization_job(**request)
                assert caught.value.response["Error"]["Message"] == expected.message


def test_local_sample_covers_every_request_rule():
    assert {r for c in LOCAL_SAMPLE for r in c.expected} | {"good"} >= {
        r for c in REQUEST_CASES for r, s in c.expected.items() if s == "error"
    }
    assert any(not c.expected for c in LOCAL_SAMPLE)


# ---------------------------------------------------------------------------
# 3. Data in the local Bedrock
# ---------------------------------------------------------------------------

BUCKET = "bc-test-bucket"
TRAINING_URI = job_request("j", "m")["trainingDataConfig"]["s3Uri"]
OUTPUT_URI = job_request("j", "m")["outputDataConfig"]["s3Uri"]
VALIDATION_URI = f"s3://{BUCKET}/validation/data.jsonl"


def s3_path(data_dir: Any, uri: str) -> str:
    return os.path.join(os.fspath(data_dir), *uri[len("s3://") :].split("/"))


def put(data_dir: Any, uri: str, lines: Sequence[Line]) -> None:
    write(os.path.dirname(s3_path(data_dir, uri)), os.path.basename(uri), lines)


@pytest.fixture
def data_bedrock(tmp_path):
    """A local Bedrock whose S3 is ``tmp_path``, its clock still; (endpoint, bc client, boto3 client)."""
    with local_bedrock(region_name=REGION, realtime=False, data_dir=tmp_path) as endpoint:
        yield endpoint, make_bc_client(endpoint), make_boto3_client(endpoint)


def run_job(endpoint, client, **overrides: Any) -> Dict[str, Any]:
    suffix = uuid.uuid4().hex[:10]
    arn = client.create_model_customization_job(**job_request(f"d-{suffix}", f"d-model-{suffix}", **overrides))[
        "jobArn"
    ]
    endpoint.settle()
    return client.get_model_customization_job(jobIdentifier=arn)


def read_csv(path: str) -> Tuple[List[str], List[Dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def test_good_data_completes_and_writes_the_metrics_files(data_bedrock, tmp_path):
    endpoint, client, _ = data_bedrock
    training = good_lines(TEXT_MODEL, FT) * 12
    put(tmp_path, TRAINING_URI, training)
    put(tmp_path, VALIDATION_URI, good_lines(TEXT_MODEL, FT, validation=True) * 3)
    job = run_job(
        endpoint,
        client,
        validationDataConfig={"validators": [{"s3Uri": VALIDATION_URI}]},
        hyperParameters={"epochCount": "2", "batchSize": "4", "learningRate": "0.00001"},
    )
    assert job["status"] == "Completed", job.get("failureMessage")
    assert {d["status"] for d in job["statusDetails"].values()} == {"Completed"}
    layout = RULES["output_artifacts"]
    job_id = job["jobArn"].rsplit("/", 1)[-1]
    expected = (
        ("training", job["trainingMetrics"]["trainingLoss"]),
        ("validation", job["validationMetrics"][0]["validationLoss"]),
    )
    for kind, loss in expected:
        key = layout[f"{kind}_metrics_key"].format(job_id=job_id)
        header, rows = read_csv(s3_path(tmp_path, OUTPUT_URI + key))
        assert header == layout[f"{kind}_columns"]
        assert rows and float(rows[-1][f"{kind}_loss"]) == loss
        steps = [int(r["step_number"]) for r in rows]
        assert steps == sorted(steps) and steps[0] >= 0
    _, rows = read_csv(s3_path(tmp_path, OUTPUT_URI + layout["training_metrics_key"].format(job_id=job_id)))
    assert [int(r["step_number"]) for r in rows] == list(range(len(rows)))  # "step_number starts from 0"
    # the local Bedrock's synthetic steps: epochCount x batches of batchSize of the records it read
    assert len(rows) == 2 * math.ceil(len(training) / 4)


def assert_failed_in_validation(job: Dict[str, Any]) -> str:
    assert job["status"] == "Failed"
    details = job["statusDetails"]
    assert details["validationDetails"]["status"] == "Failed"
    assert details["dataProcessingDetails"]["status"] == "NotStarted"
    assert details["trainingDetails"]["status"] == "NotStarted"
    assert job["endTime"] == details["validationDetails"]["lastModifiedTime"]
    assert "outputModelArn" not in job and "trainingMetrics" not in job
    assert job["failureMessage"]
    return job["failureMessage"]


def test_missing_training_data_fails_the_validation_step(data_bedrock, tmp_path):
    endpoint, client, _ = data_bedrock
    message = assert_failed_in_validation(run_job(endpoint, client))
    bucket, _, key = TRAINING_URI[len("s3://") :].partition("/")
    assert bucket in message and key in message
    assert not os.path.exists(s3_path(tmp_path, OUTPUT_URI))  # no metrics for a failed job


@pytest.mark.parametrize(
    "lines,where",
    [
        # AWS words these itself, naming the file (rules.json failure_messages)
        ([pc(), "{not json", pc()], None),
        ([pc(), {"prompt": "q", "completion": "a", "extra": 1}, ["x"]], None),
        ([pc(), {"prompt": "q"}], None),
        ([pc(), pc(id=1), pc(completion=" "), pc("x" * 30000, "y"), {"prompt": "q"}], None),
        # any other error: the rule (and the line, for a line's)
        ([], ("[records-min]", "no training records")),
    ],
    ids=["not-json", "not-an-object", "no-completion", "after-warnings", "no-records"],
)
def test_a_bad_line_fails_the_validation_step(lines, where, data_bedrock, tmp_path):
    endpoint, client, _ = data_bedrock
    put(tmp_path, TRAINING_URI, lines)
    message = assert_failed_in_validation(run_job(endpoint, client))
    key = TRAINING_URI[len("s3://") :].partition("/")[2]
    if where is None:
        assert key in message
    else:
        assert TRAINING_URI in message and all(w in message for w in where), message


def test_bad_or_missing_validation_data_fails_the_validation_step(data_bedrock, tmp_path):
    endpoint, client, _ = data_bedrock
    put(tmp_path, TRAINING_URI, good_lines(TEXT_MODEL, FT))
    validators = {"validators": [{"s3Uri": VALIDATION_URI}]}
    message = assert_failed_in_validation(run_job(endpoint, client, validationDataConfig=validators))
    assert VALIDATION_URI[len("s3://") :].partition("/")[2] in message
    put(tmp_path, VALIDATION_URI, [pc(), pc(completion=" "), "{"])
    message = assert_failed_in_validation(run_job(endpoint, client, validationDataConfig=validators))
    key = VALIDATION_URI[len("s3://") :].partition("/")[2]
    assert message == f"Unable to parse Amazon S3 file: {key}. Data files must conform to JSONL format."


def test_without_a_data_folder_nothing_is_read():
    with local_bedrock(region_name=REGION, realtime=False) as endpoint:
        job = run_job(endpoint, make_bc_client(endpoint))
    assert job["status"] == "Completed" and "failureMessage" not in job


def test_a_failed_job_reads_the_same_through_boto3_and_bc(data_bedrock):
    endpoint, client, boto3_client = data_bedrock
    suffix = uuid.uuid4().hex[:10]
    pairs = [
        (job_request(f"{tag}-{suffix}", f"{tag}-model-{suffix}"), each)
        for tag, each in (("fb3", boto3_client), ("fbc", client))
    ]
    for request, each in pairs:  # at the same moment of the local Bedrock's clock
        each.create_model_customization_job(**request)
    endpoint.settle()
    views = []
    for request, each in pairs:
        job = each.get_model_customization_job(jobIdentifier=request["jobName"])
        assert_failed_in_validation(job)
        views.append(
            blank_uuids(
                replace_strings(
                    strip_volatile(job), {request["customModelName"]: "<model>", request["jobName"]: "<job>"}
                )
            )
        )
    assert_parity(views[0], views[1])


def test_local_bedrock_command_with_a_data_folder(tmp_path):
    with local_bedrock_process(("--data-dir", str(tmp_path))) as endpoint:
        client = make_bc_client(endpoint)
        put(tmp_path, TRAINING_URI, [pc(), {"prompt": "q"}])
        suffix = uuid.uuid4().hex[:10]
        client.create_model_customization_job(**job_request(f"p-{suffix}", f"p-model-{suffix}"))
        with pytest.raises(bc.exceptions.WaiterError, match="Failed"):
            client.get_waiter("model_customization_job_completed").wait(
                jobIdentifier=f"p-{suffix}", WaiterConfig={"Delay": 0.05, "MaxAttempts": 400}
            )
        job = client.get_model_customization_job(jobIdentifier=f"p-{suffix}")
        assert "must follow" in assert_failed_in_validation(job)


def test_local_bedrock_command_refuses_a_missing_data_folder(tmp_path):
    missing = str(tmp_path / "missing")
    done = subprocess.run(
        [*LOCAL_BEDROCK_COMMAND, "--port", "0", "--data-dir", missing],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert "--data-dir" in done.stderr and missing in done.stderr


def test_local_bedrock_refuses_a_missing_data_folder(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        with local_bedrock(data_dir=tmp_path / "missing"):
            pass


# ---------------------------------------------------------------------------
# 4. bedrock-customization check-training-data
# ---------------------------------------------------------------------------

ERROR_LINE = re.compile(r"^  line (\d+): (error|warning): .+ \[([a-z0-9-]+)\]$")


class Cli(NamedTuple):
    lines: Optional[List[Line]]  # the file (None: no file)
    args: List[str]  # "{file}": its path
    code: int
    out: Tuple[str, ...] = ()
    err: Tuple[str, ...] = ()


CLI_CASES: Dict[str, Cli] = {
    "clean": Cli([pc()] * 3, ["{file}", "--base-model", TEXT_MODEL], 0, ("3 training records", "0 errors, 0 warnings")),
    "warnings-only": Cli(
        [pc(), pc(id=2)],
        ["{file}", "--base-model", TEXT_MODEL],
        0,
        ("line 2: warning: ", "[pc-extra-field]", "0 errors, 1 warning"),
    ),
    "errors": Cli(
        [pc(), "{", {"prompt": "q"}, pc(completion="")],
        ["{file}", "--base-model", TEXT_MODEL],
        1,
        (
            "line 2: error: ",
            "[jsonl-json]",
            "line 3: error: ",
            "[pc-fields]",
            "line 4: warning: ",
            "[pc-empty]",
            "2 errors, 1 warning",
            source_of("jsonl-json"),
        ),
    ),
    "validation": Cli([pc()], ["{file}", "--base-model", TEXT_MODEL, "--validation"], 0, ("1 validation record,",)),
    "validation-not-accepted": Cli(
        [GOOD["image_caption"]],
        ["{file}", "--base-model", CASES["validation-not-accepted"].base_model, "--validation"],
        1,
        ("error: ", "[validation-not-accepted]"),
    ),
    "customization-type": Cli(
        [GOOD["cpt_input"]], ["{file}", "--base-model", pick("cpt_input", CPT), "--customization-type", CPT], 0, (CPT,)
    ),
    "unknown-model": Cli([pc()], ["{file}", "--base-model", UNKNOWN_MODEL], 2, err=(UNKNOWN_MODEL,)),
    "unsupported-type": Cli(
        [pc()], ["{file}", "--base-model", TEXT_MODEL, "--customization-type", DIST], 2, err=("does not support",)
    ),
    "unknown-type": Cli([pc()], ["{file}", "--base-model", TEXT_MODEL, "--customization-type", "NOPE"], 2),
    "missing-file": Cli(None, ["{file}", "--base-model", TEXT_MODEL], 2, err=("cannot read",)),
    "no-base-model": Cli([pc()], ["{file}"], 2, err=("--base-model",)),
    "no-file": Cli(None, ["--base-model", TEXT_MODEL], 2),
    "bad-output": Cli([pc()], ["{file}", "--base-model", TEXT_MODEL, "--output", "yaml"], 2),
}


def cli_args(case: Cli, folder: Any) -> List[str]:
    path = write(folder, "train.jsonl", case.lines) if case.lines is not None else os.path.join(folder, "missing.jsonl")
    return [a.replace("{file}", path) for a in case.args]


def run_in_process(argv: List[str]) -> int:
    try:
        return cli.main(["check-training-data", *argv])
    except SystemExit as e:  # argparse's usage errors
        return int(e.code or 0)


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_check_training_data_command(name, tmp_path, capsys):
    case = CLI_CASES[name]
    assert run_in_process(cli_args(case, tmp_path)) == case.code
    out, err = capsys.readouterr()
    for text in case.out:
        assert text in out, out
    for text in case.err:
        assert text in err, err
    if case.code == 2:
        assert err and "Traceback" not in err
        return
    listed = [ERROR_LINE.match(line) for line in out.splitlines() if line.startswith("  line ")]
    assert all(listed), out
    argv = cli_args(case, tmp_path)
    ctype = argv[argv.index("--customization-type") + 1] if "--customization-type" in argv else FT
    findings = check(argv[0], argv[argv.index("--base-model") + 1], ctype, validation="--validation" in argv)
    assert [(int(m.group(1)), m.group(2), m.group(3)) for m in listed] == [
        (f.line, f.severity, f.rule) for f in findings if f.line is not None
    ]


@pytest.mark.parametrize("name", ["clean", "warnings-only", "errors", "validation-not-accepted"])
def test_check_training_data_json_output(name, tmp_path, capsys):
    case = CLI_CASES[name]
    argv = cli_args(case, tmp_path)
    assert run_in_process([*argv, "--output", "json"]) == case.code
    out = json.loads(capsys.readouterr().out)
    assert {"records", "bytes", "errors", "warnings", "findings"} <= set(out)
    findings = check(argv[0], argv[argv.index("--base-model") + 1], validation="--validation" in argv)
    assert out["records"] == findings.records and out["bytes"] == os.path.getsize(argv[0])
    assert (out["errors"], out["warnings"]) == (len(findings.errors), len(findings.warnings))
    assert out["findings"] == [f.to_dict() for f in findings]
    for item in out["findings"]:
        assert set(item) == {"line", "rule", "severity", "message", "source"}


def test_check_training_data_reads_standard_input(tmp_path, capsys, monkeypatch):
    data = jsonl([pc(), "{", pc()])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert run_in_process(["-", "--base-model", TEXT_MODEL, "--output", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["records"] == 3 and out["bytes"] == len(data)
    assert [(f["line"], f["rule"]) for f in out["findings"]] == [(2, "jsonl-json")]


@pytest.mark.parametrize(
    "name,stdin",
    [("clean", False), ("errors", False), ("unknown-model", False), ("no-base-model", False), ("errors", True)],
)
def test_check_training_data_as_a_process(name, stdin, tmp_path):
    case = CLI_CASES[name]
    argv = cli_args(case, tmp_path)
    data = None
    if stdin:
        with open(argv[0], "rb") as f:
            data = f.read()
        argv[0] = "-"
    done = subprocess.run(
        [sys.executable, "-m", "bedrock_customization", "check-training-data", *argv],
        input=data,
        capture_output=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == case.code, done.stderr
    for text in case.out:
        assert text.encode() in done.stdout
    for text in case.err:
        assert text.encode() in done.stderr


# ---------------------------------------------------------------------------
# 5. Streaming
# ---------------------------------------------------------------------------

MIXED: List[Line] = [
    pc(),
    "",
    "{",
    pc(completion=""),
    ["x"],
    pc(id=1),
    pc("caf\u00e9 \u2603"),
    pc("x" * 30000, "y"),
    pc(),
]


def as_tuple(findings: _check.Findings) -> Tuple[Any, ...]:
    return list(findings), findings.records, findings.bytes


@pytest.mark.parametrize(
    "opener",
    [
        lambda path: open(path, "rb"),
        lambda path: open(path, encoding="utf-8"),
        lambda path: io.BytesIO(open(path, "rb").read()),
        lambda path: io.StringIO(open(path, encoding="utf-8").read()),
        lambda path: io.BufferedReader(io.FileIO(path)),
    ],
    ids=["binary-file", "text-file", "bytes-io", "string-io", "buffered-reader"],
)
def test_a_file_object_reads_as_its_path(opener, tmp_path):
    path = write(tmp_path, "train.jsonl", MIXED)
    expected = check(path, TEXT_MODEL)
    assert {f.rule for f in expected} >= {
        "jsonl-blank-line",
        "jsonl-json",
        "pc-empty",
        "jsonl-object",
        "pc-extra-field",
        "tokens-max",
    }
    with opener(path) as f:
        assert as_tuple(check(f, TEXT_MODEL)) == as_tuple(expected)


def test_a_binary_file_object_reports_bad_utf8_as_its_path(tmp_path):
    path = write(tmp_path, "train.jsonl", [pc(), b'{"prompt": "\xff", "completion": "a"}', pc()])
    with open(path, "rb") as f:
        assert as_tuple(check(f, TEXT_MODEL)) == as_tuple(check(path, TEXT_MODEL))
    assert [(f.line, f.rule) for f in check(path, TEXT_MODEL)] == [(2, "utf8")]


def test_findings_are_capped_per_rule(tmp_path):
    cap = _check.PER_RULE
    lines: List[Line] = ["{"] * (cap + 5) + [pc(completion="")] * 3
    findings = check(write(tmp_path, "train.jsonl", lines), TEXT_MODEL)
    kept = [f for f in findings if f.rule == "jsonl-json"]
    assert [f.line for f in kept] == list(range(1, cap + 1)) + [None]
    summary = kept[-1]
    assert "5 more lines" in summary.message and f"({cap + 5} in all)" in summary.message
    assert (summary.severity, summary.source) == (kept[0].severity, kept[0].source)
    # a rule broken fewer times than the cap: all kept, no summary
    assert [f.line for f in findings if f.rule == "pc-empty"] == list(range(cap + 6, cap + 9))
    assert findings.records == len(lines)


_PEAK_RSS = """
import resource, sys
import bedrock_customization as bc
from bedrock_customization import training_data
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if len(sys.argv) > 1:
    findings = training_data.check(sys.argv[1], sys.argv[2], sys.argv[3])
    print(findings.records, findings.bytes, len(findings))
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_growth_kib(*args: str) -> Tuple[int, List[str]]:
    """How much the peak RSS of a fresh process grows while it checks (KiB; the Rust
    core's memory included, which tracemalloc would not see), and what it printed."""
    out = subprocess.run([sys.executable, "-c", _PEAK_RSS, *args], capture_output=True, text=True, check=True)
    lines = out.stdout.split("\n")
    before, after = map(int, lines[-2].split())
    return after - before, lines[:-2]


def test_memory_stays_flat_for_a_large_file(tmp_path):
    """A ~50 MB file, and one whose line is 80 MB long, are checked in a few MB of peak
    RSS (a fresh process's, before and after the check), the findings capped per rule."""
    model = pick("cpt_input", CPT)
    record = text_of({"input": "Amazon Bedrock customization. " * 33})  # ~1 KB
    chunk = b"".join([record + b"\n"] * 999 + [b"{not json\n"])
    path = os.path.join(tmp_path, "large.jsonl")
    with open(path, "wb") as f:
        for _ in range(50):
            f.write(chunk)
    size = os.path.getsize(path)
    assert size > 50_000_000
    growth, printed = _peak_growth_kib(path, model, CPT)
    assert growth < 24 * 1024, f"peak RSS grew {growth:,} KiB checking a {size:,}-byte file"
    assert printed == [f"50000 {size} {_check.PER_RULE + 1}"]  # 20 kept and the summary of the other 30
    findings = check(path, model, CPT)
    assert findings.records == 50_000 and findings.bytes == size
    bad = [f for f in findings if f.rule == "jsonl-json"]
    assert len(bad) == _check.PER_RULE + 1 and bad[-1].line is None and "(50 in all)" in bad[-1].message
    # one line of 80 MB: counted, reported, not kept in memory
    long_line = os.path.join(tmp_path, "long.jsonl")
    with open(long_line, "wb") as f:
        f.write(b'{"input": "' + b"x" * 80_000_000 + b'"}\n' + record + b"\n")
    growth, printed = _peak_growth_kib(long_line, model, CPT)
    assert growth < 24 * 1024, f"peak RSS grew {growth:,} KiB checking an 80 MB line"
    findings = check(long_line, model, CPT)
    assert findings.records == 2 and [(f.line, f.rule) for f in findings] == [(1, "tokens-max")]


# ----------------------------------------------------------------------------------------
# Edge cases (a review's findings): each failed before its fix
# ----------------------------------------------------------------------------------------

NOVA = pick("bedrock_conversation", FT, check_id="nova-media")


def test_a_custom_model_of_a_custom_model_keeps_the_foundation_rules(data_bedrock, tmp_path):
    """The rules (and the data checks) of the foundation model however deep the chain."""
    endpoint, client, _ = data_bedrock
    put(tmp_path, TRAINING_URI, good_lines(TEXT_MODEL, FT) * 3)
    first = run_job(endpoint, client)
    second = run_job(endpoint, client, baseModelIdentifier=first["outputModelArn"], hyperParameters={})
    assert second["status"] == "Completed", second.get("failureMessage")
    with pytest.raises(client.exceptions.ValidationException, match="epochCount"):
        run_job(endpoint, client, baseModelIdentifier=second["outputModelArn"], hyperParameters={"epochCount": "99"})
    put(tmp_path, TRAINING_URI, [pc(completion=None)])
    assert_failed_in_validation(
        run_job(endpoint, client, baseModelIdentifier=second["outputModelArn"], hyperParameters={})
    )


def test_an_output_location_that_cannot_be_written_fails_the_validation_step(data_bedrock, tmp_path):
    endpoint, client, _ = data_bedrock
    put(tmp_path, TRAINING_URI, good_lines(TEXT_MODEL, FT) * 3)
    blocker = s3_path(tmp_path, OUTPUT_URI).rstrip("/")
    os.makedirs(os.path.dirname(blocker), exist_ok=True)
    with open(blocker, "w") as f:  # a file where the output folder would be
        f.write("x")
    message = assert_failed_in_validation(run_job(endpoint, client))
    assert message.startswith("Amazon S3 perms missing (PutObject): Could not validate PutObject permissions")
    assert message.endswith("/.write_access_check_file.tmp")


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \n"], ids=["empty", "blank-lines", "spaces"])
def test_a_file_without_records_is_an_error(content, tmp_path):
    path = os.path.join(tmp_path, "train.jsonl")
    with open(path, "wb") as f:
        f.write(content)
    findings = check(path, TEXT_MODEL, FT)
    assert not findings.ok and findings.records == 0
    assert [f.rule for f in findings.errors] == ["records-min"]


@pytest.mark.parametrize(
    "teacher",
    [
        "us.amazon.nova-premier-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-premier-v1:0",
    ],
)
def test_a_teacher_through_an_inference_profile(teacher):
    student = next(m for m in spec_of(NOVA, DIST).get("teachers_by_student", {}) if "micro" in m)
    config = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": teacher}}}
    params = {"baseModelIdentifier": student, "customizationType": DIST, "customizationConfig": config}
    assert [f.rule for f in check_request(params)] == []


def test_standard_input_has_no_file_name_to_check(tmp_path, capsys, monkeypatch):
    data = jsonl(good_lines(NOVA, FT))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert run_in_process(["-", "--base-model", NOVA]) == 0, capsys.readouterr().out


def test_a_file_name_that_is_not_utf8(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"train-\xff.jsonl")
    with open(path, "wb") as f:
        f.write(jsonl(good_lines(TEXT_MODEL, FT)))
    assert check(os.fsdecode(path), TEXT_MODEL, FT).ok


def test_a_byte_order_mark_is_named(tmp_path):
    path = os.path.join(tmp_path, "train.jsonl")
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + jsonl(good_lines(TEXT_MODEL, FT)))
    findings = check(path, TEXT_MODEL, FT)
    assert [(f.line, f.rule) for f in findings] == [(1, "jsonl-json")] and "byte-order mark" in findings[0].message
    with open(path, encoding="utf-8-sig") as f:  # a text file that hides it reads as its bytes
        assert as_tuple(check(f, TEXT_MODEL, FT)) == as_tuple(findings)


def test_a_text_file_with_crlf_counts_its_bytes(tmp_path):
    path = os.path.join(tmp_path, "train.jsonl")
    with open(path, "wb") as f:
        f.write(jsonl(good_lines(TEXT_MODEL, FT)).replace(b"\n", b"\r\n"))
    with open(path, encoding="utf-8") as f:
        assert check(f, TEXT_MODEL, FT).bytes == os.path.getsize(path)


def test_lines_breaking_a_rule_are_counted_once_a_line(tmp_path):
    """A record missing both fields is one line of pc-fields (both named), and the totals
    count lines past the cap too."""
    path = os.path.join(tmp_path, "train.jsonl")
    with open(path, "wb") as f:
        f.write(jsonl([{}] * 30))
    findings = check(path, TEXT_MODEL, FT)
    kept = [f for f in findings if f.rule == "pc-fields"]
    assert len(kept) == _check.PER_RULE + 1 and "10 more lines break this rule (30 in all)" in kept[-1].message
    assert '"prompt"' in kept[0].message and '"completion"' in kept[0].message
    assert findings.to_dict()["errors"] == 30


@pytest.mark.parametrize("word", ["auto", "Auto", "AUTO"])
def test_words_a_hyperparameter_takes_are_matched_in_any_case(word):
    entry, ctype, spec = next(
        (e, c, s) for e, c, s in specs() for hp in (s.get("hyperparameters") or {}).values() if hp.get("also_accepts")
    )
    name = next(n for n, hp in spec["hyperparameters"].items() if hp.get("also_accepts"))
    params = {"baseModelIdentifier": entry["match"][0], "customizationType": ctype, "hyperParameters": {name: word}}
    assert [f.rule for f in check_request(params)] == []


@pytest.mark.parametrize("value", ["1_0", "\u0663", "0x10", " 1e400"])
def test_numbers_are_written_in_ascii_digits(value):
    params = {"baseModelIdentifier": TEXT_MODEL, "hyperParameters": {"epochCount": value}}
    assert [f.rule for f in check_request(params)] == ["hp-type"]
