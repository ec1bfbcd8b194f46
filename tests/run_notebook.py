"""Execute one notebook in a fresh kernel; print JSON with the time, the kernel's peak memory and any errors.

    python tests/run_notebook.py NOTEBOOK [--allow-errors] [--out EXECUTED.ipynb]

Run as its own process so that the peak memory read from getrusage(RUSAGE_CHILDREN) is this kernel's.
"""

import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient


class IPCKernelManager(KernelManager):
    """A kernel reached through local sockets (IPC) rather than TCP: private to this machine, and without the
    kernel's warning about unencrypted TCP on every start, which a newcomer would read as a failure."""

    def __init__(self, **kw):
        folder = Path(tempfile.gettempdir()) / "toylands-kernels"
        folder.mkdir(exist_ok=True)
        kw.setdefault("transport", "ipc")
        kw.setdefault("ip", str(folder / uuid.uuid4().hex[:12]))
        super().__init__(**kw)


def client(nb, **kw) -> NotebookClient:
    """An nbclient for ``nb`` on a fresh python3 kernel over IPC."""
    return NotebookClient(nb, kernel_name="python3", kernel_manager_class=IPCKernelManager, **kw)


def main():
    path = Path(sys.argv[1])
    allow = "--allow-errors" in sys.argv
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    error = None
    try:
        client(nb, timeout=300, allow_errors=allow, resources={"metadata": {"path": str(path.parent)}}).execute()
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
