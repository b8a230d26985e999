#!/usr/bin/env python3
"""Refresh the pinned bedrock service model (codegen/model/) from an installed botocore.

Usage:
    python codegen/update_model.py                 # from the botocore this Python imports
    python codegen/update_model.py --from DIR      # from DIR/service-2.json(.gz) and paginators-1.json(.gz)
    python codegen/update_model.py --dry-run       # only print what would change

This is the one deliberate way the model changes: the generator (codegen/generate.py)
and the tests read only the files in codegen/model/, never the installed botocore.
It prints what changed (operations, paginators, and members of shapes added or
removed) and the operations the `aws-sdk-bedrock` crate in Cargo.lock lacks. After an
update, run `python codegen/generate.py`, pin the matching boto3/botocore/awscli in
constraints.txt, and commit the model, the generated files and the pins together.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import os
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
    return lines


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


def crate_operations() -> tuple:
    """(version, {rust snake names of the operations}) of the aws-sdk-bedrock crate in Cargo.lock."""
    try:
        proc = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=generate.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
        )
    except (OSError, subprocess.CalledProcessError) as e:
        return None, f"cargo metadata failed: {e}"
    for package in json.loads(proc.stdout)["packages"]:
        if package["name"] == "aws-sdk-bedrock":
            ops_dir = os.path.join(os.path.dirname(package["manifest_path"]), "src", "operation")
            names = {n for n in os.listdir(ops_dir) if os.path.isdir(os.path.join(ops_dir, n))}
            return package["version"], names
    return None, "aws-sdk-bedrock is not in Cargo.lock"


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
        crate_version, crate_ops = crate_operations()
        if crate_version is None:
            print(f"warning: cannot check the crate ({crate_ops})")
        else:
            missing = sorted(op for op in new_model["operations"] if generate.rust_snake(op) not in crate_ops)
            print(f"aws-sdk-bedrock {crate_version}: "
                  + (f"lacks {len(missing)} operation(s): {', '.join(missing)}" if missing else "has every operation"))

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
