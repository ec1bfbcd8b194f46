"""The science viewers on Scene: GrokkingViewer, SignalPropagation and TemperedPosterior.

Headless: values, readouts, what each layer holds, the data budget at the lessons' sizes, bad input refused in
words. In chromium (over the saved state, as on the site): the first slider redraws with no kernel, the browser's
picture is matplotlib's paint() of the same state, and the viewer reads on a dark 390-px page.
"""

import io
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scene_page import first_slider_redraws_as_matplotlib_paints, scene_page  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import nets, plot  # noqa: E402
from toylands.widgets import GrokkingViewer, SignalPropagation, TemperedPosterior  # noqa: E402


def _bytes(w) -> int:
    return sum(len(d.get("data") or b"") for d in w.layers)


@pytest.fixture(scope="module")
def runs():
    return nets.grokking(p=11, width=32, weight_decay=[0.5, 2.0], steps=60, every=10, progress=False)


@pytest.fixture(scope="module")
def posterior():
    r = tl.learning_coefficient(tl.cross, [0, 0], n_beta=100, chains=4, draws=200, seed=0)
    cases = {"cross": (tl.cross, (0, 0), 0.5), "hyperbola": (tl.hyperbola, (1, 1), 0.5), "bowl": (tl.bowl, (0, 0), None)}
    return TemperedPosterior(cases, records={"cross": r}, n_beta=100, chains=4, draws=200, dots=300)


def _fake_runs(decays=(0.0, 0.3, 0.6, 1.2), records=101, neurons=256, freqs=16):
    """Records shaped as lesson 11's (p = 31, width 256, 1000 steps every 10), without training them."""
    rng = np.random.default_rng(0)
    steps = np.arange(records) * 10
    out = []
    for d in decays:
        s = rng.random((records, neurons, freqs))
        out.append(SimpleNamespace(weight_decay=d, steps=steps, spectra=s / s.sum(-1, keepdims=True),
                                   train_accuracy=np.linspace(0, 1, records), test_accuracy=np.linspace(0, 1, records) ** 3,
                                   purity=np.linspace(0.1, 0.9, records)))  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------- GrokkingViewer
def test_grokking_viewer_selects_a_run_and_a_step_from_what_it_computed(runs):
    w = GrokkingViewer(runs)
    assert [c["name"] for c in w.controls] == ["weight_decay", "step"] and not any(c["kernel"] for c in w.controls)
    assert w.controls[1]["options"] == ["0", "10", "20", "30", "40", "50", "60"]  # small runs: every record
    w.set(weight_decay=2.0, step=30)
    assert w.run is runs[1] and w.index == 3 and w.state == {"weight_decay": 2.0, "step": 30}
    assert w.readout == (f"weight decay 2, step 30: train accuracy {runs[1].train_accuracy[3]:.0%}, test accuracy "
                         f"{runs[1].test_accuracy[3]:.0%}, frequency purity {runs[1].purity[3]:.2f}")  # fmt: skip
    image, train, test, purity, now = w._layers
    want = runs[1].spectra[3][plot.neuron_order(runs[1])]
    np.testing.assert_allclose(w.item(image), want, atol=1e-7)
    assert image["style"]["smooth"] is False and image["style"]["cmap"] == "magma" and image["dims"] == ["weight_decay", "step"]
    np.testing.assert_allclose(w.item(test)[:, 1], runs[1].test_accuracy, atol=1e-7)
    np.testing.assert_allclose(w.item(train)[:, 0], np.maximum(runs[1].steps, 1))  # step 0 sits at 1 on the log axis
    assert w.item(now) == 30 and now["dims"] == ["step"] and train["dims"] == ["weight_decay"]
    assert w.axes[0]["xscale"] == "log" and w.axes[1]["xscale"] == "linear"
    w.set(step=0)
    assert w.item(now) == 1 and w.readout.startswith("weight decay 2, step 0:")


def test_grokking_viewer_refuses_what_it_cannot_show(runs):
    w = GrokkingViewer(runs)
    with pytest.raises(ValueError, match=r"^step must be one of 0, 10, 20, 30, 40, 50, 60; got 35"):
        w.set(step=35)
    with pytest.raises(ValueError, match=r"^weight_decay must be one of 0.5, 2; got 1.0"):
        w.set(weight_decay=1.0)
    with pytest.raises(ValueError, match="same steps"):
        GrokkingViewer([runs[0], nets.grokking(p=11, width=32, steps=20, every=10, progress=False)])
    with pytest.raises(ValueError, match="its own weight decay"):
        GrokkingViewer([runs[0], runs[0]])
    with pytest.raises(ValueError, match="at least one run"):
        GrokkingViewer([])
    with pytest.raises(ValueError, match="records must be a whole number of at least 2"):
        GrokkingViewer(runs, records=1)
    one = GrokkingViewer(runs[0])
    assert [c["name"] for c in one.controls] == ["step"] and one.run is runs[0]
    with pytest.raises(KeyError, match="no control 'weight_decay'; controls: step"):
        one.set(weight_decay=0.5)


def test_grokking_viewer_keeps_to_the_data_budget_at_lesson_11s_size():
    """Lesson 11: four weight decays, 101 records of 256 neurons x 16 frequencies (6.6 MB of spectra as float32)."""
    fake = _fake_runs()
    w = GrokkingViewer(fake)
    shown = [int(s) for s in w.controls[1]["options"]]
    assert _bytes(w) <= 1_500_000 and len(shown) >= 20, (_bytes(w), len(shown))
    assert shown[0] == 0 and shown[-1] == 1000 and shown == sorted(set(shown))
    gaps = np.diff(np.log(shown[1:]))[np.diff(shown[1:]) > 10]  # where a record was left out
    assert gaps.max() < 1.3 * np.log(1000 / 10) / (len(shown) - 2), f"not spread evenly on the log axis: {shown}"
    assert 100 not in shown  # recorded, but not offered
    w.set(weight_decay=0.6, step=shown[5])
    np.testing.assert_allclose(w.spectra, fake[2].spectra[w.index][plot.neuron_order(fake[2])])
    assert w.index == shown[5] // 10
    with pytest.raises(ValueError, match=r"^step must be one of 0, 10, 20"):
        w.set(step=100)
    assert len(GrokkingViewer(fake, records=5).controls[1]["options"]) == 5


# ---------------------------------------------------------------------------------------------- SignalPropagation
def test_signal_propagation_holds_theory_and_measurement_for_every_value():
    w = SignalPropagation(sigma_b2=0.05, values=[1.0, 4.0], depth=8, width=40)
    assert w.state == {"sigma_w2": 1.0} and w.controls[0]["options"] == ["1", "4"]
    assert "ordered" in w.readout
    w.set(sigma_w2=4.0)
    assert "chaotic" in w.readout and w.sigma_w2 == 4.0
    theory = nets.correlation_curve(np.array([0.1, 0.5, 0.9]), 8, 4.0, 0.05)
    np.testing.assert_allclose(w.item(w._layers[0])[:, 1], theory[:, 0], atol=1e-6)
    np.testing.assert_allclose(w.item(w._layers[4])[:, 1], theory[:, 2], atol=1e-6)
    measured = nets.propagate(4.0, 0.05, c0=np.array([0.1, 0.5, 0.9]), depth=8, width=40, seed=0)
    np.testing.assert_allclose(w.item(w._layers[1])[:, 1], measured.c[:, 0], atol=1e-6)
    grad = w.item(w._layers[6])
    np.testing.assert_allclose(grad[:, 1], (measured.grad / measured.grad[-1]), rtol=1e-6)
    assert w.axes[1]["yscale"] == "log" and len(w.layer_index) == 9
    with pytest.raises(ValueError, match=r"^sigma_w2 must be one of 1, 4; got 2.0"):
        w.set(sigma_w2=2.0)


def test_signal_propagation_offers_the_edge_by_default():
    w = SignalPropagation(depth=6, width=30)
    edge = round(float(nets.critical_sigma_w2(0.05)), 3)
    assert edge in w.values and len(w.values) == 11
    w.set(sigma_w2=edge)
    assert "on the edge of chaos" in w.readout
    assert _bytes(w) < 100_000


# ---------------------------------------------------------------------------------------------- TemperedPosterior
def test_tempered_posterior_selects_a_minimum_and_a_temperature(posterior):
    w = posterior
    assert [c["kind"] for c in w.controls] == ["select", "slider"] and w.get("minimum") == "cross"
    assert w.get("n_beta") == 100.0 or abs(np.log(w.get("n_beta") / 100)) < 1e-9
    w.set(minimum="hyperbola", n_beta=10.0)
    r = w.records["hyperbola"]
    assert w.rung == 3 and w.readout == f"hyperbola at nβ = 10: estimate {r.curve[3]:.3f} (true λ = 0.5)"
    image, draws, at, known, curve, dots, ring = w._layers
    assert len(w.item(draws)) == 300 and len(r.samples[3]) > 300  # thinned evenly for the browser
    np.testing.assert_allclose(w.item(draws), r.samples[3][np.linspace(0, len(r.samples[3]) - 1, 300).round().astype(int)],
                               atol=1e-6)  # fmt: skip
    np.testing.assert_allclose(w.item(ring), [[10.0, r.curve[3]]], rtol=1e-6)
    np.testing.assert_allclose(w.item(curve)[:, 1], r.curve, rtol=1e-6)
    assert w.item(known) == 0.5 and w.item(at).tolist() == [[1.0, 1.0]]
    assert w.axes[0]["xlim"] == [-3.0, 3.0] and w.axes[0]["ylim"] == [-3.0, 3.0]  # the bounds that hold all three
    m = w.item(image)
    assert m.shape == (120, 120) and m.min() == 0 and m.max() == 1
    w.set(minimum="bowl")
    assert not np.isfinite(w.item(known)) and "true λ" not in w.readout
    with pytest.raises(ValueError, match=r"^minimum must be one of cross, hyperbola, bowl; got 'saddle'"):
        w.set(minimum="saddle")
    w.set(minimum="cross")


def test_tempered_posterior_refuses_bad_cases():
    with pytest.raises(ValueError, match="cases must map names to"):
        TemperedPosterior({"bowl": (tl.bowl, (0, 0))})
    with pytest.raises(ValueError, match="dots must be a whole number"):
        TemperedPosterior({"bowl": (tl.bowl, (0, 0), 1.0)}, dots=0)


# ---------------------------------------------------------------------------------------------- in chromium


@pytest.mark.parametrize("which", ["grokking", "signal", "posterior"])
def test_the_first_slider_redraws_in_the_browser_as_matplotlib_paints_it(which, runs, posterior):
    w = {"grokking": lambda: GrokkingViewer(runs), "signal": lambda: SignalPropagation(values=[1.0, 2.0, 4.0], depth=8, width=40),
         "posterior": lambda: posterior}[which]()  # fmt: skip
    first = {"grokking": "weight_decay", "signal": "sigma_w2", "posterior": "n_beta"}[which]
    first_slider_redraws_as_matplotlib_paints(w, first)


def test_the_grokking_viewer_reads_on_a_dark_page_390_px_wide(runs, tmp_path):
    w = GrokkingViewer(runs)
    w.set(weight_decay=2.0, step=60)
    with scene_page(w, width=390, height=800, dark=True) as page:
        png = page.screenshot(full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
    (tmp_path / "grokking-dark-390.png").write_bytes(png)
    assert width <= 390, f"the widget is {width} px wide on a 390-px screen"
    assert plt.imread(io.BytesIO(png)).shape[1] == 390
