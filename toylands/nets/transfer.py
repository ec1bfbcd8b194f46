"""Transfer learning as a start in a good region: pretrain on one task, fine-tune on another, against the same
network trained from scratch with the same budget (Yosinski et al. 2014; Neyshabur, Sedghi & Zhang 2020).

    >>> import toylands as tl
    >>> from toylands import nets
    >>> moons = nets.mlp_landscape(nets.two_moons(n=60), hidden=[8, 8])
    >>> t = nets.transfer(moons, nets.mlp_landscape(nets.rotate(nets.two_moons(n=20, seed=1), 30), hidden=[8, 8]),
    ...                   pretrain_steps=100, steps=50, seeds=2)
    >>> t.finetuned.runs, t.scratch.runs
    (2, 2)
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .. import optim
from .._args import afford, positive, real
from ..run import Trajectory, run
from .curvature import top_eigenvalues
from .data import DataError, Dataset, make
from .mlp import NetLandscape, accuracy, init_params

__all__ = ["Transfer", "transfer", "new_head", "rotate"]


def rotate(data: Dataset, degrees: float) -> Dataset:
    """The same 2-D data set turned by ``degrees`` about the origin (a related task: same shapes, new place)."""
    if data.X.shape[1] != 2:
        raise DataError(f"rotate turns 2-D inputs; these have {data.X.shape[1]}")
    a = np.radians(real("degrees", degrees, error=DataError))
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return make(data.X @ R.T, data.y, data.X_test @ R.T, data.y_test, task=data.task,
                name=f"{data.name} turned {float(degrees):g} degrees")  # fmt: skip


def _same_body(source: NetLandscape, target: NetLandscape):
    a, b = source.model, target.model
    if (a.sizes[:-1], a.activation, a.bias, a.residual) != (b.sizes[:-1], b.activation, b.bias, b.residual):
        raise DataError(f"the two networks must share every layer but the last to carry weights over: "
                        f"{a!r} and {b!r}")  # fmt: skip


def new_head(source: NetLandscape, target: NetLandscape, theta, seed: int = 0) -> np.ndarray:
    """``theta`` (``source``'s parameters, or a batch of them) carried over to ``target``: every layer but the last
    kept, the last (the output layer, "the head") drawn afresh as ``init_params`` draws it with ``seed``."""
    _same_body(source, target)
    theta = np.asarray(theta, float)
    if theta.shape[-1] != source.dim:
        raise DataError(f"theta must have {source.dim} entries ({source.model.name}); got {theta.shape[-1]}")
    *body, _ = source.model.unflatten(theta)
    head = target.model.unflatten(init_params(target.model, seed))[-1]
    lead = theta.shape[:-1]
    head = tuple(np.broadcast_to(h, lead + h.shape) for h in head)
    return target.model.flatten([*body, head])


class Transfer(NamedTuple):
    """Fine-tuning from a pretrained network against training from scratch, one run per seed of each."""

    pretrained: np.ndarray  # (seeds, P_source): the source network trained from each seed's start
    finetuned: Trajectory  # on the target, from the pretrained body and a new head
    scratch: Trajectory  # on the target, from init_params with the same seeds
    target_loss: float
    steps_to_target: dict  # {"transfer": (seeds,), "scratch": (seeds,)}: first step at or below target_loss, inf if never
    test_accuracy: dict  # {"transfer": (seeds,), "scratch": (seeds,)} at the end of the budget
    sharpness: dict  # {"transfer": (seeds,), "scratch": (seeds,)}: the top Hessian eigenvalue at the start
    distance: dict  # {"transfer": (seeds,), "scratch": (seeds,)}: how far each run moved, |end - start|

    def summary(self) -> str:
        """One line per way of starting: medians over the seeds."""

        def med(d, k):
            return float(np.median(d[k]))

        lines = []
        for k in ("transfer", "scratch"):
            s = self.steps_to_target[k]
            reached = f"{med(self.steps_to_target, k):.0f} steps" if np.isfinite(s).sum() * 2 > len(s) else "not reached"
            lines.append(f"{k:9s}: loss {self.target_loss:g} in {reached} (median of {len(s)}), test accuracy "
                         f"{med(self.test_accuracy, k):.2f}, start sharpness {med(self.sharpness, k):.3g}, "
                         f"moved {med(self.distance, k):.3g}")  # fmt: skip
        return "\n".join(lines)


#: Pretrained weights by (network, data, seeds, steps, rate): a lesson transfers from one source to several targets,
#: and a check recomputes its exercise's transfer; each pretraining (most of a transfer's time) runs once per kernel.
_PRETRAINED: dict[tuple, np.ndarray] = {}


def _pretrained(source: NetLandscape, seeds: int, pretrain_steps: int, lr: float, progress) -> np.ndarray:
    """``seeds`` runs of Adam on ``source`` from ``init_params(source.model, s)``, their final weights (cached)."""
    import hashlib

    starts = np.stack([init_params(source.model, s) for s in range(seeds)])
    data = hashlib.sha1(b"".join(np.ascontiguousarray(a).tobytes() for a in (source.data.X, source.data.y, starts)))
    key = (source.name, tuple(source.model.sizes), data.hexdigest(), repr(np.asarray(source(starts)).tolist()),
           pretrain_steps, lr)  # fmt: skip
    if key not in _PRETRAINED:
        if len(_PRETRAINED) >= 8:
            _PRETRAINED.pop(next(iter(_PRETRAINED)))
        _PRETRAINED[key] = run(optim.adam(lr), source, starts, pretrain_steps, progress=progress).final
    return _PRETRAINED[key].copy()


def transfer(source: NetLandscape, target: NetLandscape, *, pretrain_steps: int = 800, steps: int = 300,
             lr: float = 1e-2, seeds: int = 3, target_loss: float = 0.1, keep_head: bool = False,
             progress: bool | None = None) -> Transfer:  # fmt: skip
    """Pretrain on ``source``, fine-tune on ``target``, and train ``target`` from scratch, all with Adam at ``lr``.

    Every seed ``s`` pretrains from ``init_params(source.model, s)`` for ``pretrain_steps``; its body (every layer
    but the last) starts the fine-tuning with a new head (``keep_head=True`` keeps the pretrained head too, when
    the outputs match). The scratch run starts at ``init_params(target.model, s)``. Both get ``steps``
    steps: the same budget. All seeds run as one batch.
    """
    _same_body(source, target)
    seeds = optim.whole_number("seeds", seeds, error=DataError)
    pretrain_steps = optim.whole_number("pretrain_steps", pretrain_steps, error=DataError)
    steps = optim.whole_number("steps", steps, error=DataError)
    target_loss = positive("target_loss", target_loss, error=DataError)
    afford(8.0 * 2 * seeds * max(source.dim, target.dim) * (max(pretrain_steps, steps) + 1),
           f"transfer with {seeds} seeds x {max(pretrain_steps, steps)} steps", "use fewer seeds or steps",
           error=DataError)  # fmt: skip
    if keep_head and source.model.sizes[-1] != target.model.sizes[-1]:
        raise DataError("keep_head=True needs the same number of outputs on both tasks; use a new head")
    pretrained = _pretrained(source, seeds, pretrain_steps, float(lr), progress)
    heads = np.stack([new_head(source, target, pretrained[s], seed=1000 + s) for s in range(seeds)])
    tuned_start = pretrained.copy() if keep_head else heads
    scratch_start = np.stack([init_params(target.model, s) for s in range(seeds)])
    both = run(optim.adam(lr), target, np.concatenate([tuned_start, scratch_start]), steps, progress=progress)
    finetuned, scratch = replace(both[:seeds], name="fine-tuned"), replace(both[seeds:], name="from scratch")

    def reach(tr):
        below = tr.values <= target_loss
        return np.where(below.any(0), below.argmax(0), np.inf)

    runs = {"transfer": finetuned, "scratch": scratch}
    return Transfer(
        pretrained,
        finetuned,
        scratch,
        float(target_loss),
        {k: reach(tr) for k, tr in runs.items()},
        {k: np.atleast_1d(accuracy(target, tr.final, test=True)) for k, tr in runs.items()},
        {k: np.array([top_eigenvalues(target, x)[0] for x in tr.positions[0]]) for k, tr in runs.items()},
        {k: np.linalg.norm(tr.final - tr.positions[0], axis=-1) for k, tr in runs.items()},
    )
