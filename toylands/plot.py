"""Pictures of landscapes, runs and analyses. Every function takes ``ax=None`` and returns what it drew.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import toylands as tl
    >>> from toylands import plot
    >>> drawn = plot.landscape_map(tl.himmelblau)
    >>> sorted(drawn.markers)
    ['global', 'max', 'saddle']

No function touches pyplot's global state except to make a figure when no ``ax`` is given.
Colours: viridis for heights and colour-blind-safe palettes (Okabe & Ito; Tol) for paths and
marks. Each optimizer has one colour, decided in one place (``color_of``) and used by every
picture, animation and widget, so that a legend reads the same across the course.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.transforms import offset_copy

from .landscape import Landscape
from .run import Trajectory, number
from .zoo import get

__all__ = [
    "roughness",
    "pruning",
    "transfer",
    "layer_gradients",
    "PALETTE",
    "OPTIMIZER_COLORS",
    "MARKS",
    "color_of",
    "RunStyle",
    "run_styles",
    "course_style",
    "levels_for",
    "landscape_map",
    "surface",
    "slice_1d",
    "gradient_field",
    "hessian_directions",
    "paths",
    "loss_curves",
    "grad_norm_curves",
    "descent",
    "race",
    "small_multiples",
    "sweep",
    "edge_of_stability",
    "phase_diagram",
    "basins_map",
    "escape",
    "curvature_map",
    "curves",
    "decision_regions",
    "class_probability",
    "spectrum",
    "sharpness",
    "addition_table",
    "grokking",
    "neuron_order",
    "neuron_spectra",
    "neuron_waves",
    "chaos_phase_diagram",
    "trainability",
    "tempered_posterior",
    "learning_coefficients",
    "PlotError",
]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ["#E69F00", "#56B4E9", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#F0E442", "#000000"]

#: One colour per optimizer name, across the whole course (Okabe & Ito first, then Paul Tol's muted set).
OPTIMIZER_COLORS = {
    "GD": "#000000",
    "SGD": "#777777",
    "Momentum": "#0072B2",
    "Nesterov": "#56B4E9",
    "AdaGrad": "#009E73",
    "RMSprop": "#CC79A7",
    "Adam": "#E69F00",
    "AdamW": "#D55E00",
    "AMSGrad": "#882255",
    "Lion": "#DDCC77",
    "Newton": "#332288",
    "Saddle-free Newton": "#44AA99",
    "NAdam": "#AA4499",
    "RAdam": "#117733",
    "Adamax": "#999933",
    "Adadelta": "#88CCEE",
    "Rprop": "#661100",
    "L-BFGS": "#6699CC",
    "gradient flow": "#FFFFFF",  # dashed, with a dark rim (see halo)
}
#: Colours for runs of one optimizer that differ by a hyperparameter (ordered: small to large, say).
VARIANT_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255"]
LINESTYLES = ["-", "--", ":", "-."]

#: How each kind of critical point is marked: (marker, face colour, size, legend label).
MARKS = {
    "global": ("*", "#F0E442", 17, "global minimum"),
    "min": ("o", "#FFFFFF", 9, "minimum"),
    "saddle": ("X", "#E69F00", 10, "saddle"),
    "max": ("^", "#D55E00", 10, "maximum"),
    "degenerate": ("D", "#CC79A7", 8, "degenerate"),
}
#: The shapes of a view's marked points (a plane's "start", "end", the solutions it passes through), in order.
MARK_SHAPES = ["P", "s", "D", "v", "h"]
#: How declared sets of critical points are drawn, by kind: (colour, legend label).
SET_STYLES = {
    "min": ("#FFFFFF", "connected minima"),
    "saddle": ("#E69F00", "line of saddles"),
    "degenerate": ("#CC79A7", "degenerate critical points"),
    "max": ("#D55E00", "connected maxima"),
}


class PlotError(ValueError):
    """A picture was asked for that cannot be drawn as asked."""


def course_style(dpi: int = 88):
    """Settings for notebooks, asked for explicitly (the lessons call it): figures at ``dpi`` with text of at
    least 10 pt (12 px), so that an 11-inch figure (968 px) fits JupyterLab's output area in a 1400-px-wide window
    with the file browser open (ipympl canvases do not shrink to fit), and no warning about many figures. The
    widgets' figures follow the same dpi."""
    plt.rcParams.update({
        "figure.dpi": dpi, "figure.max_open_warning": 0, "font.size": 11, "axes.titlesize": 12,
        "axes.labelsize": 11, "legend.fontsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10,
        "legend.title_fontsize": 10,
    })  # fmt: skip


def _ax(ax, figsize=(6.0, 4.8), **kw):
    if ax is not None:
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(**kw)


def _two_d(landscape) -> Landscape:
    landscape = get(landscape)
    if landscape.dim != 2:
        raise PlotError(
            f"{landscape.name!r} is {landscape.dim}-D and a map shows two coordinates: draw a 2-D slice, e.g. "
            f"landscape.as_2d() or landscape.section(dims=(0, 1)), or slice_1d for a line through it"
        )
    return landscape


def _axis_labels(ax, L: Landscape):
    ax.set(xlabel=f"${L.labels[0]}$", ylabel=f"${L.labels[1]}$")


HALO = [patheffects.withStroke(linewidth=4.2, foreground="white", alpha=0.85)]
DARK_HALO = [patheffects.withStroke(linewidth=4.2, foreground="black", alpha=0.85)]


def halo(color: str) -> list:
    """A path effect that keeps a line visible on any map and in its legend: a white rim, black for white lines."""
    return DARK_HALO if mcolors.to_hex(color).lower() in ("#ffffff", "#f0e442", "#ddcc77") else HALO


def legend_below(ax, handles=None, labels=None, ncol: int | None = None):
    """A legend under the axes, where it cannot cover a marker or a path."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles, strict=True))
    if not uniq:
        return None
    ncol = ncol or (min(len(uniq), 3) if sum(map(len, uniq)) <= 48 else min(len(uniq), 2))
    # a fixed distance under the axes, past the tick labels and the axis label, whatever the axes' height
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-(14 + 2.6 * plt.rcParams["font.size"]), units="points")
    return ax.legend(uniq.values(), uniq.keys(), loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                     ncol=ncol, frameon=False, handlelength=2.2)  # fmt: skip


### Colours and labels of runs: decided here, once


def color_of(name: str) -> str | None:
    """The colour of an optimizer by name (``"Adam"``, ``"RMSprop (centered)"``, ``"SGD (batch 8)"`` ...), or None."""
    if name in OPTIMIZER_COLORS:
        return OPTIMIZER_COLORS[name]
    base = sorted((k for k in OPTIMIZER_COLORS if name.startswith(k + " ") or name.startswith(k + "(")), key=len)
    return OPTIMIZER_COLORS[base[-1]] if base else None


class RunStyle(NamedTuple):
    """How one run of one trajectory is drawn: its colour, line style and legend label (None: no entry)."""

    trajectory: Trajectory
    run: int
    color: str
    linestyle: str
    label: str | None


def run_labels(tr: Trajectory) -> list[str] | None:
    """``['lr=0.1', 'lr=0.2', ...]`` when the runs differ by hyperparameters (at most 8 runs), else None."""
    varying = {k: np.ravel(v) for k, v in tr.hyper.items() if np.ndim(v) and np.size(v) == tr.runs and np.ptp(np.ravel(v)) > 0}
    if not varying or tr.runs > 8:
        return None
    return [", ".join(f"{k}={number(v[b])}" for k, v in varying.items()) for b in range(tr.runs)]


def start_labels(tr: Trajectory) -> list[str] | None:
    """``['from (-5, -4)', 'from (-4, 4)']`` for a few runs (2 to 8) of one optimizer from different starts, else None."""
    if not 2 <= tr.runs <= 8 or len({tuple(p) for p in tr.positions[0]}) < tr.runs:
        return None
    from .run import point

    return [f"from {point(p)}" for p in tr.positions[0]]


def run_styles(traj, colors=None) -> list[RunStyle]:
    """The style of every run: the one place that decides colours and labels for plots, animations and widgets.

    - Several trajectories (a race): one colour per optimizer name (``color_of``); two entries of the
      same optimizer keep its colour and differ by line style. One legend entry per trajectory.
    - One trajectory whose runs differ by a hyperparameter (a fan of learning rates): one colour per
      run, labelled ``lr=0.1`` ...
    - One trajectory from a few starts (2 to 8): one colour per run, labelled ``from (x, y)``; from more
      starts, its optimizer's colour for every run and one legend entry.
    """
    runs = _runs(traj)
    out = []
    per_run = len(runs) == 1 and (run_labels(runs[0][1]) or start_labels(runs[0][1]))
    seen: dict[str, int] = {}
    for k, (name, tr) in enumerate(runs):
        own = color_of(tr.name) or color_of(name or "")
        if colors is not None:
            color = colors[k % len(colors)]
        else:
            color = own or VARIANT_COLORS[k % len(VARIANT_COLORS)]
        ls = LINESTYLES[seen.get(color, 0) % len(LINESTYLES)]
        seen[color] = seen.get(color, 0) + 1
        if tr.name == "gradient flow":  # the continuous path: dashed, whatever its colour
            ls = "--"
        for b in range(tr.runs):
            if per_run:
                c = (colors or VARIANT_COLORS)[b % len(colors or VARIANT_COLORS)]
                out.append(RunStyle(tr, b, c, "-", f"{name} {per_run[b]}".strip()))
            else:
                out.append(RunStyle(tr, b, color, ls, (name or tr.name or None) if b == 0 else None))
    return out


def _runs(traj) -> list[tuple[str, Trajectory]]:
    if isinstance(traj, Trajectory):
        return [(traj.name, traj)]
    if isinstance(traj, dict):
        return list(traj.items())
    if isinstance(traj, (list, tuple)):
        return [(t.name, t) for t in traj]
    raise PlotError(f"expected a Trajectory, or a dict of them from tl.race; got {type(traj).__name__}")


def _check_traj(traj: Trajectory, landscape: Landscape):
    if traj.positions.size == 0 or traj.runs == 0:
        raise PlotError("the trajectory is empty: it has no runs to draw")
    if traj.positions.shape[-1] != landscape.dim:
        raise PlotError(
            f"the trajectory has {traj.positions.shape[-1]} coordinates but the map of {landscape.name!r} has "
            f"{landscape.dim}: was it run on another landscape?"
        )


### Landscape views


def levels_for(Z: np.ndarray, n: int = 24, log: bool | None = None) -> tuple[np.ndarray, bool]:
    """Contour levels for heights ``Z``: log-spaced above the minimum when the heights span decades.

    Returns ``(levels, log)``. With ``log=None`` the choice is automatic: log levels when the
    90th percentile lies more than 30 times further above the minimum than the 10th does,
    as in ravines whose floor would otherwise be one flat colour.
    """
    z = Z[np.isfinite(Z)]
    if z.size == 0:
        raise PlotError("the landscape is not finite anywhere in the box")
    lo, hi = float(z.min()), float(z.max())
    if hi <= lo:
        return np.linspace(lo - 1, lo + 1, 3), False
    q10, q90 = np.percentile(z - lo, [10, 90])
    if log is None:
        log = q90 > 30 * max(q10, 1e-12 * (hi - lo))
    if not log:
        return np.linspace(lo, hi, n + 1), False
    floor = max(np.percentile(z - lo, 0.5), 1e-6 * (hi - lo))
    return lo + np.concatenate([[0.0], np.geomspace(floor, hi - lo, n)]), True


class MapArtists(NamedTuple):
    filled: object
    lines: object
    colorbar: object
    markers: dict
    sets: list
    ax: object


def landscape_map(
    landscape,
    ax=None,
    *,
    n: int = 300,
    levels: int = 24,
    log: bool | None = None,
    cmap: str = "viridis",
    critical: bool = True,
    sets: bool = True,
    colorbar: bool = True,
    legend: bool = True,
    bounds=None,
    title: str | bool = True,
) -> MapArtists:
    """Filled contours with contour lines, critical points marked by kind and connected sets of them as curves.

    Levels are log-spaced above the minimum where the heights span decades (see ``levels_for``);
    the colour bar then shows the real heights at evenly spaced level steps, so it does not lie.
    The axes are named after the landscape's coordinates; the legend sits under the map.
    """
    L = _two_d(landscape)
    ax = _ax(ax)
    X, Y, Z = L.grid(n, bounds)
    lv, is_log = levels_for(Z, levels, L.log_scale if log is None else log)
    norm = mcolors.BoundaryNorm(lv, plt.get_cmap(cmap).N)
    Zc = np.clip(np.where(np.isfinite(Z), Z, lv[-1]), lv[0], lv[-1])
    filled = ax.contourf(X, Y, Zc, levels=lv, cmap=cmap, norm=norm, zorder=0)
    lines = ax.contour(X, Y, Zc, levels=lv[1::2], colors="k", linewidths=0.4, alpha=0.35, zorder=1)
    cb = None
    if colorbar:
        cb = ax.figure.colorbar(filled, ax=ax, shrink=0.9, pad=0.02)
        cb.set_label("loss (log-spaced levels)" if is_log else "loss")
        ticks = lv[:: max(1, len(lv) // 6)]
        cb.set_ticks(ticks, labels=tick_labels(ticks, 1e-9 * (lv[-1] - lv[0])))
    drawn_sets = []
    if sets:
        for s in L.critical_sets:
            color, label = SET_STYLES[s.kind]
            pts = s.points(400)
            (line,) = ax.plot(pts[:, 0], pts[:, 1], color=color, lw=2.4, ls="--", zorder=3, label=label,
                              path_effects=[patheffects.withStroke(linewidth=4, foreground="black", alpha=0.5)])  # fmt: skip
            drawn_sets.append(line)
    markers = {}
    if critical:
        markers = critical_markers(L, ax)
    for k, (label, x) in enumerate(L.marks):  # told apart by shape, in white: no colour of a path or a run is taken
        shape = MARK_SHAPES[k % len(MARK_SHAPES)]
        (markers[label],) = ax.plot(*x, shape, ms=12 if shape == "P" else 10, mfc="#FFFFFF", mec="black", mew=1.5, zorder=6,
                                    label=label)  # fmt: skip
    (x0, x1), (y0, y1) = np.asarray(bounds if bounds is not None else L.bounds)
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    _axis_labels(ax, L)
    ax.set_aspect("equal" if 0.5 < (y1 - y0) / (x1 - x0) < 2 else "auto")
    if title:
        ax.set_title(map_title(L) if title is True else title)
    if legend and (markers or drawn_sets):
        legend_below(ax)
    return MapArtists(filled, lines, cb, markers, drawn_sets, ax)


def map_title(L: Landscape) -> str:
    """A map's title: the landscape's name, and for a section of a larger one, the plane it shows."""
    if "section" in L.tags and "[" in L.name:
        base = L.name.split("[", 1)[0]
        return f"{base}: the plane of ${L.labels[0]}$ and ${L.labels[1]}$"
    return L.name


def tick_labels(ticks, tiny: float = 0.0) -> list[str]:
    """Labels for tick values with as few significant digits as keep them apart (3 at least)."""
    for digits in range(3, 10):
        labels = ["0" if abs(t) <= tiny else f"{t:.{digits}g}" for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def critical_markers(landscape: Landscape, ax, zorder: int = 5, most: int = 40) -> dict:
    """Mark the declared critical points by kind; returns ``{kind: Line2D}`` (``global`` apart).

    Where more than ``most`` are declared (Rastrigin has 441), only the minima are marked, so
    that the map stays readable.
    """
    out = {}
    groups: dict[str, list] = {}
    shown = landscape.critical
    crowded = len(shown) > most
    if crowded:
        shown = [c for c in shown if c.kind == "min" or c.is_global]
    for c in shown:
        groups.setdefault("global" if c.is_global else c.kind, []).append(c.x)
    for kind in MARKS:
        if kind not in groups:
            continue
        marker, face, size, label = MARKS[kind]
        size = size * 0.6 if crowded and kind != "global" else size
        xy = np.array(groups[kind])
        (out[kind],) = ax.plot(
            xy[:, 0],
            xy[:, 1],
            ls="none",
            marker=marker,
            ms=size,
            mfc=face,
            mec="black",
            mew=1.0,
            zorder=zorder,
            label=label,
        )
    return out


def surface(landscape, ax=None, *, n: int = 120, log: bool | None = None, cmap: str = "viridis", stride: int = 1):
    """A 3-D surface of the landscape (log-compressed heights for ravines); returns the surface artist."""
    L = _two_d(landscape)
    if ax is None:
        fig = plt.figure(figsize=(6.0, 4.8), layout="constrained")
        ax = fig.add_subplot(projection="3d")
    X, Y, Z = L.grid(n)
    _, is_log = levels_for(Z, log=L.log_scale if log is None else log)
    H = np.log10(Z - np.nanmin(Z) + 1e-3 * (np.nanmax(Z) - np.nanmin(Z))) if is_log else Z
    surf = ax.plot_surface(X, Y, H, cmap=cmap, rstride=stride, cstride=stride, linewidth=0, antialiased=True)
    _axis_labels(ax, L)
    ax.set(zlabel="log10(loss - min)" if is_log else "loss", title=L.name)
    return surf


def slice_1d(landscape, point=None, direction=None, ax=None, *, span: float | None = None, n: int = 401, **kw):
    """The loss along the line ``point + t * direction`` (any dimension); returns the Line2D.

    ``point`` defaults to the global minimum, ``direction`` to the Hessian's sharpest direction there.
    """
    L = get(landscape)
    gm = L.global_minimum
    point = L.as_points(gm.x if point is None and gm else (L.starts[0] if point is None else point), "point")
    if direction is None:
        from .analysis import hessian_eig

        direction = hessian_eig(L, point)[1][:, -1]
    d = L.as_points(direction, "direction")
    if not np.linalg.norm(d) > 0:
        raise PlotError("direction must not be zero")
    d = d / np.linalg.norm(d)
    span = span or 0.5 * float(np.min(np.ptp(L.bounds, axis=1)))
    t = np.linspace(-span, span, n)
    with np.errstate(all="ignore"):
        v = L.f(point + t[:, None] * d)
    ax = _ax(ax, figsize=(5.0, 3.2))
    (line,) = ax.plot(t, v, **{"color": PALETTE[5], "lw": 2, **kw})
    ax.set(xlabel="$t$ along the direction", ylabel="loss", title=f"{L.name}: a 1-D slice")
    return line


def gradient_field(landscape, ax=None, *, n: int = 21, kind: str = "arrows", color: str = "white"):
    """The downhill direction ``-grad f`` as arrows (normalized: length is direction only) or streamlines."""
    L = _two_d(landscape)
    ax = _ax(ax)
    (x0, x1), (y0, y1) = L.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        G = -L.grad_raw(np.stack([X, Y], -1))
    if kind == "stream":
        speed = np.log1p(np.hypot(G[..., 0], G[..., 1]))
        return ax.streamplot(X, Y, G[..., 0], G[..., 1], color=color, density=1.2, linewidth=0.4 + speed / speed.max(), zorder=2)
    if kind != "arrows":
        raise PlotError(f"kind must be 'arrows' or 'stream'; got {kind!r}")
    norm = np.hypot(G[..., 0], G[..., 1])
    U, V = (G[..., i] / np.where(norm > 0, norm, 1) for i in (0, 1))
    return ax.quiver(X, Y, U, V, color=color, alpha=0.8, angles="xy", scale=n * 1.4, width=0.003, zorder=2)


def hessian_directions(landscape, x, ax=None, *, length: float | None = None):
    """Arrows along the Hessian's eigenvectors at ``x``: solid where it curves up, dashed where down."""
    from .analysis import hessian_eig

    L = _two_d(landscape)
    ax = _ax(ax)
    x = L.as_points(x, "x")
    lam, V = hessian_eig(L, x)
    length = length or 0.12 * float(np.min(np.ptp(L.bounds, axis=1)))
    out = []
    for k in range(2):
        d = V[:, k] * length
        up = lam[k] > 0
        color = PALETTE[3] if up else PALETTE[2]
        for s in (1, -1):
            out.append(
                ax.annotate(
                    "", x + s * d, x, arrowprops=dict(arrowstyle="-|>", color=color, lw=2, ls="-" if up else "--"), zorder=6
                )  # fmt: skip
            )
        out.append(
            ax.text(
                *(x + 1.15 * d),
                f"$\\lambda$={lam[k]:.3g}",
                color=color,
                fontsize=10,
                zorder=6,
                bbox=dict(fc="white", ec="none", alpha=0.8, pad=1),
            )  # fmt: skip
        )
    return out


### Runs


class PathArtists(NamedTuple):
    lines: list
    starts: list
    ends: list
    diverged: list


def paths(traj, ax=None, *, landscape=None, colors=None, label=None, lw: float = 2.0, every: int = 1,
          legend: bool = True) -> PathArtists:  # fmt: skip
    """Draw runs on a map: a line per run, an open circle at its start and a dot at its end.

    Colours and labels come from ``run_styles`` (one colour per optimizer). A run that was stopped
    is drawn up to where it left, and marked there with a cross, an arrow the way it was going and
    its outcome (``diverged at step k`` or ``escaped at step k``). Non-finite positions are never drawn.
    """
    runs = _runs(traj)
    L = landscape or runs[0][1].landscape
    ax = _ax(ax)
    out = PathArtists([], [], [], [])
    for _, tr in runs:
        _check_traj(tr, L)
    labels = []  # (where, kind, step) of every stopped run, labelled together below
    for st in run_styles(traj, colors):
        tr, b = st.trajectory, st.run
        P = tr.positions[::every, b]
        stop = tr.stopped_at[b] if tr.stopped[b] else tr.steps + 1
        P = P[: max(1, int(np.ceil(stop / every)))]
        P = P[np.all(np.isfinite(P), axis=-1)]
        lab = label if label is not None and st.label is not None else st.label
        (line,) = ax.plot(P[:, 0], P[:, 1], color=st.color, ls=st.linestyle, lw=lw, zorder=3, label=lab,
                          solid_capstyle="round", path_effects=halo(st.color))  # fmt: skip
        out.lines.append(line)
        out.starts.extend(ax.plot(*P[0], "o", mfc="none", mec=st.color, ms=8, mew=2, zorder=6))
        if tr.stopped[b]:
            marks, where = _stopped_mark(ax, tr, b, st.color)
            out.diverged.extend(marks)
            labels.append((where, tr.outcomes[b].kind, int(tr.stopped_at[b])))
        else:
            out.ends.extend(ax.plot(*P[-1], "o", color=st.color, mec="black" if st.color != "#000000" else "white",
                                    ms=7, zorder=6))  # fmt: skip
    out.diverged.extend(_stop_labels(ax, labels))
    kinds = {o.kind for _, tr in runs for o in tr.outcomes}
    for kind in ("diverged", "escaped"):
        if kind in kinds:
            ax.plot([], [], "x" if kind == "diverged" else ">", color="black", ms=9, mew=2.5, label=kind)
    if legend:
        legend_below(ax)
    return out


def _stopped_mark(ax, tr, b, color):
    """A cross (diverged) or a triangle (escaped) where a stopped run left the map, with an arrow the way it went."""
    k = int(tr.stopped_at[b])
    o = tr.outcomes[b]
    last = tr.positions[k - 1, b]
    prev = tr.positions[max(k - 2, 0), b]
    d = last - prev
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = np.clip(last, [x0, y0], [x1, y1])
    marks = ax.plot(*inside, "x" if o.kind == "diverged" else ">", color=color, mec="black", ms=11, mew=3, zorder=7)
    if np.linalg.norm(d) > 0 and np.all(np.isfinite(d)):  # an arrow inside the box, pointing the way the run left
        tail = inside - 0.1 * max(x1 - x0, y1 - y0) * d / np.linalg.norm(d)
        marks.append(
            ax.annotate("", inside, tail, arrowprops=dict(arrowstyle="-|>", color=color, lw=2, mutation_scale=14), zorder=7)
        )
    return marks, inside


def _stop_labels(ax, labels) -> list:
    """One label per place where runs left the map: 'diverged at step 12', 'escaped at steps 64, 112 and 185'."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    size = np.array([x1 - x0, y1 - y0])
    groups: list[list] = []
    for where, kind, step in labels:
        for g in groups:
            if g[0][1] == kind and np.all(np.abs((g[0][0] - where) / size) < 0.08):
                g.append((where, kind, step))
                break
        else:
            groups.append([(where, kind, step)])
    out = []
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    for g in groups:
        where, kind = g[0][0], g[0][1]
        steps = sorted({s for _, _, s in g})
        told = f"step {steps[0]}" if len(steps) == 1 else "steps " + ", ".join(map(str, steps[:-1])) + f" and {steps[-1]}"
        toward = np.sign(centre - where)  # put the words on the side of the mark that faces the middle
        third = (where[0] - x0) / (x1 - x0)  # a mark in the middle third gets its words centred on it: they stay inside
        ha, dx = ("center", 0) if 1 / 3 <= third <= 2 / 3 else ("left", 10) if toward[0] >= 0 else ("right", -10)
        out.append(ax.annotate(f"{kind} at {told}", where, xytext=(dx, 14 * toward[1]), textcoords="offset points",
                               fontsize=10, color="black", ha=ha, va="bottom" if toward[1] >= 0 else "top",
                               bbox=dict(fc="white", ec="none", alpha=0.8, pad=1), zorder=8))  # fmt: skip
    if any(abs(where[1] - y1) < 0.03 * (y1 - y0) for where, _, _ in labels) and ax.get_title():
        ax.set_title(ax.get_title(), pad=14)  # a mark on the top edge would sit on the title
    return out


def fit_log_axis(ax, values, floor_ratio: float = 1e-16, axis: str = "y"):
    """Fit a log axis to the positive finite ``values``: from just below the smallest to just above the largest."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return
    hi = float(v.max())
    lo = max(float(v.min()), floor_ratio * hi)  # below that it is rounding noise
    pad = (hi / lo) ** 0.04 if hi > lo else 2.0
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lo / pad, hi * pad)


def loss_curves(traj, ax=None, *, log: bool | None = None, gap: bool = True, colors=None, key: str = "values",
                legend: bool = True):  # fmt: skip
    """Loss against step for every run (one colour per optimizer); log scale where it helps.

    With ``gap``, plots ``loss - min`` when the landscape declares its lowest value, so that
    convergence shows as a straight line on the log axis. The axis is fitted to the data.
    """
    runs = _runs(traj)
    ax = _ax(ax, figsize=(5.0, 3.2))
    target = runs[0][1].landscape.min_value if (gap and key == "values") else None
    drawn = []
    for st in run_styles(traj, colors):
        tr, b = st.trajectory, st.run
        V = getattr(tr, key)[:, b]
        v = (V - target if target is not None else V).copy()
        if tr.stopped[b]:
            v[tr.stopped_at[b] :] = np.nan
        color = st.color if st.color != "#FFFFFF" else "#000000"
        (line,) = ax.plot(np.arange(len(v)), v, color=color, ls=st.linestyle, lw=1.6, label=st.label)
        drawn.append(line)
    vals = np.concatenate([line.get_ydata() for line in drawn])
    vals = vals[np.isfinite(vals)]
    if log is None:  # log when the positive values span more than two decades (zeros then drop out)
        pos = vals[vals > 0]
        log = vals.size > 0 and vals.min() >= 0 and pos.size > 0 and pos.max() > 100 * np.percentile(pos, 5)
    if log:
        ax.set_yscale("log")
        fit_log_axis(ax, vals)
    what = "gradient norm" if key == "grad_norms" else ("loss - min" if target is not None else "loss")
    ax.set(xlabel="step", ylabel=what, xlim=(0, max(tr.steps for _, tr in runs)))
    if legend and any(line.get_label() and not line.get_label().startswith("_") for line in drawn):
        if len(drawn) > 1:
            ax.legend(loc="best")
    return drawn


def grad_norm_curves(traj, ax=None, *, log: bool | None = None, colors=None, legend: bool = True):
    """Gradient norm against step for every run."""
    return loss_curves(traj, ax, log=log, gap=False, colors=colors, key="grad_norms", legend=legend)


class Panels(NamedTuple):
    fig: object
    map: MapArtists
    paths: PathArtists
    loss: list
    grad: list


def descent(traj, *, landscape=None, log: bool | None = None, figsize=(11, 4.6), title: str | None = None,
            colors=None) -> Panels:  # fmt: skip
    """The map with the paths, and loss and gradient-norm panels beside it: one figure, one call.

    One legend, under the map, names every run for all three panels (they share colours).
    """
    runs = _runs(traj)
    L = _two_d(landscape or runs[0][1].landscape)
    fig = plt.figure(figsize=figsize, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1])
    ax_map = fig.add_subplot(grid[:, 0])
    m = landscape_map(L, ax_map, legend=False, title=title or L.name)
    p = paths(traj, ax_map, landscape=L, colors=colors, legend=False)
    legend_below(ax_map)
    ax_l, ax_g = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    lo = loss_curves(traj, ax_l, log=log, colors=colors, legend=False)
    gr = grad_norm_curves(traj, ax_g, colors=colors, legend=False)
    ax_l.set_xlabel("")
    return Panels(fig, m, p, lo, gr)


def race(results: dict, **kw) -> Panels:
    """A race from ``tl.race``: every optimizer's paths on one map, with loss and gradient panels."""
    if not isinstance(results, dict) or not results:
        raise PlotError("race() takes the dict that tl.race returns: {name: Trajectory}")
    return descent(results, **kw)


def small_multiples(results: dict, *, landscape=None, cols: int | None = None, figsize=None, log: bool | None = None):
    """A race drawn one map per optimizer (same levels, same start), with every loss curve on one panel below:
    readable where one map with every path on it is a tangle. Returns ``(fig, map_axes, loss_axes)``."""
    if not isinstance(results, dict) or not results:
        raise PlotError("small_multiples() takes the dict that tl.race returns: {name: Trajectory}")
    n = len(results)
    cols = cols or (n if n <= 5 else -(-n // 2))
    rows = -(-n // cols)
    L = _two_d(landscape or next(iter(results.values())).landscape)
    fig = plt.figure(figsize=figsize or (11, 3.3 * rows + 3.2), layout="constrained")
    grid = fig.add_gridspec(rows + 1, cols, height_ratios=[1] * rows + [0.95])
    styles = dict(zip(results, [st for st in run_styles(results) if st.run == 0], strict=True))
    maps = []
    for k, (name, tr) in enumerate(results.items()):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        landscape_map(L, ax, n=150, colorbar=False, legend=False, title=name)
        paths({name: tr}, ax, landscape=L, colors=[styles[name].color], legend=False)
        ax.set_aspect("auto")
        o = tr.outcomes[0]
        words = {"moving": "still moving"}.get(o.kind, o.kind) + (f" at step {o.step}" if o.step >= 0 else "")
        ax.text(0.03, 0.03, words, transform=ax.transAxes, fontsize=10, va="bottom", in_layout=False, clip_on=True,
                bbox=dict(fc="white", ec="none", alpha=0.85, pad=1.5))  # fmt: skip
        if k % cols:
            ax.set_ylabel("")
        maps.append(ax)
    ax_loss = fig.add_subplot(grid[rows, :])
    loss_curves(results, ax_loss, log=log, legend=False)
    ax_loss.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return fig, maps, ax_loss


### Analyses


def sweep(s, ax=None, *, color=PALETTE[5], thresholds: dict | None = None):
    """Final loss against learning rate (log axis), the ``2 / lambda_max`` line and the diverged band.

    ``thresholds`` adds more vertical lines, ``{label: learning rate}`` (e.g. ``2 / lambda_max`` along the way).
    """
    ax = _ax(ax, figsize=(5.5, 3.5))
    ok = ~s.diverged
    target = s.trajectory.landscape.min_value or 0.0
    loss = np.where(ok, s.final_loss - target, np.nan)
    (line,) = ax.plot(s.lr, loss, "o-", color=color, ms=3, lw=1.5, label="final loss - min")
    ax.set_xscale("log")
    if np.nanmin(loss, initial=np.inf) > 0:
        ax.set_yscale("log")
        fit_log_axis(ax, loss)
    band = None
    if s.diverged.any():
        lo = s.lr[s.diverged].min()
        band = ax.axvspan(lo, s.lr.max() * 1.5, color=PALETTE[2], alpha=0.15, lw=0, label="diverged")
    thr = None
    if np.isfinite(s.threshold):
        thr = ax.axvline(s.threshold, color="black", ls="--", lw=1.2, label=r"$2/\lambda_{max}$ at the minimum" +
                         f" = {s.threshold:.3g}")  # fmt: skip
    for k, (label, x) in enumerate((thresholds or {}).items()):
        ax.axvline(x, color=VARIANT_COLORS[(k + 1) % len(VARIANT_COLORS)], ls=LINESTYLES[(k + 2) % 4], lw=1.4,
                   label=f"{label} = {x:.3g}")  # fmt: skip
    ax.set(xlabel="learning rate", ylabel="final loss - min", xlim=(s.lr.min() / 1.2, s.lr.max() * 1.2))
    legend_below(ax, ncol=2)
    return line, band, thr


def edge_of_stability(s, ax=None, *, color=PALETTE[5]):
    """Where each run of a sweep came to rest, how sharp the landscape is there: ``lambda_max`` at the middle of the
    run's last two points, against the learning rate, with the curve ``2 / lr``. Gradient descent cannot stay where
    ``lambda_max > 2 / lr``: runs that cannot reach the minimum stop on that curve. Returns the points' Line2D."""
    ax = _ax(ax, figsize=(5.5, 3.5))
    tr = s.trajectory
    ok = ~tr.stopped
    L = tr.landscape
    from .analysis import hessian_eig

    middle = (tr.positions[-1] + tr.positions[-2]) / 2
    lam = np.full(len(s.lr), np.nan)
    lam[ok] = hessian_eig(L, middle[ok])[0][:, -1]
    (line,) = ax.plot(s.lr, lam, "o", color=color, ms=5, label=r"$\lambda_{max}$ where the run came to rest")
    grid = np.geomspace(s.lr.min(), s.lr.max(), 200)
    ax.plot(grid, 2 / grid, color="black", ls="--", lw=1.4, label=r"$2/\mathrm{lr}$: the sharpest it can stay in")
    if s.diverged.any():
        ax.axvspan(s.lr[s.diverged].min(), s.lr.max() * 1.5, color=PALETTE[2], alpha=0.15, lw=0, label="diverged")
    ax.set(xscale="log", yscale="log", xlabel="learning rate", ylabel=r"sharpness $\lambda_{max}$",
           xlim=(s.lr.min() / 1.2, s.lr.max() * 1.2))  # fmt: skip
    fit_log_axis(ax, np.concatenate([lam[np.isfinite(lam)], [2 / s.lr.max(), 2 / s.lr.min()]]))
    legend_below(ax, ncol=2)
    return line


def phase_diagram(lrs, momenta, final_loss, diverged=None, ax=None, *, cmap: str = "viridis", curvature: float | None = None):
    """A learning rate x momentum map of the final loss (log colour), diverged cells in grey.

    With ``curvature`` (``lambda_max`` of a quadratic, and its ``lambda_min`` through the tuple
    ``(lambda_min, lambda_max)``) it draws the heavy ball's stability edge ``lr = 2 (1 + beta) / lambda_max``
    and, given both, Polyak's optimal pair as a star.
    """
    lrs, momenta = np.asarray(lrs, float), np.asarray(momenta, float)
    F = np.asarray(final_loss, float).reshape(len(lrs), len(momenta))
    bad = np.zeros_like(F, bool) if diverged is None else np.asarray(diverged).reshape(F.shape)
    bad |= ~np.isfinite(F)
    ax = _ax(ax, figsize=(5.5, 4.2))
    G = np.log10(np.maximum(np.where(bad, np.nan, F), 1e-16))
    masked = np.ma.masked_invalid(G.T)
    cm = plt.get_cmap(cmap).with_extremes(bad="#BBBBBB")
    mesh = ax.pcolormesh(_edges(lrs, log=True), _edges(momenta), masked, cmap=cm, shading="flat")
    ax.set_xscale("log")
    cb = ax.figure.colorbar(mesh, ax=ax)
    cb.set_label("log10 final loss (grey: diverged)")
    if curvature is not None:
        lam_min, lam_max = (None, float(curvature)) if np.ndim(curvature) == 0 else map(float, curvature)
        beta = np.linspace(momenta.min(), momenta.max(), 200)
        ax.plot(2 * (1 + beta) / lam_max, beta, color="white", lw=2.2, ls="--", path_effects=DARK_HALO,
                label=r"stability edge $\eta = 2(1 + \beta)/\lambda_{max}$")  # fmt: skip
        if lam_min is not None:
            k = lam_max / lam_min
            b_opt = ((np.sqrt(k) - 1) / (np.sqrt(k) + 1)) ** 2
            lr_opt = 4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2
            ax.plot(lr_opt, b_opt, "*", ms=18, mfc="#F0E442", mec="black",
                    label=f"Polyak's optimum ({number(lr_opt)}, {number(b_opt)})")  # fmt: skip
        ax.set_xlim(lrs.min() / 1.1, lrs.max() * 1.1)
        ax.set_ylim(momenta.min(), momenta.max())
        legend_below(ax, ncol=1)
    ax.set(xlabel="learning rate", ylabel="momentum")
    return mesh


def _edges(v, log=False):
    v = np.log10(v) if log else v
    mid = (v[1:] + v[:-1]) / 2 if len(v) > 1 else np.array([])
    first = v[0] - (mid[0] - v[0] if len(mid) else 0.5)
    last = v[-1] + (v[-1] - mid[-1] if len(mid) else 0.5)
    e = np.concatenate([[first], mid, [last]])
    return 10**e if log else e


def basins_map(b, ax=None, *, colors=None, markers: bool = True):
    """Colour each start of a grid by the declared minimum it ended in (grey: elsewhere; black: diverged;
    white: escaped)."""
    ax = _ax(ax)
    k = len(b.minima)
    colors = colors or [PALETTE[i % len(PALETTE)] for i in range(k)]
    cmap = mcolors.ListedColormap(["#FFFFFF", "#000000", "#BBBBBB", *colors])
    mesh = ax.pcolormesh(b.X, b.Y, b.label + 3, cmap=cmap, vmin=-0.5, vmax=k + 2.5, shading="nearest", zorder=0)
    if markers:
        for i, c in enumerate(b.minima):
            ax.plot(*c.x, "*" if c.is_global else "o", ms=15 if c.is_global else 10, mfc=colors[i], mec="white", mew=1.6,
                    zorder=5, path_effects=[patheffects.withStroke(linewidth=3.5, foreground="black")])  # fmt: skip
    handles = [Line2D([], [], ls="none", marker="s", ms=10, mfc=colors[i], mec="none", label=f"min {i}") for i in range(k)]
    present = set(np.unique(b.label))
    for code, color, label in ((-1, "#BBBBBB", "elsewhere"), (-2, "#000000", "diverged"), (-3, "#FFFFFF", "escaped")):
        if code in present:
            handles.append(Line2D([], [], ls="none", marker="s", ms=10, mfc=color, mec="black", label=label))
    L = b.trajectory.landscape
    legend_below(ax, handles, [h.get_label() for h in handles], ncol=min(len(handles), 4))
    _axis_labels(ax, L)
    ax.set(title=f"basins of attraction: {b.trajectory.name} on {L.name}")
    ax.set_aspect("equal")
    return mesh


def escape(e, ax=None, *, color=PALETTE[5], theory=None, steps: int | None = None, label: str = "median over seeds"):
    """Steps to escape a saddle against the noise level: median and quartiles over all seeds (``e.median``).

    A run that never escaped counts as slower than every one that did, so the median is the one the checks use.
    Noise levels whose median run did not escape are marked with an upward triangle at the top (at ``steps``,
    the budget of the runs, when given); a quartile beyond the budget is drawn at the top.
    """
    ax = _ax(ax, figsize=(5.0, 3.4))
    top = steps or np.nanmax(np.where(e.escaped, e.steps, 0), initial=1)
    S = np.where(e.escaped, e.steps, 4.0 * top).astype(float)  # beyond every escape, finite so that quartiles interpolate
    med = np.median(S, axis=1)
    some = med <= top
    q1, q3 = (np.minimum(np.percentile(S, q, axis=1), top) for q in (25, 75))
    med = np.where(some, med, np.nan)
    (line,) = ax.plot(e.noise, med, "o-", color=color, label=label)
    band = ax.fill_between(e.noise, q1, q3, color=color, alpha=0.25, lw=0)
    if not some.all():
        ax.plot(e.noise[~some], np.full((~some).sum(), top), "^", color=color, mec="black", ms=9,
                label=f"no escape in {top:g} steps" if steps else "no escape")  # fmt: skip
    if theory is not None:
        ax.plot(e.noise, theory, "k--", lw=1.2, label="theory")
    ax.set_xscale("log")
    ax.set(xlabel="noise level", ylabel=f"steps to move {number(e.radius)} away")
    ax.legend(loc="best")
    return line, band


def curvature_map(landscape, ax=None, *, n: int = 150, cmap: str = "RdBu"):
    """The smallest Hessian eigenvalue over the box: red where the landscape curves down in some direction."""
    from .analysis import hessian_eig

    L = _two_d(landscape)
    ax = _ax(ax)
    (x0, x1), (y0, y1) = L.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        lam = hessian_eig(L, np.stack([X, Y], -1))[0][..., 0]
    m = np.nanmax(np.abs(lam))
    scaled = np.sign(lam) * np.log1p(np.abs(lam) / (1e-3 * m))  # a symmetric log scale keeps both signs legible
    lim = np.nanmax(np.abs(scaled))
    mesh = ax.pcolormesh(X, Y, scaled, cmap=cmap, vmin=-lim, vmax=lim, shading="auto", zorder=0)
    ax.contour(X, Y, lam, levels=[0.0], colors="black", linewidths=1.2, zorder=2)
    cb = ax.figure.colorbar(mesh, ax=ax)
    ticks = np.linspace(-lim, lim, 5)
    cb.set_ticks(ticks, labels=[f"{np.sign(t) * 1e-3 * m * np.expm1(abs(t)):.2g}" for t in ticks])
    cb.set_label(r"smallest Hessian eigenvalue $\lambda_{min}$")
    critical_markers(L, ax)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), title=f"{L.name}: where it curves down (red)")
    _axis_labels(ax, L)
    return mesh


### Networks


def curves(paths: dict, ax=None, *, what: str = "loss", colors=None, barriers: bool = True, fit: bool = True):
    """Loss (or ``test_loss``, ``accuracy``, ``test_accuracy``) along paths between two parameter vectors, e.g.
    ``{"straight line": nets.interpolate(...), "Bezier curve": nets.curve_along(...)}``, with each barrier.

    With ``fit`` the y axis is fitted to the curves drawn, so that a small rise is not flattened.
    """
    ax = _ax(ax, figsize=(5.5, 3.4))
    colors = colors or VARIANT_COLORS
    drawn = []
    for k, (name, c) in enumerate(paths.items()):
        label = f"{name} (barrier {c.barrier:.3g})" if what == "loss" and barriers else name
        (line,) = ax.plot(c.t, getattr(c, what), color=colors[k % len(colors)], ls=LINESTYLES[k % 4], lw=2, label=label)
        drawn.append(line)
    for t in (0, 1):
        ax.axvline(t, color="grey", lw=0.8, ls=":")
    if fit:
        v = np.concatenate([np.asarray(line.get_ydata(), float) for line in drawn])
        v = v[np.isfinite(v)]
        if v.size:
            lo, hi = v.min(), v.max()
            pad = 0.08 * (hi - lo) if hi > lo else 0.05 * abs(hi) + 1e-12
            ax.set_ylim(lo - pad, hi + pad)
    ax.set(xlabel="t (0 and 1: the two ends)", ylabel=what.replace("_", " "))
    legend_below(ax, ncol=1 if len(drawn) > 2 else None)
    return drawn


#: Class 0 sky blue, class 1 orange (Okabe & Ito), through white where the network is unsure; the data points
#: in the darker blue and vermillion of the same palette, so that they stand out from their regions.
CLASS_CMAP = mcolors.LinearSegmentedColormap.from_list("toylands_classes", ["#56B4E9", "#FFFFFF", "#E69F00"])
POINT_CMAP = mcolors.LinearSegmentedColormap.from_list("toylands_points", ["#0072B2", "#D55E00"])


def data_points(L, ax, test: bool = True):
    """The data of a two-input classifier as points coloured by class."""
    X, y = (L.data.X_test, L.data.y_test) if test else (L.data.X, L.data.y)
    k = max(1, L.data.n_classes - 1)
    return ax.scatter(X[:, 0], X[:, 1], c=y, cmap=POINT_CMAP, vmin=0, vmax=k, s=16, edgecolors="white", linewidths=0.5,
                      zorder=3)  # fmt: skip


def class_probability(L, thetas, X) -> np.ndarray:
    """What a two-input classifier says at points ``X`` ``(m, 2)``: the probability of class 1 (two classes), or the
    class (more), for every parameter vector of ``thetas`` ``(..., P)``; shape ``thetas.shape[:-1] + (m,)``."""
    out = np.asarray(L.model.forward(np.asarray(thetas, float), np.asarray(X, float)))
    if out.shape[-1] > 1:
        return out.argmax(-1).astype(float)
    z = out[..., 0]
    if L.net.loss == "cross_entropy":
        return 0.5 * (1 + np.tanh(0.5 * z))
    return np.clip(z, 0.0, 1.0)


def _input_grid(L, n: int):
    d = L.data
    if d.task != "classification" or d.n_inputs != 2:
        raise PlotError(f"decision regions are drawn for classifiers of two inputs; {d.name!r} has {d.n_inputs} inputs "
                        f"({d.task})")  # fmt: skip
    X = np.vstack([d.X, d.X_test])
    lo, hi = X.min(0), X.max(0)
    pad = 0.1 * (hi - lo)
    (x0, y0), (x1, y1) = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([gx.ravel(), gy.ravel()]), (x0, x1, y0, y1)


def decision_regions(L, theta, ax=None, *, n: int = 120, test: bool = True, title: str | None = None):
    """What a network of two inputs computes: the probability of class 1 over the plane of its inputs (blue: class 0,
    orange: class 1, white: unsure), with the data (the test points, or the training points)."""
    grid, extent = _input_grid(L, n)
    ax = _ax(ax, figsize=(5.0, 4.0))
    P = class_probability(L, theta, grid).reshape(n, n)
    k = max(1, L.data.n_classes - 1)
    image = ax.imshow(P, extent=extent, origin="lower", cmap=CLASS_CMAP, vmin=0, vmax=k, aspect="auto", alpha=0.75,
                      interpolation="bilinear")  # fmt: skip
    data_points(L, ax, test)
    which = "test" if test else "training"
    ax.set(xlabel="input 1", ylabel="input 2", title=title or f"what the network computes ({which} points)")
    return image


def spectrum(s, ax=None, *, color=PALETTE[5], log: bool = True):
    """The estimated density of Hessian eigenvalues (``nets.spectral_density``)."""
    ax = _ax(ax, figsize=(5.5, 3.4))
    (line,) = ax.plot(s.grid, s.density, color=color, lw=1.8)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(max(s.density.max() * 1e-6, s.density[s.density > 0].min()), s.density.max() * 2)
    ax.axvline(0, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="Hessian eigenvalue", ylabel="density", title="Hessian spectrum (stochastic Lanczos quadrature)")
    return line


def sharpness(steps, values, lr: float, ax=None, *, color=PALETTE[2], label: str | None = None):
    """Sharpness (top Hessian eigenvalue) during training, against its edge of stability ``2 / lr``, both in ``color``.

    Drawn for several learning rates on one axes, each run and its own edge share a colour and a legend name.
    """
    ax = _ax(ax, figsize=(5.5, 3.4))
    name = label or f"lr = {number(lr)}"
    (line,) = ax.plot(steps, values, "o-", color=color, ms=3, lw=1.6, label=f"{name}: sharpness")
    ref = ax.axhline(2 / lr, color=color, ls="--", lw=1.4, label=f"{name}: 2 / lr = {number(2 / lr)}")
    ax.set(xlabel="step", ylabel=r"sharpness $\lambda_{max}$")
    ax.legend(loc="best")
    return line, ref


# Grokking ----------------------------------------------------------------------------------------


def addition_table(data, ax=None):
    """The table of ``(a + b) mod p`` (a ``nets.modular_addition`` data set): training pairs coloured by their answer,
    test pairs white (the network never sees them)."""
    ax = _ax(ax, figsize=(4.6, 4.4))
    p = data.X.shape[1] // 2
    table = np.full((p, p), np.nan)
    a, b = data.X[:, :p].argmax(1), data.X[:, p:].argmax(1)
    table[a, b] = data.y
    cmap = plt.get_cmap("hsv").with_extremes(bad="white")  # cyclic like the answers; saturated: no colour looks like a hole
    image = ax.imshow(table, cmap=cmap, vmin=0, vmax=p, origin="lower", interpolation="nearest")
    ax.set(xlabel="b", ylabel="a", title=f"(a + b) mod {p}: {len(data.X)} pairs to train on (white: test)")
    return image


def _after_zero(steps, values):
    keep = steps > 0
    return steps[keep], np.asarray(values)[keep]


def grokking(records, ax=None, *, what: str = "accuracy", colors=None, marks: bool = True):
    """Train (dashed) and test (solid) accuracy or loss against the step (log scale) of one ``nets.grokking`` record
    or several (one colour each, named by weight decay); with ``marks`` the steps where the run memorized
    (train accuracy 100%) and generalized (test accuracy 99%) are marked."""
    if what not in ("accuracy", "loss"):
        raise PlotError(f"what must be 'accuracy' or 'loss'; got {what!r}")
    records = [records] if not isinstance(records, (list, tuple)) else list(records)
    ax = _ax(ax, figsize=(6.0, 3.8))
    colors = colors or ([PALETTE[5]] if len(records) == 1 else VARIANT_COLORS)
    lines = []
    for k, r in enumerate(records):
        color = colors[k % len(colors)]
        for split, ls in (("train", "--"), ("test", "-")):
            if len(records) == 1:
                label = split
            else:  # one legend entry per run; the line style says train or test
                label = f"weight decay {number(r.weight_decay)}" if split == "test" else None
            (line,) = ax.plot(*_after_zero(r.steps, getattr(r, f"{split}_{what}")), ls=ls, color=color, lw=2, label=label)
            lines.append(line)
        if marks and len(records) == 1:
            for step, word in ((r.memorized_at, "memorized"), (r.generalized_at, "generalized")):
                if step:
                    ax.axvline(step, color="grey", ls=":", lw=1.2)
                    ax.annotate(f"{word}\nstep {step}", (step, 0.5), xycoords=("data", "axes fraction"),
                                xytext=(4, 0), textcoords="offset points", fontsize=9, color="#444444")  # fmt: skip
    ax.set_xscale("log")
    if what == "loss":
        ax.set_yscale("log")
    else:
        ax.set_ylim(-0.02, 1.02)
    ax.set(xlabel="step", ylabel=f"{what} (dashed: train, solid: test)")
    legend_below(ax, ncol=min(len(records), 4) if len(records) > 1 else None)
    return lines


def neuron_order(record) -> np.ndarray:
    """Hidden neurons sorted by the frequency they end up tuned to (then by how purely), for ``neuron_spectra``."""
    final = record.spectra[-1]
    return np.lexsort((-final.max(-1), final.argmax(-1)))


def neuron_spectra(record, step: int | None = None, ax=None, *, order=None, colorbar: bool = True):
    """Each hidden neuron's share of power per frequency (one row per neuron) at the record nearest ``step``
    (default: the last). Neurons are sorted by their final frequency, so a grokked network shows a staircase."""
    ax = _ax(ax, figsize=(4.6, 4.4))
    i = -1 if step is None else record.index(step)
    order = neuron_order(record) if order is None else order
    image = ax.imshow(record.spectra[i][order], aspect="auto", cmap="magma", vmin=0, vmax=1, interpolation="nearest")
    ax.set(xlabel="frequency k", ylabel="hidden neuron (sorted)",
           title=f"step {int(record.steps[i])}: purity {record.purity[i]:.2f}")  # fmt: skip
    ax.set_yticks([])
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="share of the neuron's power", shrink=0.85)
    return image


def neuron_waves(record, neurons=None, ax=None, *, colors=None):
    """The input weights ``W[a, j]`` of a few hidden neurons against the token ``a``, at the end of training, with
    the cosine of each neuron's strongest frequency fitted through them (default: the purest neuron of each of the
    three lowest frequencies in use)."""
    ax = _ax(ax, figsize=(6.0, 3.8))
    p, width = record.p, record.width
    W = record.theta[: 2 * p * width].reshape(2 * p, width)[:p]
    final = record.spectra[-1]
    if neurons is None:  # the purest neuron of each of the three lowest frequencies that neurons tune to
        k_of, purity = final.argmax(-1), final.max(-1)
        tuned = sorted({int(k) for k in k_of[purity > 0.5] if k > 0}) or sorted({int(k) for k in k_of if k > 0})
        neurons = [int(np.flatnonzero(k_of == k)[np.argmax(purity[k_of == k])]) for k in tuned[:3]]
    colors = colors or VARIANT_COLORS
    a = np.arange(p)
    fine = np.linspace(0, p - 1, 400)
    drawn = []
    for n, j in enumerate(neurons):
        k = int(final[j].argmax())
        c = np.fft.fft(W[:, j])[k] * 2 / p
        fit = np.real(c * np.exp(2j * np.pi * k * fine / p)) + W[:, j].mean() if k else np.full_like(fine, W[:, j].mean())
        color = colors[n % len(colors)]
        ax.plot(fine, fit, color=color, lw=1.2, alpha=0.8)
        drawn.append(ax.plot(a, W[:, j], "o", color=color, ms=4, label=f"neuron {j}: k = {k}")[0])
    ax.set(xlabel="token a", ylabel="weight from a into the neuron", title="what a grokked neuron reads: a cosine of a")
    legend_below(ax, ncol=3)
    return drawn


# The edge of chaos ------------------------------------------------------------------------------


def chaos_phase_diagram(ax=None, *, sigma_w2=(0.25, 4.5), sigma_b2=(0.0, 0.3), activation: str = "tanh", n: int = 60,
                        points: dict | None = None):  # fmt: skip
    """The phases of deep random networks over (``sigma_w2``, ``sigma_b2``): colour is ``chi1`` on a log scale (blue:
    ordered, red: chaotic) and the black line is the edge of chaos, ``chi1 = 1``. ``points`` marks named
    initializations, ``{"name": (sigma_w2, sigma_b2)}``."""
    from .nets.criticality import chi1, critical_sigma_w2

    ax = _ax(ax, figsize=(6.0, 4.4))
    W, B = np.meshgrid(np.linspace(*sigma_w2, n), np.linspace(*sigma_b2, n))
    log_chi = np.log(chi1(W, B, activation))
    # white on the edge, the same shade at the same distance from it on either side (a symmetric scale, as far as the
    # chaotic side reaches), and the deeper ordered side, beyond that, in the deepest blue (the colour bar says so)
    half = max(float(log_chi.max()), 1e-3)
    norm = mcolors.Normalize(-half, half)
    image = ax.pcolormesh(W, B, log_chi, cmap="RdBu_r", norm=norm, shading="auto")
    lo, hi = sigma_b2  # the edge moves fast near no bias (1 at 0, 1.42 at 0.01): sample it densely there
    bs = np.unique(np.concatenate([np.linspace(lo, hi, 40), lo + (hi - lo) * np.geomspace(1e-4, 1, 40)]))
    (edge,) = ax.plot(critical_sigma_w2(bs, activation), bs, color="black", lw=2.5, label=r"edge of chaos, $\chi_1 = 1$")
    for name, (w, b) in (points or {}).items():
        ax.plot([w], [b], "o", color="white", mec="black", ms=8, zorder=5)
        ax.annotate(name, (w, b), xytext=(6, 4), textcoords="offset points", fontsize=9, path_effects=HALO)
    ax.text(0.04, 0.92, "ordered", transform=ax.transAxes, fontsize=11, color="#08306B", path_effects=HALO)
    # top right: the marked points of a lesson sit low on the map, where a label here would collide with theirs
    ax.text(0.96, 0.92, "chaotic", transform=ax.transAxes, ha="right", fontsize=11, color="#67000D", path_effects=HALO)
    ax.figure.colorbar(image, ax=ax, label=r"$\ln \chi_1$", extend="min" if log_chi.min() < -half else "neither")
    ax.set(xlabel=r"weight variance $\sigma_w^2$", ylabel=r"bias variance $\sigma_b^2$", xlim=sigma_w2, ylim=sigma_b2,
           title=f"{activation} networks: order and chaos")  # fmt: skip
    legend_below(ax)
    return edge


def trainability(record, ax=None, *, level: float = 0.9):
    """Training accuracy of deep networks (``nets.trainability``) over depth and weight variance, with the theory's
    ``6 xi`` (dashed), below which Schoenholz et al. found networks trainable."""
    ax = _ax(ax, figsize=(6.4, 4.2))
    k, m = len(record.sigma_w2), len(record.depths)
    image = ax.imshow(record.accuracy, origin="lower", cmap="viridis", vmin=0.5, vmax=1.0, aspect="auto",
                      interpolation="nearest")  # fmt: skip
    for i in range(m):
        for j in range(k):
            a = record.accuracy[i, j]
            ax.text(j, i, f"{a:.2f}", ha="center", va="center", fontsize=9, color="black" if a > 0.8 else "white")
    # 6 xi on the row axis: rows are depths (not evenly spaced), so interpolate in log depth
    logd = np.log(record.depths.astype(float))
    six = 6 * np.asarray(record.depth_scale, float)
    rows = np.interp(np.log(np.clip(six, record.depths.min() * 0.5, record.depths.max() * 2)), logd, np.arange(m),
                     left=-0.5, right=m - 0.5)  # fmt: skip
    ax.plot(np.arange(k), rows, "w--", lw=2.2, label=r"depth $6\xi$ (theory)", path_effects=DARK_HALO)
    ax.set_xticks(np.arange(k), [number(w) for w in record.sigma_w2])
    ax.set_yticks(np.arange(m), [str(int(d)) for d in record.depths])
    ax.set(xlabel=r"weight variance $\sigma_w^2$", ylabel="hidden layers", ylim=(-0.5, m - 0.5),
           title=f"training accuracy after {record.steps} steps ($\\sigma_b^2$ = {number(record.sigma_b2)})")  # fmt: skip
    ax.figure.colorbar(image, ax=ax, label="training accuracy")
    legend_below(ax)
    return image


def tempered_posterior(record, landscape, rung: int = -1, ax=None, *, bounds=None, legend: bool = True):
    """The draws of a learning-coefficient estimate (``tl.learning_coefficient``) at one rung of its ladder, over the
    landscape's map: where the tempered posterior puts its weight, a round cloud at a regular minimum, a strip along
    a valley of minima, a cross where two valleys cross. Returns the scatter (its offsets can be changed)."""
    ax = _ax(ax, figsize=(5.2, 4.6))
    landscape_map(landscape, ax, bounds=bounds, colorbar=False, legend=False, title=False, n=200, sets=False,
                  critical=False)
    draws = record.samples[rung]
    dots = ax.scatter(draws[:, 0], draws[:, 1], s=5, color="#D55E00", edgecolors="none", alpha=0.7, zorder=4,
                      label=f"draws at $n\\beta$ = {number(record.n_betas[rung])}")  # fmt: skip
    ax.plot(*record.at[:2], "+", color="black", ms=12, mew=2, zorder=5, label="the minimum $w^*$")
    if legend:
        legend_below(ax, ncol=2)
    return dots


def learning_coefficients(records: dict, ax=None, *, known: dict | None = None):
    """Each record's estimate against the inverse temperature (the tempered sampler's ladder, ``record.curve``), with
    the known learning coefficients dashed: regular and quasi-homogeneous minima level off at theirs; crossing minima
    approach theirs only like ``1 / ln(n_beta)``."""
    ax = _ax(ax, figsize=(6.4, 4.0))
    for (name, r), color in zip(records.items(), VARIANT_COLORS, strict=False):
        ax.plot(r.n_betas, r.curve, "o-", color=color, ms=4, lw=1.8, label=name)
        if known and name in known:
            ax.axhline(known[name], color=color, ls="--", lw=1.2, alpha=0.8)
    ax.set(xscale="log", xlabel=r"inverse temperature $n\beta$", ylabel=r"estimate $\hat\lambda$",
           title="learning coefficients (dashed: the true values)")  # fmt: skip
    legend_below(ax, ncol=min(len(records), 4))
    return ax


def pruning(curve, ax=None, *, what: str = "loss", colors=None):
    """Loss (or ``what="accuracy"``, test accuracy) against the fraction of weights pruned, one line per method;
    dashed after fine-tuning when the curve has it."""
    ax = _ax(ax, figsize=(5.0, 3.2))
    before = curve.loss if what == "loss" else curve.accuracy
    after = curve.finetuned_loss if what == "loss" else curve.finetuned_accuracy
    colors = colors or dict(zip(curve.methods, (PALETTE[3], PALETTE[4], PALETTE[5], *PALETTE), strict=False))
    for k, m in enumerate(curve.methods):
        ax.plot(curve.fractions, before[k], "o-", color=colors[m], lw=1.8, label=m)
        if np.isfinite(after[k]).any():
            ax.plot(curve.fractions, after[k], "o--", color=colors[m], lw=1.2, mfc="white",
                    label=f"{m}, fine-tuned {curve.finetune_steps} steps")  # fmt: skip
    if what == "loss":
        ax.set_yscale("log")
    ax.set(xlabel="fraction of weights removed", ylabel="training loss" if what == "loss" else "test accuracy")
    return ax


def transfer(t, ax=None, *, colors=("#009E73", "#CC79A7")):
    """The training loss of fine-tuning and of training from scratch on the target task: each seed thin, the median
    thick, the target loss dotted."""
    ax = _ax(ax, figsize=(5.0, 3.2))
    for tr, color in zip((t.finetuned, t.scratch), colors, strict=True):
        V = tr.values
        ax.plot(V, color=color, lw=0.7, alpha=0.45)
        ax.plot(np.median(V, axis=1), color=color, lw=2.4, label=f"{tr.name} (median of {tr.runs})")
    ax.axhline(t.target_loss, color="black", ls=":", lw=1.2, label=f"target loss {t.target_loss:g}")
    ax.set_yscale("log")
    fit_log_axis(ax, np.concatenate([t.finetuned.values.ravel(), t.scratch.values.ravel()]))
    ax.set(xlabel="step on the target task", ylabel="training loss", xlim=(0, t.scratch.steps))
    return ax


def layer_gradients(norms: dict, ax=None, *, colors=None):
    """Gradient size by each layer's weights (first layer on the left), one line per network: ``{label: norms}``."""
    ax = _ax(ax, figsize=(5.0, 3.2))
    for k, (label, g) in enumerate(norms.items()):
        g = np.atleast_2d(g)
        color = (colors or {}).get(label, PALETTE[(2 * k + 1) % len(PALETTE)])
        layers = np.arange(1, g.shape[-1] + 1)
        ax.plot(layers, g.T, color=color, lw=0.8, alpha=0.5)
        ax.plot(layers, np.exp(np.log(g).mean(0)), "o-", color=color, lw=2, ms=4, label=label)
    ax.set_yscale("log")
    ax.set(xlabel="layer", ylabel="|gradient| of its weights")
    return ax


def roughness(r, ax=None, *, title: str | None = None):
    """A plane's loss (log colours) from ``nets.roughness``, its local minima marked with white crosses."""
    ax = _ax(ax, figsize=(4.0, 3.6))
    X, Y, Z = r.grid
    with np.errstate(all="ignore"):
        logZ = np.log10(np.where(np.isfinite(Z) & (Z > 0), Z, np.nan))
    ax.contourf(X, Y, logZ, levels=24, cmap="viridis")
    ax.plot(*r.where.T, "x", color="white", ms=7, mew=2, label=f"{r.minima} local minima")
    ax.plot([0], [0], "*", color="#D55E00", ms=13, mec="black", label="trained weights")
    ax.set(xlabel=r"$\alpha$", ylabel=r"$\beta$", title=title or f"{r.minima} local minima")
    ax.set_aspect("equal")
    return ax
