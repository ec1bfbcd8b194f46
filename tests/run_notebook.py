"""Execute one notebook in a fresh kernel; print JSON with the time, the kernel's peak memory and any errors.

    python tests/run_notebook.py NOTEBOOK [--allow-errors] [--out EXECUTED.ipynb]

Run as its own process so that the peak memory read from getrusage(RUSAGE_CHILDREN) is this kernel's.
"""

import json
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main():
    path = Path(sys.argv[1])
    allow = "--allow-errors" in sys.argv
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    error = None
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=allow,
                       resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    except Exception as e:  # a cell raised: report which
        error = f"{type(e).__name__}: {str(e)[-1500:]}"
    seconds = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cells = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        errs = [o for o in c.outputs if o.output_type == "error"]
        text = "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream" and o.get("name") == "stdout")
        err = "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream" and o.get("name") == "stderr")
        cells.append({"index": i, "source": c.source, "error": errs[0]["ename"] if errs else None,
                      "evalue": errs[0]["evalue"] if errs else None, "stdout": text, "stderr": err})  # fmt: skip
    if out:
        nbformat.write(nb, out)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "error": error, "cells": cells}))


if __name__ == "__main__":
    main()
