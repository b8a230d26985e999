#!/usr/bin/env python3
"""Refresh the pinned bedrock service model (codegen/model/) from an installed botocore.

Usage:
    python codegen/update_model.py                 # from the botocore this Python imports
    python codegen/update_model.py --from DIR      # from DIR/service-2.json(.gz) and paginators-1.json(.gz)
    python codegen/update_model.py --dry-run       # only print what would change

This is the one deliberate way the model changes: the generator (codegen/generate.py)
and the tests read only the files in codegen/model/, never the installed botocore.
It prints what changed (operations, paginators, members of shapes added or removed,
enum values and constraints changed), the patterns the client cannot use, and what the
`aws-sdk-bedrock` crate in Cargo.lock lacks: operations (recorded in source.json; the
generator leaves them out whole) and members of the model's input, output, error and
nested structures and unions that the crate's types do not have (a lacking input member
would not compile: the generated builders call the crate's setter for every member).
After an update, run `python codegen/generate.py`, pin the matching boto3/botocore/awscli
in constraints.txt, and commit the model, the generated files and the pins together.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (the generator's names and paths)
import service_regex  # noqa: E402  (the model's patterns as the service reads them)

FILES = ("service-2.json", "paginators-1.json")


def read_source(directory: str, name: str) -> bytes:
    """``name`` or ``name.gz`` in a botocore data directory, uncompressed."""
    for candidate, opener in ((name + ".gz", gzip.open), (name, open)):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return f.read()
    raise SystemExit(f"update_model.py: no {name}(.gz) under {directory}")


def installed_botocore() -> tuple:
    try:
        import botocore
    except ImportError:
        raise SystemExit("update_model.py: botocore is not installed; pass --from DIR") from None
    directory = os.path.join(os.path.dirname(botocore.__file__), "data", generate.SERVICE, generate.API_VERSION)
    return directory, botocore.__version__


def members(model: dict) -> dict:
    return {
        name: set(shape.get("members", {}))
        for name, shape in model.get("shapes", {}).items()
        if shape.get("type") == "structure"
    }


def diff_models(old: dict, new: dict, old_pages: dict, new_pages: dict) -> list:
    """Human-readable lines: what the new model adds or removes compared with the old."""
    lines = []
    old_ops, new_ops = set(old.get("operations", {})), set(new.get("operations", {}))
    for op in sorted(new_ops - old_ops):
        lines.append(f"+ operation {op}")
    for op in sorted(old_ops - new_ops):
        lines.append(f"- operation {op}")
    old_p, new_p = old_pages.get("pagination", {}), new_pages.get("pagination", {})
    for op in sorted(set(new_p) - set(old_p)):
        lines.append(f"+ paginator {op}")
    for op in sorted(set(old_p) - set(new_p)):
        lines.append(f"- paginator {op}")
    for op in sorted(set(old_p) & set(new_p)):
        if old_p[op] != new_p[op]:
            lines.append(f"~ paginator {op}: {json.dumps(old_p[op])} -> {json.dumps(new_p[op])}")
    old_m, new_m = members(old), members(new)
    for shape in sorted(set(new_m) - set(old_m)):
        lines.append(f"+ shape {shape}")
    for shape in sorted(set(old_m) - set(new_m)):
        lines.append(f"- shape {shape}")
    for shape in sorted(set(old_m) & set(new_m)):
        for m in sorted(new_m[shape] - old_m[shape]):
            lines.append(f"+ member {shape}.{m}")
        for m in sorted(old_m[shape] - new_m[shape]):
            lines.append(f"- member {shape}.{m}")
    old_s, new_s = old.get("shapes", {}), new.get("shapes", {})
    for shape in sorted(set(old_s) & set(new_s)):
        a, b = old_s[shape], new_s[shape]
        if a.get("type") != b.get("type"):
            lines.append(f"~ shape {shape}: type {a.get('type')} -> {b.get('type')}")
            continue
        added = [v for v in b.get("enum", ()) if v not in a.get("enum", ())]
        removed = [v for v in a.get("enum", ()) if v not in b.get("enum", ())]
        if added or removed:
            lines.append(f"~ enum {shape}: " + ", ".join([f"+{v}" for v in added] + [f"-{v}" for v in removed]))
        for key in CONSTRAINTS:
            if a.get(key) != b.get(key):
                lines.append(f"~ shape {shape}: {key} {json.dumps(a.get(key))} -> {json.dumps(b.get(key))}")
        for m in sorted(set(a.get("members", {})) & set(b.get("members", {}))):
            if a["members"][m]["shape"] != b["members"][m]["shape"]:
                lines.append(f"~ member {shape}.{m}: shape {a['members'][m]['shape']} -> {b['members'][m]['shape']}")
        if set(a.get("required", ())) != set(b.get("required", ())):
            lines.append(f"~ shape {shape}: required {sorted(a.get('required', ()))} -> {sorted(b.get('required', ()))}")
    return lines


CONSTRAINTS = ("pattern", "min", "max")  # what a shape's value is checked against, besides its enum


def pattern_notice(model: dict) -> list:
    """Lines naming the model's patterns the client cannot use (shape, pattern, reason): a
    notice, never a failure; the strict check skips them and says so in its errors."""
    patterns = {name: s["pattern"] for name, s in model.get("shapes", {}).items() if "pattern" in s}
    unusable = service_regex.unusable(patterns)
    if not unusable:
        return [f"every pattern ({len(patterns)}) translates to a Rust regex"]
    lines = [f"notice: {len(unusable)} of {len(patterns)} patterns cannot be used "
             "(the strict check skips them, saying so):"]
    for shape in sorted(unusable):
        lines.append(f"  {shape}: {patterns[shape]!r}: {unusable[shape]}")
    return lines


def crate_source() -> tuple:
    """(version, its src/ directory) of the aws-sdk-bedrock crate in Cargo.lock, or
    (None, why not)."""
    try:
        proc = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=generate.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
        )
    except (OSError, subprocess.CalledProcessError) as e:
        return None, f"cargo metadata failed: {e}"
    for package in json.loads(proc.stdout)["packages"]:
        if package["name"] == "aws-sdk-bedrock":
            return package["version"], os.path.join(os.path.dirname(package["manifest_path"]), "src")
    return None, "aws-sdk-bedrock is not in Cargo.lock"


def crate_operations(src: str) -> set:
    """The rust snake names of the crate's operations (its src/operation/<name>/ modules)."""
    ops_dir = os.path.join(src, "operation")
    return {n for n in os.listdir(ops_dir) if os.path.isdir(os.path.join(ops_dir, n))}


# Items of the crate's (smithy-rs generated, rustfmt'ed) sources: each starts at column 0
# and ends at the first line that is a lone "}".
_ITEM = re.compile(r"^(impl\b[^{]*|pub enum (\w+) )\{\n(.*?)^\}$", re.M | re.S)
_SETTER = re.compile(r"^    pub fn set_(\w+)\(", re.M)
_VARIANT = re.compile(r"^    (\w+)(?:\(|,)", re.M)
_ENUM_VALUE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" => ', re.M)


def crate_types(src: str) -> dict:
    """What the crate's types offer, read from its sources (src/types/, src/types/error/
    and src/operation/<op>/): ``setters`` {builder type: {setter suffixes}} (the fluent
    builders of the operations included), ``variants`` {enum type: {variants}} (unions),
    ``values`` {enum type: {string values}} (string enums)."""
    found = {"setters": {}, "variants": {}, "values": {}}
    for top in ("types", "operation"):
        for directory, _, files in os.walk(os.path.join(src, top)):
            for name in files:
                if not name.endswith(".rs"):
                    continue
                with open(os.path.join(directory, name), encoding="utf-8") as f:
                    text = f.read()
                for match in _ITEM.finditer(text):
                    header, enum, body = match.groups()
                    if enum:
                        found["variants"].setdefault(enum, set()).update(_VARIANT.findall(body))
                        continue
                    header = " ".join(header.split())
                    owner = re.search(r" for (?:[\w:]+::)?(\w+)$", header)
                    if owner:
                        if "From<&str>" in header:
                            found["values"].setdefault(owner.group(1), set()).update(
                                json.loads(f'"{v}"') for v in _ENUM_VALUE.findall(body))
                        continue
                    inherent = re.fullmatch(r"impl (?:[\w:]+::)?(\w+)", header.strip())
                    if inherent:
                        found["setters"].setdefault(inherent.group(1), set()).update(_SETTER.findall(body))
    return found


def crate_gaps(model: dict, lacking_ops, types: dict) -> tuple:
    """(members, values): the model's members the crate's types lack, as
    ``(where, "Shape.member", why)`` with where "input", "output", "error", "nested input"
    (the generated builders build those and "input") or "nested output", and the enum
    values the crate's enums lack (``"Shape": [values]``; those are still sent and
    read as strings, the crate keeps an unknown value as it is)."""
    shapes = model["shapes"]
    ops = [op for name, op in sorted(model["operations"].items()) if name not in set(lacking_ops)]
    setters, variants, values = types["setters"], types["variants"], types["values"]
    gaps = []

    def check(shape_name: str, rust: str, where: str, union: bool = False):
        shape = shapes[shape_name]
        have = (variants if union else setters).get(rust)
        for member in shape.get("members", {}):
            expected = generate.union_variant(member) if union else generate.rust_snake(member)
            if have is None:
                gaps.append((where, f"{shape_name}.{member}", f"no type {rust}"))
            elif expected not in have:
                kind = "variant" if union else "setter set_"
                gaps.append((where, f"{shape_name}.{member}", f"{rust} has no {kind}{expected}"))

    roots = {}
    for op in ops:
        pascal = generate.rust_pascal(op["name"])
        roots[op["input"]["shape"]] = ("input", f"{pascal}FluentBuilder")
        roots[op["output"]["shape"]] = ("output", f"{pascal}OutputBuilder")
    errors = sorted(n for n, s in shapes.items() if s.get("exception"))
    for shape_name, (where, rust) in sorted(roots.items()):
        check(shape_name, rust, where)
    for shape_name in errors:
        check(shape_name, f"{generate.rust_pascal(shape_name)}Builder", "error")

    def nested(root_names) -> set:
        return generate.closure(shapes, [r for root in root_names for r in generate.shape_refs(shapes[root])])

    built = nested([op["input"]["shape"] for op in ops])  # what the generated builders build
    missing_values = {}
    for shape_name in sorted(nested(list(roots) + errors)):
        shape = shapes[shape_name]
        rust = generate.rust_pascal(shape_name)
        where = "nested input" if shape_name in built else "nested output"
        if shape.get("type") == "structure" and not shape.get("document") and shape_name not in roots:
            if shape.get("union"):
                check(shape_name, rust, where, union=True)
            else:
                check(shape_name, f"{rust}Builder", where)
        elif shape.get("type") == "string" and "enum" in shape:
            lacked = [v for v in shape["enum"] if v not in values.get(rust, ())]
            if lacked:
                missing_values[shape_name] = lacked
    return gaps, missing_values


def member_report(model: dict, lacking_ops, types: dict) -> list:
    """Lines naming the members (and enum values) of the generated operations' shapes
    that the crate's types lack."""
    gaps, values = crate_gaps(model, lacking_ops, types)
    lines = []
    if not gaps:
        lines.append("  and every member of their input, output, error and nested structures and unions")
    else:
        lines.append(f"  and lacks {len(gaps)} member(s):")
        lines.extend(f"  {where} {member}: {why}" for where, member, why in gaps)
        if any(where in ("input", "nested input") for where, _, _ in gaps):
            lines.append("  error: the generated builders set every input member: they would not compile "
                         "with this crate (take an older model or a newer crate)")
    if values:
        lines.append(f"  its enums lack {sum(map(len, values.values()))} value(s) "
                     "(sent and read as strings all the same):")
        lines.extend(f"  {shape}: {', '.join(v)}" for shape, v in sorted(values.items()))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", metavar="DIR",
                        help="a botocore data directory (default: the installed botocore's)")
    parser.add_argument("--botocore-version", help="version to record (default: the installed botocore's)")
    parser.add_argument("--dest", default=generate.MODEL_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--no-crate", action="store_true", help="skip the aws-sdk-bedrock crate check")
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    args = parser.parse_args(argv)

    if args.source:
        directory, version = args.source, args.botocore_version or "unknown"
    else:
        directory, version = installed_botocore()
        version = args.botocore_version or version
    new_bytes = {name: read_source(directory, name) for name in FILES}
    new_model = json.loads(new_bytes["service-2.json"])
    new_pages = json.loads(new_bytes["paginators-1.json"])

    try:
        old_model, old_pages, old_source = generate.load_pinned(args.dest)
    except SystemExit:
        old_model, old_pages, old_source = {}, {}, {}
    print(f"botocore {old_source.get('botocore', 'none')} -> {version}")
    if old_model:
        changes = diff_models(old_model, new_model, old_pages, new_pages)
        print("\n".join(changes) if changes else "no operation, paginator or member changed")
    else:
        print(f"no pinned model yet: {len(new_model['operations'])} operations")
    print("\n".join(pattern_notice(new_model)))

    missing = []
    crate_version = None
    if not args.no_crate:
        crate_version, src = crate_source()
        if crate_version is None:
            print(f"warning: cannot check the crate ({src})")
        else:
            crate_ops = crate_operations(src)
            missing = sorted(op for op in new_model["operations"] if generate.rust_snake(op) not in crate_ops)
            print(f"aws-sdk-bedrock {crate_version}: "
                  + (f"lacks {len(missing)} operation(s): {', '.join(missing)}" if missing else "has every operation"))
            print("\n".join(member_report(new_model, missing, crate_types(src))))

    if args.dry_run:
        return 0
    os.makedirs(args.dest, exist_ok=True)
    for name, data in new_bytes.items():
        with open(os.path.join(args.dest, name), "wb") as f:
            f.write(data)
    source = {
        "service": generate.SERVICE,
        "api_version": new_model.get("metadata", {}).get("apiVersion", generate.API_VERSION),
        "botocore": version,
        "operations": len(new_model["operations"]),
        "updated": datetime.date.today().isoformat(),
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in new_bytes.items()},
    }
    if not args.no_crate and crate_version is not None:
        # read by generate.py: these operations are left out of the client whole
        source["aws_sdk_bedrock"] = {"version": crate_version, "lacks": missing}
    elif "aws_sdk_bedrock" in old_source:
        source["aws_sdk_bedrock"] = old_source["aws_sdk_bedrock"]
    with open(os.path.join(args.dest, generate.SOURCE_JSON), "w", encoding="utf-8") as f:
        json.dump(source, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(args.dest, generate.ROOT)}; now run `python codegen/generate.py`"
          " and pin the matching boto3/botocore/awscli in constraints.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
