"""A gallery of the whole catalogue: one PNG per landscape, with default optimizers' paths, and an index page."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from . import optim
from ._args import afford, whole
from ._files import OutputError, write_files
from .analysis import stability_threshold
from .landscape import LandscapeError
from .run import race
from .zoo import GROUPS, catalogue, get


def default_race(L, steps: int = 300) -> dict:
    """GD at half its stability threshold and Adam with steps of about 1% of the box, from the landscape's starts."""
    size = float(np.linalg.norm(np.ptp(L.bounds, axis=1)))
    try:
        lr = 0.5 * stability_threshold(L)
    except LandscapeError:
        lr = 0.01
    lr = float(min(lr, 0.05 * size)) if np.isfinite(lr) else 0.01
    return race({f"GD lr={lr:.2g}": optim.gd(lr), f"Adam lr={0.01 * size:.2g}": optim.adam(0.01 * size)}, L, steps=steps)


def write_gallery(outdir, names=None, dpi: int = 80, steps: int = 300, force: bool = False) -> Path:
    """Write ``NAME.png`` for every landscape (2-D sections of higher-dimensional ones) and ``index.html``.

    Every picture is drawn before anything is written; files in ``outdir`` with other contents are
    not replaced unless ``force``. ``dpi`` is a whole number from 10 to 1200 (below, the labels' fonts cannot be
    drawn); the pictures of that resolution must fit in memory.
    """
    dpi = whole("dpi", dpi, 10, high=1200, error=OutputError, unit=" of dots per inch")
    steps = whole("steps", steps, 1, error=OutputError)
    afford(3 * 4 * 11 * 4.2 * dpi**2, f"a gallery picture at dpi={dpi}", "use a smaller dpi", error=OutputError)
    if names is not None and (isinstance(names, str) or not all(isinstance(n, str) for n in names)):
        raise OutputError(f"names must be a list of landscape names, e.g. ['bowl', 'rosenbrock']; got {names!r}")
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from . import plot

    out = Path(outdir)
    names = list(names) if names else [n for group in catalogue().values() for n in group]
    cards = {g: [] for g in GROUPS}
    files: dict[Path, bytes] = {}
    for name in names:
        L = get(name)
        panels = plot.descent(default_race(L.as_2d(), steps), figsize=(11, 4.2))
        buf = io.BytesIO()
        panels.fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(panels.fig)
        files[out / f"{L.name}.png"] = buf.getvalue()
        cards[L.group].append(L)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>toylands gallery</title><style>",
        "body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}figure{margin:1em 0 2em}"
        "img{max-width:100%;border:1px solid #ddd}figcaption{font-size:0.9em;color:#333}code{background:#f4f4f4}",
        "</style></head><body><h1>toylands: the catalogue</h1>",
        "<p>Each map shows the landscape, its declared critical points, and the paths of gradient descent and "
        "Adam from the landscape's default starts. Higher-dimensional landscapes are shown through a 2-D section.</p>",
    ]
    for g, Ls in cards.items():
        if not Ls:
            continue
        parts.append(f"<h2>{html.escape(GROUPS[g])}</h2>")
        for L in Ls:
            parts.append(
                f"<figure id='{L.name}'><img src='{L.name}.png' alt='{L.name}' loading='lazy'>"
                f"<figcaption><b><code>{L.name}</code></b> ({L.dim}-D; {len(L.critical)} declared critical points"
                f"{'; complete' if L.complete else ''}): {html.escape(L.description)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    index = out / "index.html"
    files[index] = "\n".join(parts).encode("utf-8")
    write_files(files, force, "gallery files")
    return index
