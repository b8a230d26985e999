"""An operation the aws-sdk-bedrock crate lacks is reported by the generator and left
out whole (codegen/model/source.json records the crate's gaps; update_model.py writes them)."""

import json
import os
import shutil
import subprocess
import sys

from conftest import pinned_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_an_operation_the_crate_lacks_is_reported_and_absent(tmp_path):
    tree = tmp_path / "repo"
    shutil.copytree(os.path.join(ROOT, "codegen"), tree / "codegen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(ROOT, "README.md"), tree / "README.md")
    (tree / "python" / "bedrock_customization").mkdir(parents=True)  # waiter.py: its docstring table is generated
    for name in ("waiter.py", "_names.py"):  # _names.py: boto3's names, which the generator loads by path
        shutil.copy(os.path.join(ROOT, "python", "bedrock_customization", name), tree / "python" / "bedrock_customization")
    operations = sorted(pinned_json("service-2.json")["operations"])
    gone = operations[len(operations) // 2]
    source_path = tree / "codegen" / "model" / "source.json"
    source = json.loads(source_path.read_text())
    source["aws_sdk_bedrock"] = {"version": "0.0.0-test", "lacks": [gone]}
    source_path.write_text(json.dumps(source))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, str(tree / "codegen" / "generate.py"), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert f"lacks 1 operation(s), left out: {gone}" in proc.stderr
    sys.path.insert(0, os.path.join(ROOT, "codegen"))
    try:
        from smithy import python_name
    finally:
        sys.path.pop(0)
    name, kept = python_name(gone), python_name(operations[0])
    read = lambda rel: (out / rel).read_text()  # noqa: E731
    # nothing of it is half-wired: no sender, no shape-table entry, no method, no stub, no command
    assert f'"{gone}"' not in read("src/generated/shapes.rs") and f'"{operations[0]}"' in read("src/generated/shapes.rs")
    assert f"fn {name}(" not in read("src/generated/builders.rs") and f"fn {kept}(" in read("src/generated/builders.rs")
    assert f'"{name}"' not in read("python/bedrock_customization/_model.py")
    assert f"def {name}(" not in read("python/bedrock_customization/_client.pyi")
    assert f"`{name}`" not in read("README.md") and f"All {len(operations) - 1} operations" in read("README.md")
