"""examples/pipeline.ipynb runs headless (nbclient, a python3 kernel of this
same Python) without an error: sync client, async client with top-level await,
set_job_status, sync and async waiters."""

from __future__ import annotations

import os
import sys

import nbformat
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, "examples", "pipeline.ipynb")
MARKER = "PIPELINE NOTEBOOK OK"


def text_of(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") in ("execute_result", "display_data"):
        return output.get("data", {}).get("text/plain", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    return ""


def test_pipeline_notebook_runs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [output for cell in code_cells for output in cell.outputs if output.output_type == "error"]
    assert not errors, "\n".join(text_of(e) for e in errors)
    assert all(cell.execution_count for cell in code_cells), "a code cell was not executed"

    outputs = ["".join(text_of(o) for o in cell.outputs) for cell in code_cells]
    # the kernel is this Python (the environment bedrock_customization is installed in)
    assert f"Python environment: {sys.prefix}" in outputs[0], outputs[0]
    assert "local Bedrock: http://127.0.0.1:" in outputs[0]
    assert "async get:" in "".join(outputs) and "sync waiter done:" in "".join(outputs)
    assert MARKER in outputs[-1], outputs[-1]
