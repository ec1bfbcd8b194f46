"""Pictures of landscapes, runs and analyses. Every function takes ``ax=None`` and returns what it drew.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import toylands as tl
    >>> from toylands import plot
    >>> drawn = plot.landscape_map(tl.himmelblau)
    >>> sorted(drawn.markers)
    ['global', 'max', 'saddle']

No function touches pyplot's global state except to make a figure when no ``ax`` is given.
Colours: viridis for heights and the Okabe-Ito palette for paths and marks, both readable with
colour-blindness.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.lines import Line2D

from .landscape import Landscape
from .run import Trajectory

__all__ = [
    "PALETTE",
    "MARKS",
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
    "sweep",
    "phase_diagram",
    "basins_map",
    "escape",
    "curvature_map",
    "curves",
    "spectrum",
    "sharpness",
    "PlotError",
]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ["#E69F00", "#56B4E9", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#F0E442", "#000000"]
PATH_COLORS = ["#FFFFFF", "#E69F00", "#56B4E9", "#D55E00", "#CC79A7", "#009E73", "#F0E442", "#0072B2"]

#: How each kind of critical point is marked: (marker, face colour, size, legend label).
MARKS = {
    "global": ("*", "#F0E442", 17, "global minimum"),
    "min": ("o", "#FFFFFF", 9, "minimum"),
    "saddle": ("X", "#E69F00", 10, "saddle"),
    "max": ("^", "#D55E00", 10, "maximum"),
    "degenerate": ("D", "#CC79A7", 8, "degenerate"),
}


class PlotError(ValueError):
    """A picture was asked for that cannot be drawn as asked."""


def course_style(dpi: int = 80):
    """Settings for notebooks, asked for explicitly (the lessons call it): figures at ``dpi`` so that an
    11-inch figure fits a JupyterLab output area (880 px at 80 dpi), and no warning about many open figures."""
    plt.rcParams.update({"figure.dpi": dpi, "figure.max_open_warning": 0})


def _ax(ax, figsize=(6.0, 4.8), **kw):
    if ax is not None:
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(**kw)


def _two_d(landscape) -> Landscape:
    if not isinstance(landscape, Landscape):
        from .zoo import get

        landscape = get(landscape)
    if landscape.dim != 2:
        raise PlotError(
            f"{landscape.name!r} is {landscape.dim}-D and a map shows two coordinates: draw a 2-D slice, e.g. "
            f"landscape.section(dims=(0, 1)), or slice_1d for a line through it"
        )
    return landscape


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
    """Filled contours with contour lines, critical points marked by kind and connected minima as curves.

    Levels are log-spaced above the minimum where the heights span decades (see ``levels_for``);
    the colour bar then shows the real heights at evenly spaced level steps, so it does not lie.
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
        tiny = 1e-9 * (lv[-1] - lv[0])
        cb.set_ticks(ticks, labels=["0" if abs(t) < tiny else f"{t:.3g}" for t in ticks])
    drawn_sets = []
    if sets:
        for s in L.minimum_sets:
            pts = s.points(400)
            (line,) = ax.plot(pts[:, 0], pts[:, 1], color="white", lw=2.2, ls="--", zorder=3, label="connected minima")
            drawn_sets.append(line)
    markers = {}
    if critical:
        markers = critical_markers(L, ax)
    for k, (label, x) in enumerate(L.marks):
        (markers[label],) = ax.plot(*x, "P", ms=11, mfc=PALETTE[(k + 1) % len(PALETTE)], mec="black", zorder=6, label=label)
    (x0, x1), (y0, y1) = np.asarray(bounds if bounds is not None else L.bounds)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x$" if not L.params else "$x$", ylabel="$y$")
    ax.set_aspect("equal" if 0.5 < (y1 - y0) / (x1 - x0) < 2 else "auto")
    if title:
        ax.set_title(L.name if title is True else title)
    if legend and (markers or drawn_sets):
        handles = [h for h in ax.get_legend_handles_labels()[0]]
        uniq = {h.get_label(): h for h in handles}
        ax.legend(uniq.values(), uniq.keys(), loc="best", fontsize=7, framealpha=0.85)
    return MapArtists(filled, lines, cb, markers, drawn_sets, ax)


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
    ax.set(xlabel="$x$", ylabel="$y$", zlabel="log10(loss - min)" if is_log else "loss", title=L.name)
    return surf


def slice_1d(landscape, point=None, direction=None, ax=None, *, span: float | None = None, n: int = 401, **kw):
    """The loss along the line ``point + t * direction`` (any dimension); returns the Line2D.

    ``point`` defaults to the global minimum, ``direction`` to the Hessian's sharpest direction there.
    """
    L = landscape if isinstance(landscape, Landscape) else _two_d(landscape)
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
                    "",
                    x + s * d,
                    x,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=2, ls="-" if up else "--"),
                    zorder=6,
                )
            )
        out.append(
            ax.text(
                *(x + 1.15 * d),
                f"$\\lambda$={lam[k]:.3g}",
                color=color,
                fontsize=8,
                zorder=6,
                bbox=dict(fc="white", ec="none", alpha=0.7, pad=1),
            )
        )
    return out


### Runs


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


class PathArtists(NamedTuple):
    lines: list
    starts: list
    ends: list
    diverged: list


def paths(traj, ax=None, *, landscape=None, colors=None, label=None, lw: float = 1.8, every: int = 1) -> PathArtists:
    """Draw runs on a map: a line per run, an open circle at its start and a dot at its end.

    A dict of trajectories (``tl.race``) gets one colour and one legend entry per optimizer.
    A diverged run is drawn up to where it left, and marked there with a cross pointing on
    in the direction it was going. Non-finite positions are never drawn.
    """
    runs = _runs(traj)
    L = landscape or runs[0][1].landscape
    ax = _ax(ax)
    per_run = len(runs) == 1 and run_labels(runs[0][1])
    colors = colors or (PATH_COLORS if len(runs) > 1 or per_run else [PATH_COLORS[0]])
    out = PathArtists([], [], [], [])
    for k, (name, tr) in enumerate(runs):
        _check_traj(tr, L)
        for b in range(tr.runs):
            color = colors[(b if per_run else k) % len(colors)]
            P = tr.positions[::every, b]
            stop = tr.diverged_at[b] if tr.diverged[b] else tr.steps + 1
            P = P[: max(1, int(np.ceil(stop / every)))]
            P = P[np.all(np.isfinite(P), axis=-1)]
            lab = f"{name} {per_run[b]}" if per_run else ((label or name) if b == 0 else None)
            (line,) = ax.plot(P[:, 0], P[:, 1], color=color, lw=lw, zorder=3, label=lab, solid_capstyle="round")
            out.lines.append(line)
            out.starts.extend(ax.plot(*P[0], "o", mfc="none", mec=color, ms=7, mew=1.8, zorder=6))
            if tr.diverged[b]:
                out.diverged.extend(_diverged_mark(ax, tr, b, color))
            else:
                out.ends.extend(ax.plot(*P[-1], "o", color=color, mec="black", ms=6, zorder=6))
    if any(tr.diverged.any() for _, tr in runs):
        ax.plot([], [], "x", color="black", ms=9, mew=2.5, label="diverged")
    return out


def run_labels(tr: Trajectory) -> list[str] | None:
    """``['lr=0.1', 'lr=0.2', ...]`` when the runs differ by hyperparameters (at most 8 runs), else None."""
    varying = {k: np.ravel(v) for k, v in tr.hyper.items() if np.ndim(v) and np.size(v) == tr.runs and np.ptp(np.ravel(v)) > 0}
    if not varying or tr.runs > 8:
        return None
    return [", ".join(f"{k}={v[b]:.3g}" for k, v in varying.items()) for b in range(tr.runs)]


def _diverged_mark(ax, tr, b, color):
    k = int(tr.diverged_at[b])
    last = tr.positions[k - 1, b]
    prev = tr.positions[max(k - 2, 0), b]
    d = last - prev
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = np.clip(last, [x0, y0], [x1, y1])
    marks = ax.plot(*inside, "x", color=color, mec="black", ms=11, mew=3, zorder=7)
    if np.linalg.norm(d) > 0:  # an arrow inside the box, pointing the way the run left
        tail = inside - 0.1 * max(x1 - x0, y1 - y0) * d / np.linalg.norm(d)
        marks.append(
            ax.annotate("", inside, tail, arrowprops=dict(arrowstyle="-|>", color=color, lw=2, mutation_scale=14), zorder=7)
        )
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    toward = np.sign(centre - inside)  # put the words on the side of the mark that faces the middle
    marks.append(
        ax.annotate(
            f"diverged at step {k}",
            inside,
            xytext=(10 * toward[0], 10 * toward[1]),
            textcoords="offset points",
            fontsize=7,
            color="black",
            ha="left" if toward[0] >= 0 else "right",
            va="bottom" if toward[1] >= 0 else "top",
            bbox=dict(fc="white", ec="none", alpha=0.75, pad=1),
            zorder=8,
        )
    )
    return marks


def loss_curves(traj, ax=None, *, log: bool | None = None, gap: bool = True, colors=None, key: str = "values"):
    """Loss against step for every run (one colour per optimizer); log scale where it helps.

    With ``gap``, plots ``loss - min`` when the landscape declares its lowest value, so that
    convergence shows as a straight line on the log axis.
    """
    runs = _runs(traj)
    ax = _ax(ax, figsize=(5.0, 3.2))
    colors = colors or PALETTE
    target = runs[0][1].landscape.min_value if (gap and key == "values") else None
    drawn = []
    per_run = len(runs) == 1 and run_labels(runs[0][1])
    for k, (name, tr) in enumerate(runs):
        V = getattr(tr, key)
        if target is not None:
            V = V - target
        for b in range(tr.runs):
            v = V[:, b].copy()
            if tr.diverged[b]:
                v[tr.diverged_at[b] :] = np.nan
            color = colors[(b if per_run else k) % len(colors)]
            lab = per_run[b] if per_run else (name if b == 0 else None)
            (line,) = ax.plot(np.arange(len(v)), v, color=color, lw=1.4, label=lab)
            drawn.append(line)
    vals = np.concatenate([line.get_ydata() for line in drawn])
    vals = vals[np.isfinite(vals)]
    if log is None:  # log when the positive values span more than two decades (zeros then drop out)
        pos = vals[vals > 0]
        log = vals.size > 0 and vals.min() >= 0 and pos.size > 0 and pos.max() > 100 * np.percentile(pos, 5)
    if log:
        ax.set_yscale("log")
        top = max(vals.max(), 1e-300)
        ax.set_ylim(bottom=max(ax.get_ylim()[0], 1e-16 * top))  # below that it is rounding noise
    what = "gradient norm" if key == "grad_norms" else ("loss - min" if target is not None else "loss")
    ax.set(xlabel="step", ylabel=what)
    if (len(runs) > 1 and runs[0][0]) or per_run:
        ax.legend(fontsize=7)
    return drawn


def grad_norm_curves(traj, ax=None, *, log: bool | None = None, colors=None):
    """Gradient norm against step for every run."""
    return loss_curves(traj, ax, log=log, gap=False, colors=colors, key="grad_norms")


class Panels(NamedTuple):
    fig: object
    map: MapArtists
    paths: PathArtists
    loss: list
    grad: list


def descent(traj, *, landscape=None, log: bool | None = None, figsize=(10, 3.9), title: str | None = None) -> Panels:
    """The map with the paths, and loss and gradient-norm panels beside it: one figure, one call."""
    runs = _runs(traj)
    L = _two_d(landscape or runs[0][1].landscape)
    fig = plt.figure(figsize=figsize, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.35, 1])
    ax_map = fig.add_subplot(grid[:, 0])
    m = landscape_map(L, ax_map, legend=False, title=title or L.name)
    colors = PATH_COLORS if len(runs) > 1 or (len(runs) == 1 and run_labels(runs[0][1])) else [PATH_COLORS[0]]
    p = paths(traj, ax_map, landscape=L, colors=colors)
    handles, labels = ax_map.get_legend_handles_labels()
    uniq = dict(zip(labels, handles, strict=True))
    ax_map.legend(uniq.values(), uniq.keys(), loc="best", fontsize=7, framealpha=0.85)
    curve_colors = [c if c != "#FFFFFF" else "#000000" for c in colors]
    ax_l, ax_g = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    lo = loss_curves(traj, ax_l, log=log, colors=curve_colors)
    gr = grad_norm_curves(traj, ax_g, colors=curve_colors)
    ax_l.set_xlabel("")
    return Panels(fig, m, p, lo, gr)


def race(results: dict, **kw) -> Panels:
    """A race from ``tl.race``: every optimizer's paths on one map, with loss and gradient panels."""
    if not isinstance(results, dict) or not results:
        raise PlotError("race() takes the dict that tl.race returns: {name: Trajectory}")
    return descent(results, **kw)


### Analyses


def sweep(s, ax=None, *, color=PALETTE[5]):
    """Final loss against learning rate (log axis), the ``2 / lambda_max`` line and the diverged band."""
    ax = _ax(ax, figsize=(5.5, 3.5))
    ok = ~s.diverged
    target = s.trajectory.landscape.min_value or 0.0
    loss = np.where(ok, s.final_loss - target, np.nan)
    (line,) = ax.plot(s.lr, loss, "o-", color=color, ms=3, lw=1.5, label="final loss - min")
    ax.set_xscale("log")
    if np.nanmin(loss, initial=np.inf) > 0:
        ax.set_yscale("log")
    band = None
    if s.diverged.any():
        lo = s.lr[s.diverged].min()
        band = ax.axvspan(lo, s.lr.max() * 1.5, color=PALETTE[2], alpha=0.15, lw=0, label="diverged")
    thr = None
    if np.isfinite(s.threshold):
        thr = ax.axvline(s.threshold, color="black", ls="--", lw=1.2, label=r"$2/\lambda_{max}$" + f" = {s.threshold:.3g}")
    ax.set(xlabel="learning rate", ylabel="final loss - min", xlim=(s.lr.min() / 1.2, s.lr.max() * 1.2))
    ax.legend(fontsize=7)
    return line, band, thr


def phase_diagram(lrs, momenta, final_loss, diverged=None, ax=None, *, cmap: str = "viridis"):
    """A learning rate x momentum map of the final loss (log colour), diverged cells in grey."""
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
    """Colour each start of a grid by the declared minimum it ended in (grey: elsewhere; black: diverged)."""
    ax = _ax(ax)
    k = len(b.minima)
    colors = colors or [PALETTE[i % len(PALETTE)] for i in range(k)]
    cmap = mcolors.ListedColormap(["#000000", "#BBBBBB", *colors])
    mesh = ax.pcolormesh(b.X, b.Y, b.label + 2, cmap=cmap, vmin=-0.5, vmax=k + 1.5, shading="nearest", zorder=0)
    if markers:
        for i, c in enumerate(b.minima):
            ax.plot(
                *c.x,
                "*" if c.is_global else "o",
                ms=14 if c.is_global else 9,
                mfc=colors[i],
                mec="black",
                mew=1.2,
                zorder=5,
            )
    handles = [Line2D([], [], ls="none", marker="s", ms=9, mfc=colors[i], mec="none", label=f"min {i}") for i in range(k)]
    present = set(np.unique(b.label))
    if -1 in present:
        handles.append(Line2D([], [], ls="none", marker="s", ms=9, mfc="#BBBBBB", mec="none", label="elsewhere"))
    if -2 in present:
        handles.append(Line2D([], [], ls="none", marker="s", ms=9, mfc="#000000", mec="none", label="diverged"))
    ax.legend(handles=handles, fontsize=7, loc="upper right", framealpha=0.85)
    ax.set(xlabel="$x$", ylabel="$y$", title=f"basins of attraction: {b.trajectory.name} on {b.trajectory.landscape.name}")
    ax.set_aspect("equal")
    return mesh


def escape(e, ax=None, *, color=PALETTE[5], theory=None, steps: int | None = None):
    """Steps to escape a saddle against the noise level: median and quartiles over the seeds that escaped.

    Noise levels at which no run escaped are marked with an upward triangle at the top (at ``steps``,
    the budget of the runs, when given).
    """
    ax = _ax(ax, figsize=(5.0, 3.4))
    S = np.where(e.escaped, e.steps, np.nan).astype(float)
    some = e.escaped.any(axis=1)
    med, q1, q3 = (np.full(len(e.noise), np.nan) for _ in range(3))
    med[some] = np.nanmedian(S[some], axis=1)
    q1[some], q3[some] = np.nanpercentile(S[some], [25, 75], axis=1)
    (line,) = ax.plot(e.noise, med, "o-", color=color, label="median over seeds")
    band = ax.fill_between(e.noise, q1, q3, color=color, alpha=0.25, lw=0, label="quartiles")
    if not some.all():
        top = steps or np.nanmax(np.where(e.escaped, e.steps, 0), initial=1)
        ax.plot(e.noise[~some], np.full((~some).sum(), top), "^", color=color, mec="black", ms=9,
                label=f"no escape in {top:g} steps" if steps else "no escape")  # fmt: skip
    if theory is not None:
        ax.plot(e.noise, theory, "k--", lw=1, label="theory")
    ax.set_xscale("log")
    ax.set(xlabel="noise level", ylabel=f"steps to move {e.radius:g} away")
    ax.legend(fontsize=7)
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
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x$", ylabel="$y$", title=f"{L.name}: where it curves down (red)")
    return mesh


### Networks


def curves(paths: dict, ax=None, *, what: str = "loss", colors=None, barriers: bool = True):
    """Loss (or ``test_loss``, ``accuracy``, ``test_accuracy``) along paths between two parameter vectors, e.g.
    ``{"straight line": nets.interpolate(...), "Bezier curve": nets.curve_along(...)}``, with each barrier."""
    ax = _ax(ax, figsize=(5.5, 3.4))
    colors = colors or PALETTE
    drawn = []
    for k, (name, c) in enumerate(paths.items()):
        label = f"{name} (barrier {c.barrier:.3g})" if what == "loss" and barriers else name
        (line,) = ax.plot(c.t, getattr(c, what), color=colors[k % len(colors)], lw=2, label=label)
        drawn.append(line)
    for t in (0, 1):
        ax.axvline(t, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="t (0 and 1: the two ends)", ylabel=what.replace("_", " "))
    ax.legend(fontsize=8, loc="best")
    return drawn


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


def sharpness(steps, values, lr: float, ax=None, *, color=PALETTE[2]):
    """Sharpness (top Hessian eigenvalue) during training, against the edge of stability ``2 / lr``."""
    ax = _ax(ax, figsize=(5.5, 3.4))
    (line,) = ax.plot(steps, values, "o-", color=color, ms=3, lw=1.5, label="sharpness $\\lambda_{max}$")
    ref = ax.axhline(2 / lr, color="black", ls="--", lw=1.2, label=f"2 / lr = {2 / lr:.3g}")
    ax.set(xlabel="step", ylabel="top Hessian eigenvalue")
    ax.legend(fontsize=8)
    return line, ref
