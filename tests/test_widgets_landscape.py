"""Race, LandscapeViewer and Picker on Scene (issue 21): the Python behaviour they keep."""

import base64

import pytest

import toylands.widgets as w


def test_picker_draws_each_picture_once_and_chooses_with_no_kernel():
    calls = []

    def draw(v, fig):
        calls.append(v)
        fig.add_subplot().plot([0, 1], [0, v])

    p = w.Picker({"small": 0.1, "large": 1.0}, draw, "scale", describe=lambda v: f"scale {v}")
    assert calls == [0.1, 1.0], "every picture is drawn once, when the Picker is made"
    (pictures,) = p.layers
    assert pictures["kind"] == "picture" and pictures["dims"] == ["choice"] and len(pictures["items"]) == 2
    assert not any(c["kernel"] for c in p.controls), "choosing needs no kernel"
    first = p.snapshot()
    p.set(choice=1.0)
    assert p.readout == "scale 1.0" and p.snapshot() != first and p.snapshot() == p.picture(1.0)
    p.set(choice=0.1)
    assert p.snapshot() == first and calls == [0.1, 1.0]
    assert p._repr_mimebundle_()["image/png"] == base64.b64encode(first).decode()
    with pytest.raises(ValueError, match="choice must be one of small, large; got 0.5"):
        p.set(choice=0.5)
    with pytest.raises(ValueError, match="Picker needs at least one option"):
        w.Picker({}, draw)
