"""The Landscape type: a loss surface and everything a lesson needs to know about it.

A landscape is one declaration: the loss ``f`` written with ``autograd.numpy`` on
``p[..., 0], p[..., 1], ...`` (so the same code evaluates a point, a batch of starts or a
whole plotting grid), the box to draw, good starts, and the critical points it claims to
have. The tests hold every claim against autograd.

    >>> import autograd.numpy as anp
    >>> from toylands import Landscape
    >>> bowl = Landscape("my bowl", lambda p: p[..., 0] ** 2 + 3 * p[..., 1] ** 2,
    ...                  bounds=[(-2, 2), (-2, 2)])
    >>> bowl.grad([1.0, 1.0])
    array([2., 6.])
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from collections.abc import Callable, Mapping, Sequence

import autograd.numpy as anp
import numpy as np
from autograd import elementwise_grad

from ._args import afford, box, whole

KINDS = ("min", "max", "saddle", "degenerate")

__all__ = ["KINDS", "CriticalPoint", "CriticalSet", "MinimumSet", "Landscape", "LandscapeError", "signature"]


class LandscapeError(ValueError):
    """A landscape, or a point given to one, is not what it should be."""


def signature(eigenvalues, rtol: float = 1e-6, atol: float = 1e-9) -> np.ndarray:
    """The kind that Hessian eigenvalues give, per point: min, max, saddle or degenerate.

    An eigenvalue counts as zero when ``|lambda| <= atol + rtol * max|lambda|``. Eigenvalues of
    both signs make a saddle whatever the zero ones do; otherwise a zero eigenvalue leaves the
    second-derivative test undecided: ``degenerate``.

        >>> signature([[1.0, 2.0], [-1.0, 2.0], [0.0, 2.0]]).tolist()
        ['min', 'saddle', 'degenerate']
    """
    lam = np.asarray(eigenvalues, dtype=float)
    zero = np.asarray(atol) + rtol * np.abs(lam).max(axis=-1, keepdims=True)
    pos = (lam > zero).sum(-1)
    neg = (lam < -zero).sum(-1)
    n = lam.shape[-1]
    kind = np.full(lam.shape[:-1], "degenerate", dtype=object)
    kind[(pos > 0) & (neg > 0)] = "saddle"
    kind[pos == n] = "min"
    kind[neg == n] = "max"
    return kind


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes.

    ``kind`` is what the Hessian says: ``"min"`` (all eigenvalues > 0), ``"max"`` (all < 0),
    ``"saddle"`` (some of each sign) or ``"degenerate"`` (a zero eigenvalue leaves the
    second-derivative test undecided, as at a monkey saddle); ``note`` says in words what
    the point really is where the Hessian cannot; ``name`` is what runs that end there call it
    ("the flat minimum"), where a name helps.
    """

    x: tuple[float, ...]
    kind: str
    value: float
    is_global: bool = False
    note: str = ""
    name: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise LandscapeError(f"critical point kind {self.kind!r} is not one of {KINDS}")
        object.__setattr__(self, "x", tuple(float(v) for v in self.x))
        object.__setattr__(self, "value", float(self.value))

    def __repr__(self):
        where = ", ".join(f"{v:.6g}" for v in self.x)
        tag = " (global)" if self.is_global else ""
        v = self.value
        value = f"{v:.6g}" if v == 0 or abs(v) >= 1e-12 else f"0 (to rounding: {v:.1e})"
        return f"CriticalPoint({self.kind}{tag} at ({where}), value {value})"


@dataclass(frozen=True)
class CriticalSet:
    """A connected set of critical points of one kind, all of value ``value``, traced by a curve.

    ``curve(t)`` maps an array of parameters ``t`` in ``t_range`` to points of shape
    ``t.shape + (dim,)``. Rings, hyperbola branches and lines of minima are declared this
    way (``kind="min"``), since their minima are not isolated points; so is a line of
    saddles (``kind="saddle"``), as where two hidden units of a network coincide.
    """

    name: str
    curve: Callable[[np.ndarray], np.ndarray]
    t_range: tuple[float, float]
    value: float = 0.0
    kind: str = "min"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise LandscapeError(f"critical set kind {self.kind!r} is not one of {KINDS}")
        object.__setattr__(self, "value", float(self.value))

    def points(self, n: int = 400) -> np.ndarray:
        """``n`` points along the curve, shape ``(n, dim)``."""
        return np.asarray(self.curve(np.linspace(*self.t_range, n)), dtype=float)

    def distance(self, x, n: int = 4000) -> np.ndarray:
        """Distance from each point of ``x`` (shape ``(..., dim)``) to the curve."""
        pts = self.points(n)
        x = np.asarray(x, dtype=float)
        d = np.linalg.norm(x[..., None, :] - pts, axis=-1)
        return d.min(axis=-1)


#: A connected set of minima (a CriticalSet of kind "min").
MinimumSet = CriticalSet


def _readonly(mapping):
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Landscape:
    """A loss surface ``f: R^dim -> R`` with its box, starts and declared critical points.

    Args:
      name: a short name (the catalogue's key for catalogue entries).
      f: the loss, written with ``autograd.numpy`` on ``p[..., i]`` and returning ``p.shape[:-1]``.
      bounds: the box to draw and search, one ``(low, high)`` pair per coordinate.
      starts: good start points inside the box, shape ``(k, dim)``; default: the centre of the box.
      critical: the declared critical points (isolated ones).
      critical_sets: connected sets of critical points (rings and lines of minima, lines of saddles).
      complete: True when ``critical`` and ``critical_sets`` hold every critical point in the box.
      tags: words for what the landscape shows (``saddle``, ``ravine``, ``plateau`` ...).
      params: the tunable parameters and their current values; ``with_params`` changes them.
      make: the factory that builds this landscape from ``params`` (catalogue entries name their own).
      description: a paragraph for lessons.
      reference: where the function comes from.
      formula: the formula, in LaTeX, for titles.
      grad_fn, hessian_fn: hand-written vectorized derivatives; autograd's otherwise.
      group: the catalogue group it belongs to.
      log_scale: draw it with log-spaced contour levels (ravines); None lets plots decide.
      marks: named points to draw, ``(("solution A", (0, 0)), ...)``: not claims about critical points.
      labels: the coordinates' names for axes, in LaTeX without dollars (default ``x, y`` or ``x_0, x_1 ...``).
      view: the two coordinates through which an n-D landscape is best seen (``as_2d``), and
        ``view_at`` the point that fixes the others (default: the global minimum).
    """

    name: str
    f: Callable
    bounds: Sequence[tuple[float, float]]
    starts: np.ndarray | None = None
    critical: tuple[CriticalPoint, ...] = ()
    critical_sets: tuple[CriticalSet, ...] = ()
    complete: bool = False
    tags: frozenset[str] = frozenset()
    params: Mapping[str, float] = field(default_factory=dict)
    make: Callable[..., Landscape] | None = field(default=None, repr=False)
    description: str = ""
    reference: str = ""
    formula: str = ""
    grad_fn: Callable | None = field(default=None, repr=False)
    hessian_fn: Callable | None = field(default=None, repr=False)
    group: str = ""
    log_scale: bool | None = None
    marks: tuple[tuple[str, tuple[float, ...]], ...] = ()
    labels: tuple[str, ...] = ()
    view: tuple[int, int] = (0, 1)
    view_at: tuple[float, ...] | None = None

    def __post_init__(self):
        if not callable(self.f):
            raise LandscapeError(f"f must be a function of p, got {type(self.f).__name__}")
        try:
            bounds = np.array(self.bounds, dtype=float)
        except (TypeError, ValueError):
            raise LandscapeError(f"bounds must be numbers, one (low, high) pair per coordinate; got {self.bounds!r}") from None
        if bounds.ndim != 2 or bounds.shape[1] != 2 or len(bounds) == 0:
            raise LandscapeError(
                f"bounds must be one (low, high) pair per coordinate, e.g. [(-2, 2), (-1, 3)]; "
                f"got an array of shape {bounds.shape}"
            )
        if not np.all(np.isfinite(bounds)) or np.any(bounds[:, 0] >= bounds[:, 1]):
            raise LandscapeError(f"each bound must be a finite (low, high) with low < high; got {bounds.tolist()}")
        bounds.setflags(write=False)
        set_ = partial_setattr(self)
        set_("bounds", bounds)
        starts = bounds.mean(axis=1)[None] if self.starts is None else self.starts
        starts = self.as_points(starts, "starts", batch=True)
        if len(starts) == 0:
            raise LandscapeError(f"starts of {self.name!r} is empty: give at least one start point, or none for the centre")
        outside = ~np.all((starts >= bounds[:, 0]) & (starts <= bounds[:, 1]), axis=-1)
        if outside.any():
            raise LandscapeError(
                f"starts of {self.name!r} must lie in its box {bounds.tolist()}; {starts[outside][0].tolist()} does not"
            )
        starts.setflags(write=False)
        set_("starts", starts)
        set_("critical", tuple(self.critical))
        set_("critical_sets", tuple(self.critical_sets))
        if isinstance(self.tags, str):  # frozenset("ravine") would be its letters
            raise LandscapeError(f"tags must be a collection of words, e.g. {{{self.tags!r}}}; got the word {self.tags!r}")
        set_("tags", frozenset(self.tags))
        set_("params", _readonly(self.params))
        labels = tuple(self.labels) or (("x", "y") if self.dim == 2 else tuple(f"x_{k}" for k in range(self.dim)))
        if len(labels) != self.dim:
            raise LandscapeError(f"labels must name each of the {self.dim} coordinates; got {labels}")
        set_("labels", labels)
        view = tuple(int(v) for v in self.view)
        if self.dim >= 2 and not (len(view) == 2 and view[0] != view[1] and all(0 <= v < self.dim for v in view)):
            raise LandscapeError(f"view must be two different coordinates of the {self.dim}-D {self.name!r}; got {self.view}")
        set_("view", view)
        self._probe()
        self._check_critical()

    # ------------------------------------------------------------------ shape
    @property
    def dim(self) -> int:
        """The number of coordinates."""
        return len(self.bounds)

    @property
    def minima(self) -> tuple[CriticalPoint, ...]:
        """The declared isolated minima, global first."""
        mins = [c for c in self.critical if c.kind == "min" or c.is_global]
        return tuple(sorted(mins, key=lambda c: (not c.is_global, c.value)))

    @property
    def minimum_sets(self) -> tuple[CriticalSet, ...]:
        """The declared connected sets of minima (rings, valleys of minima)."""
        return tuple(s for s in self.critical_sets if s.kind == "min")

    @property
    def global_minimum(self) -> CriticalPoint | None:
        """The declared global minimum (the first, where several share the lowest value)."""
        best = [c for c in self.critical if c.is_global]
        return best[0] if best else None

    @property
    def min_value(self) -> float | None:
        """The lowest declared value of a minimum or set of minima, if any is declared."""
        values = [c.value for c in self.critical if c.is_global] + [s.value for s in self.minimum_sets]
        return min(values) if values else None

    @property
    def diameter(self) -> float:
        """The length of the box's diagonal: the yardstick for 'near' and 'far'."""
        return float(np.linalg.norm(self.bounds[:, 1] - self.bounds[:, 0]))

    # ------------------------------------------------------------------ evaluation
    def as_points(self, p, what: str = "point", batch: bool = False) -> np.ndarray:
        """``p`` as a float array of shape ``(..., dim)``, or a clear error saying what is wrong."""
        try:
            arr = np.array(p, dtype=float)
        except (TypeError, ValueError):
            raise LandscapeError(
                f"{what} must be numbers of shape (..., {self.dim}) for landscape {self.name!r}; could not read {p!r} as numbers"
            ) from None
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise LandscapeError(
                f"{what} must have {self.dim} coordinates (last axis of size {self.dim}) for the "
                f"{self.dim}-D landscape {self.name!r}; got shape {arr.shape}"
            )
        if batch:
            if arr.ndim > 2:
                raise LandscapeError(f"{what} must be one point ({self.dim},) or a batch (k, {self.dim}); got shape {arr.shape}")
            arr = arr.reshape(-1, self.dim)
        if not np.all(np.isfinite(arr)):
            raise LandscapeError(f"{what} must be finite numbers; got {arr.tolist() if arr.size < 20 else 'non-finite values'}")
        return arr

    def __call__(self, p) -> np.ndarray:
        """The loss at ``p`` (shape ``(..., dim)``), shape ``p.shape[:-1]``; ``inf`` where it overflows."""
        p = self.as_points(p)
        with np.errstate(all="ignore"):
            return np.asarray(self.f(p), dtype=float)

    def value(self, p) -> np.ndarray:
        """Same as calling the landscape."""
        return self(p)

    def grad(self, p) -> np.ndarray:
        """The gradient at ``p``, shape ``(..., dim)``; hand-written where declared, else autograd."""
        p = self.as_points(p)
        with np.errstate(all="ignore"):
            return self.grad_raw(p)

    def hessian(self, p) -> np.ndarray:
        """The Hessian at ``p``, shape ``(..., dim, dim)``; hand-written where declared, else autograd."""
        p = self.as_points(p)
        with np.errstate(all="ignore"):
            return self.hessian_raw(p)

    def autograd_grad(self, p) -> np.ndarray:
        """The gradient from autograd, whatever ``grad_fn`` says (the oracle for tests)."""
        p = np.asarray(p, dtype=float)
        return _autograd(self, lambda: elementwise_grad(self.f)(p), p.shape)

    def autograd_hessian(self, p) -> np.ndarray:
        """The Hessian from autograd, one pass per coordinate, vectorized over points."""
        p = np.asarray(p, dtype=float)
        g = elementwise_grad(self.f)
        rows = lambda: [elementwise_grad(lambda q, i=i: g(q)[..., i])(p) for i in range(self.dim)]  # noqa: E731
        return _autograd(self, lambda: np.stack(rows(), axis=-2), p.shape)

    # Unchecked fast paths for runners that validated their inputs once.
    def grad_raw(self, p: np.ndarray) -> np.ndarray:
        if self.grad_fn is not None:
            return self.grad_fn(p)
        return self.autograd_grad(p)

    def hessian_raw(self, p: np.ndarray) -> np.ndarray:
        if self.hessian_fn is not None:
            return self.hessian_fn(p)
        return self.autograd_hessian(p)

    # ------------------------------------------------------------------ variants
    def with_params(self, **params) -> Landscape:
        """A new landscape with some parameters changed, e.g. ``ill_conditioned.with_params(kappa=100)``."""
        unknown = set(params) - set(self.params)
        if unknown:
            allowed = ", ".join(self.params) or "none"
            raise LandscapeError(f"{self.name!r} has no parameter {', '.join(sorted(unknown))}; its parameters: {allowed}")
        if self.make is None:
            raise LandscapeError(f"{self.name!r} was not built by a factory, so it cannot change its parameters")
        return self.make(**{**self.params, **params})

    def replace(self, **changes) -> Landscape:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def as_2d(self) -> Landscape:
        """The landscape to draw: itself when 2-D, else its section through the coordinates ``view``."""
        if self.dim == 2:
            return self
        if self.dim < 2:
            raise LandscapeError(f"{self.name!r} is {self.dim}-D: there is no plane to draw")
        return self.section(self.view, self.view_at)

    def section(self, dims: tuple[int, int] = (0, 1), at=None) -> Landscape:
        """The 2-D landscape seen through the plane of coordinates ``dims``, the others held at ``at``.

        ``at`` defaults to the global minimum (or the first start). Declared critical points that
        lie in the plane stay critical points of the section; their kind is re-read from the
        section's own Hessian (a saddle of the whole can be a minimum of a slice). Declared sets
        of critical points that lie in the plane are kept the same way.
        """
        i, j = dims
        if not (0 <= i < self.dim and 0 <= j < self.dim and i != j):
            raise LandscapeError(f"dims must be two different coordinates of the {self.dim}-D {self.name!r}; got {dims}")
        if at is None:
            at = self.global_minimum.x if self.global_minimum else self.starts[0]
        at = self.as_points(at, "at")
        f_full, g_full, pick = self.f, self.grad_raw, [i, j]
        rest = [k for k in range(self.dim) if k not in pick]

        def embed(q):
            cols = [q[..., 0] if k == i else q[..., 1] if k == j else 0 * q[..., 0] + at[k] for k in range(self.dim)]
            return anp.stack(cols, axis=-1)

        critical = []
        for c in self.critical:
            x = np.array(c.x)
            if np.allclose(x[rest], at[rest], atol=1e-9):
                H = self.hessian_raw(x)[np.ix_(pick, pick)]
                kind = str(signature(np.linalg.eigvalsh(H)))
                kind = c.kind if kind == "degenerate" else kind
                critical.append(CriticalPoint(x[pick], kind, c.value, c.is_global, c.note, c.name))
        sets = []
        for s in self.critical_sets:
            pts = s.points(50)
            if np.allclose(pts[:, rest], at[rest], atol=1e-9):
                curve = lambda t, c=s.curve: np.asarray(c(t))[..., pick]  # noqa: E731
                sets.append(CriticalSet(s.name, curve, s.t_range, s.value, s.kind))
        fixed = ", ".join(f"{self.labels[k]} = {at[k]:.3g}" for k in rest)
        lo, hi = self.bounds[pick, 0], self.bounds[pick, 1]
        starts = self.starts[:, pick]
        starts = starts[np.all((starts >= lo) & (starts <= hi), axis=-1)]
        return Landscape(
            f"{self.name}[{self.labels[i]}, {self.labels[j]}]",
            lambda q: f_full(embed(q)),
            bounds=self.bounds[pick],
            starts=starts if len(starts) else None,
            critical=tuple(critical),
            critical_sets=tuple(sets),
            grad_fn=lambda q: g_full(embed(q))[..., pick],
            tags=self.tags | {"section"},
            description=f"The plane of {self.labels[i]} and {self.labels[j]} through {self.name}, with {fixed}. "
            + self.description,
            reference=self.reference,
            formula=self.formula,
            log_scale=self.log_scale,
            labels=(self.labels[i], self.labels[j]),
        )

    def grid(self, n: int = 200, bounds=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an ``n x n`` grid over the box (2-D landscapes)."""
        if self.dim != 2:
            raise LandscapeError(f"grid() draws 2-D landscapes; {self.name!r} is {self.dim}-D: take a 2-D slice first")
        n = whole("n", n, 2, error=LandscapeError, unit=" of points per axis")
        afford(8.0 * 8 * n * n, f"a grid of {n} x {n} points over {self.name!r}", "use a smaller n", error=LandscapeError)
        (x0, x1), (y0, y1) = box("bounds", self.bounds if bounds is None else bounds, 2, error=LandscapeError)
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        with np.errstate(all="ignore"):
            Z = np.asarray(self.f(np.stack([X, Y], axis=-1)), dtype=float)
        return X, Y, Z

    def __repr__(self):
        extra = f", params={dict(self.params)}" if self.params else ""
        return f"Landscape({self.name!r}, dim={self.dim}, {len(self.critical)} critical points{extra})"

    # ------------------------------------------------------------------ checks
    def _probe(self):
        """Evaluate and differentiate ``f`` once on a small batch, so mistakes show up now."""
        probe = np.clip(self.starts[:3] + 0.0137, self.bounds[:, 0], self.bounds[:, 1])  # off symmetric points
        how = (
            "Write f with autograd.numpy on the last axis, e.g.\n"
            "    import autograd.numpy as np\n"
            "    def f(p):\n"
            "        x, y = p[..., 0], p[..., 1]\n"
            "        return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2\n"
            "so that it evaluates a point, a batch and a grid alike. math.sin, np.vectorize, float(...) and\n"
            "plain numpy calls hide f from autograd; use autograd.numpy's np.sin, np.where, np.stack ..."
        )
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(self.f(probe))
        except MemoryError:
            raise
        except Exception as e:
            raise LandscapeError(
                f"f of landscape {self.name!r} failed on a batch of points of shape {probe.shape}: "
                f"{type(e).__name__}: {e}.\n{how}"
            ) from e
        if out.shape != probe.shape[:-1] or not np.issubdtype(out.dtype, np.number):
            raise LandscapeError(
                f"f of landscape {self.name!r} must return one number per point: shape {probe.shape[:-1]} "
                f"for points of shape {probe.shape}, but returned {out.dtype} of shape {out.shape}.\n{how}"
            )
        if not np.any(np.isfinite(out)):
            with np.errstate(all="ignore"):
                at_starts = np.asarray(self.f(self.starts), dtype=float)
            if not np.any(np.isfinite(at_starts)):
                raise LandscapeError(
                    f"f of landscape {self.name!r} is not a finite number at any start point ({at_starts.ravel()[:3].tolist()} "
                    f"at {self.starts[:3].tolist()}): check for a square root or log of a negative number, or a division by 0"
                )
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # autograd: "Output seems independent of input"
            try:
                g = self.autograd_grad(probe)
            except (LandscapeError, MemoryError):
                raise
            except UserWarning as w:
                raise LandscapeError(f"autograd sees no path from p to f of {self.name!r} ({w}).\n{how}") from None
        if g.shape != probe.shape:
            raise LandscapeError(f"autograd's gradient of {self.name!r} has shape {g.shape}, expected {probe.shape}.\n{how}")
        # A gradient autograd computes without complaint can still be wrong (np.vectorize, a detour
        # through plain numpy): compare its slope along a few random directions with central differences.
        # (Directions, not coordinates: a network's landscape has thousands of coordinates.)
        V = np.eye(self.dim) if self.dim <= 3 else np.random.default_rng(0).standard_normal((3, self.dim))
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        h = 1e-6 * (1 + np.abs(probe).max(axis=-1, keepdims=True))
        with np.errstate(all="ignore"):
            fd = np.stack([(self.f(probe + h * v) - self.f(probe - h * v)) / (2 * h[:, 0]) for v in V], axis=-1)
            slope = g @ V.T
        ok = np.isfinite(fd) & np.isfinite(slope)
        if np.any(np.abs(fd - slope)[ok] > 1e-3 * (1 + np.abs(fd)[ok])):
            raise LandscapeError(
                f"autograd's gradient of f of landscape {self.name!r} disagrees with finite differences "
                f"(at {probe[0].tolist()}: slopes along test directions {slope[0].tolist()} by autograd, "
                f"{fd[0].tolist()} by differences), so some step of f is hidden from autograd.\n{how}"
            )


    def _check_critical(self):
        """Hold every declared critical point to the loss: its number of coordinates, a gradient that vanishes
        there (to a thousandth of the gradient's typical size in the box: coordinates rounded to a few digits
        pass), and its value."""
        for c in self.critical:
            if not isinstance(c, CriticalPoint):
                raise LandscapeError(f"critical of {self.name!r} must hold CriticalPoint(x, kind, value)s; got {c!r}")
            if len(c.x) != self.dim:
                raise LandscapeError(f"the declared {c!r} of {self.name!r} has {len(c.x)} coordinates; the landscape "
                                     f"has {self.dim}")  # fmt: skip
        if not self.critical:
            return
        X = np.array([c.x for c in self.critical])
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        box = lo + (hi - lo) * np.random.default_rng(0).random((32, self.dim))
        with np.errstate(all="ignore"):
            G = np.linalg.norm(np.asarray(self.grad_raw(np.concatenate([X, box])), float), axis=-1)
            V = np.asarray(self.f(X), float)
        typical = float(np.nanmedian(G[len(X) :]))
        for c, g, v in zip(self.critical, G[: len(X)], V, strict=True):
            if not g <= 1e-3 * typical + 1e-12:
                raise LandscapeError(
                    f"the declared {c!r} of {self.name!r} is not a critical point: the gradient there is {g:.3g} "
                    f"(typically {typical:.3g} in the box), not 0. Correct its coordinates (tl.critical_points finds "
                    "them), or leave it out"
                )
            if not abs(v - c.value) <= 1e-3 * (1 + abs(c.value)):
                raise LandscapeError(f"the declared {c!r} of {self.name!r} has value {c.value:.6g}, but f there is "
                                     f"{v:.6g}")  # fmt: skip
        if self.dim <= 12:  # a kind the Hessian contradicts (a 'max' where every eigenvalue is positive) is refused
            with np.errstate(all="ignore"):
                H = np.asarray(self.hessian_raw(X), float)
                lam = np.linalg.eigvalsh(0.5 * (H + np.swapaxes(H, -1, -2)))
            scale = (1 + np.abs(V)) / self.diameter**2  # curvature below the landscape's own scale counts as none
            for c, says in zip(self.critical, signature(lam, atol=1e-8 * scale[:, None]), strict=True):
                if c.kind != "degenerate" and says != "degenerate" and says != c.kind:
                    raise LandscapeError(f"the declared {c!r} of {self.name!r} is a {says} by its Hessian (eigenvalues "
                                         f"{np.round(lam[self.critical.index(c)], 6).tolist()}), not a {c.kind}")  # fmt: skip


def partial_setattr(obj):
    """Setter for fields of a frozen dataclass during ``__post_init__``."""
    return lambda name, value: object.__setattr__(obj, name, value)


def _autograd(landscape, compute, shape=None):
    """Run an autograd computation, turning autograd's failures into advice."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(compute(), dtype=float)
    except LandscapeError:
        raise
    except MemoryError:
        raise MemoryError(
            f"not enough memory to differentiate f of landscape {landscape.name!r} on a batch of shape {shape}: "
            "give fewer points at a time"
        ) from None
    except Exception as e:  # autograd fails deep inside; say what to do instead
        raise LandscapeError(
            f"autograd could not differentiate f of landscape {landscape.name!r}: {type(e).__name__}: {e}.\n"
            "f must be built from autograd.numpy operations (import autograd.numpy as np): math.sin, "
            "numpy.vectorize, float(...), in-place assignment (a[i] = ...) and plain numpy functions "
            "break the chain of derivatives. Use np.sin, np.where, np.stack ... from autograd.numpy."
        ) from e
