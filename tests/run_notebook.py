"""Execute one notebook in a fresh kernel; print JSON with the time, the kernel's peak memory and any errors.

    python tests/run_notebook.py NOTEBOOK [--allow-errors] [--out EXECUTED.ipynb] [--claims CLAIMS.json]

With ``--claims`` (a JSON file ``{"claims": [[sentence, expression], ...], "shortcuts": [[exercise, what, expression],
...], "solutions": {exercise: code}}``), one more cell runs after the notebook, in the same kernel: it evaluates every
claim's expression against the lesson's own variables, hands each shortcut's answer (the expression's value, a tuple
for several answers) to its exercise's check, and audits every exercise the lesson checked (wrong answers refused,
no feedback that shows the answer or its solution's code). Its time is not counted in the lesson's.

Run as its own process so that the peak memory read from getrusage(RUSAGE_CHILDREN) is this kernel's.
"""

import json
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from toylands.site import _kernel_manager_class

MARK = "CLAIMS-JSON:"


def client(nb, **kw) -> NotebookClient:
    """An nbclient for ``nb`` on a fresh python3 kernel over IPC."""
    return NotebookClient(nb, kernel_name="python3", kernel_manager_class=_kernel_manager_class(), **kw)


def claims_cell(spec: dict) -> str:
    return f"""
import json as _json
from toylands.exercises import audit as _audit
_spec = _json.loads({json.dumps(json.dumps(spec))})
_out = {{"claims": [], "audit": []}}
for _sentence, _expression in _spec["claims"]:
    try:
        _value = eval(_expression)
        _ok = bool(_value)
    except Exception as _e:
        _ok = False
        _value = f"{{type(_e).__name__}}: {{_e}}"
    _out["claims"].append([_sentence, _expression, _ok, repr(_value)[:300]])
_out["shortcuts"] = []
from toylands.exercises import evaluate as _evaluate
for _key, _what, _expression in _spec.get("shortcuts", []):
    try:
        _given = eval(_expression)
        _given = _given if isinstance(_given, tuple) else (_given,)
        _accepted, _message = _evaluate(_key, *_given)
    except Exception as _e:
        _accepted, _message = None, f"{{type(_e).__name__}}: {{_e}}"
    _out["shortcuts"].append([_key, _what, _expression, _accepted, _message[:300]])
for _key, _solution in _spec["solutions"].items():
    _out["audit"].extend(_audit(_key, solution=_solution))
import numpy as _np
from toylands.exercises import ANSWERS as _ANSWERS, SPECS as _SPECS
_out["measure"] = sorted(_k for _k in _ANSWERS if _SPECS[_k]["kind"] == "measure")
_out["answers"] = {{}}
for _key, _answers in _ANSWERS.items():
    if not _SPECS[_key]["unique"]:
        continue
    try:
        _v = _np.ravel(_np.asarray(_answers[-1], dtype=float))
        if not isinstance(_answers[-1], (bool, _np.bool_)) and _v.size <= 8 and _np.all(_np.isfinite(_v)):
            _out["answers"][_key] = _v.tolist()
    except (TypeError, ValueError):
        pass
print({MARK!r} + _json.dumps(_out))
"""


def main():
    path = Path(sys.argv[1])
    allow = "--allow-errors" in sys.argv
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    spec = json.loads(Path(sys.argv[sys.argv.index("--claims") + 1]).read_text()) if "--claims" in sys.argv else None
    nb = nbformat.read(path, as_version=4)
    n_cells = len(nb.cells)
    if spec is not None:
        nb.cells.append(nbformat.v4.new_code_cell(claims_cell(spec)))
    t = time.perf_counter()
    error, seconds = None, None
    c = client(nb, timeout=300, allow_errors=allow, resources={"metadata": {"path": str(path.parent)}})
    try:
        with c.setup_kernel():
            for i, cell in enumerate(nb.cells):
                if i == n_cells:
                    seconds = time.perf_counter() - t  # the lesson itself, without the claims
                c.execute_cell(cell, i)
    except Exception as e:  # a cell raised: report which
        error = f"{type(e).__name__}: {str(e)[-1500:]}"
    seconds = seconds if seconds is not None else time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cells, claims = [], None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errs = [o for o in cell.outputs if o.output_type == "error"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.get("name") == "stdout")
        err = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.get("name") == "stderr")
        if i >= n_cells:
            claims = json.loads(text.split(MARK, 1)[1]) if MARK in text else {"error": errs[0]["evalue"] if errs else text}
            continue
        cells.append({"index": i, "source": cell.source, "error": errs[0]["ename"] if errs else None,
                      "evalue": errs[0]["evalue"] if errs else None, "stdout": text, "stderr": err})  # fmt: skip
    if out:
        nb.cells = nb.cells[:n_cells]
        nbformat.write(nb, out)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "error": error, "cells": cells, "claims": claims}))


if __name__ == "__main__":
    main()
