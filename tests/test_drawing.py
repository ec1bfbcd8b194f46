"""The drawing layer's map from data to pixels (toylands/widgets/_drawing.py): matplotlib's own transform, on linear
and log axes. (The widgets' drawings in chromium against matplotlib's: tests/test_explorer.py, test_widgets_*.py.)
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("anywidget")
from toylands.widgets._drawing import still, to_pixel  # noqa: E402


@pytest.mark.parametrize("xscale, yscale", [("linear", "linear"), ("log", "linear"), ("linear", "log"), ("log", "log")])
def test_the_affine_map_is_matplotlibs_own(xscale, yscale):
    fig, ax = plt.subplots(figsize=(4, 3), dpi=90)
    ax.set(xscale=xscale, yscale=yscale, xlim=(1e-2, 30), ylim=(3e-3, 5))
    ax.set_title("a title moves the box")
    fig.colorbar(ax.imshow([[0, 1]], extent=(1e-2, 30, 3e-3, 5), aspect="auto"))
    view = still(fig, ax)
    x, y = np.geomspace(1e-2, 30, 7), np.geomspace(3e-3, 5, 7)
    want = ax.transData.transform(np.c_[x, y])
    px, py = to_pixel(view, x, y)
    np.testing.assert_allclose(px, want[:, 0], atol=1e-6)
    np.testing.assert_allclose(py, view["size"][1] - want[:, 1], atol=1e-6)
    assert plt.imread(io.BytesIO(view["png"])).shape[:2] == (view["size"][1], view["size"][0])
    plt.close(fig)


def test_a_scale_the_browser_cannot_draw_is_refused():
    fig, ax = plt.subplots()
    ax.set_xscale("symlog")
    with pytest.raises(ValueError, match="linear or log axes only; the x axis is 'symlog'"):
        still(fig, ax)
    plt.close(fig)


def test_the_size_is_the_pictures_own_when_the_figure_is_a_fraction_of_a_pixel_wide():
    fig, ax = plt.subplots(figsize=(9.6, 4.0), dpi=88)  # 844.8 x 352 px: savefig writes 844
    view = still(fig, ax)
    assert plt.imread(io.BytesIO(view["png"])).shape[:2] == (view["size"][1], view["size"][0]) == (352, 844)
    plt.close(fig)
