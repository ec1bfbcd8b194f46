"""``python -m toylands site`` loses nothing it did not write, and stops cleanly.

Organized by what is asked of it: where a site may be written (never over, inside or around the lessons), what a
rebuild deletes (only what the last build wrote, by its manifest), and a build that fails or is stopped (the old site
stays whole, no temporary folder, no kernel and no Sphinx left running). Real folders throughout. Where the logic
under test is the folder handling, Sphinx is stood in for by a tiny script that writes a page per notebook (it runs
as a subprocess, as Sphinx does), and the lessons hold no code, so that no kernel starts; the kernel's own cases run
a real one. tests/test_site.py builds real sites.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest

import toylands.site
from toylands.__main__ import main
from toylands.site import MARKER, SiteError, Stopped, build_site

FAKE_SPHINX = textwrap.dedent("""\
    import os, pathlib, sys, time
    src, out, how = map(pathlib.Path, sys.argv[1:4])
    mode = how.read_text() if how.exists() else "build"
    if mode == "fail":
        sys.exit("Sphinx stood in for: the build failed")
    if mode == "hang":
        (how.parent / "sphinx.pid").write_text(str(os.getpid()))
        time.sleep(120)
    for nb in src.glob("*.ipynb"):
        (out / f"{nb.stem}.html").write_text(f"<h1>{nb.stem}</h1>")
        (out / "_static" / "by-page" / nb.stem).mkdir(parents=True)
        (out / "_static" / "by-page" / nb.stem / "page.js").write_text(nb.stem)
    (out / "_static" / "toylands.css").write_bytes((src / "_static" / "toylands.css").read_bytes())
""")


@pytest.fixture
def sphinx(tmp_path, monkeypatch):
    """Sphinx stood in for; ``sphinx.write_text("fail" | "hang")`` makes it fail or hang. Temporary folders go to
    tmp_path/tmp, so that a test sees any left behind."""
    script, how = tmp_path / "fake_sphinx.py", tmp_path / "how" / "build"
    script.write_text(FAKE_SPHINX)
    how.parent.mkdir()
    command = [sys.executable, str(script)]
    monkeypatch.setattr(toylands.site, "_sphinx", lambda src, out, doctrees: [*command, str(src), str(out), str(how)])
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    yield how
    monkeypatch.setattr("tempfile.tempdir", None)


def _course(folder: Path, *lessons: str, code: dict | None = None) -> Path:
    """An index and markdown-only lessons (nothing to execute); ``code`` maps a lesson to the source of a code cell."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("index", *lessons):
        cells = [nbformat.v4.new_markdown_cell(f"# {name}\n\nText.")]
        if name in (code or {}):
            cells.append(nbformat.v4.new_code_cell(code[name]))
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _tree(folder: Path) -> dict:
    """Everything under ``folder``: each file's bytes, each link's target, each folder."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes() if path.is_file() else "/"
    return out


def _listed(site: Path) -> set:
    return set(json.loads((site / MARKER).read_text())["files"])


def _debris(tmp_path: Path) -> list:
    """Temporary folders a build left: beside the site (hidden) or in the temporary folder."""
    return [p.name for p in tmp_path.rglob(".*.building-*")] + [p.name for p in (tmp_path / "tmp").glob("toylands-site-*")]


# ------------------------------------------------------------------------------ where a site may be written


@pytest.mark.parametrize("case", ["site is the lessons", "site inside the lessons", "lessons inside the site",
                                  "site links to the lessons", "site links to around the lessons",
                                  "site inside the executed", "executed inside the site"])  # fmt: skip
def test_a_site_folder_that_overlaps_what_the_build_reads_is_refused_and_nothing_is_written(tmp_path, sphinx, case):
    lessons = _course(tmp_path / "P" / "lessons", "01-a")
    (tmp_path / "P" / "notes.txt").write_text("the teacher's notes")
    executed = _course(tmp_path / "done", "01-a")
    out, extra = {"site is the lessons": (lessons, []), "site inside the lessons": (lessons / "site", []),
                  "lessons inside the site": (tmp_path / "P", []),
                  "site links to the lessons": (tmp_path / "link", []),
                  "site links to around the lessons": (tmp_path / "link-up", []),
                  "site inside the executed": (executed / "site", ["--executed", str(executed)]),
                  "executed inside the site": (tmp_path / "P", ["--executed", str(lessons / "done")])}[case]  # fmt: skip
    (tmp_path / "link").symlink_to(lessons)
    (tmp_path / "link-up").symlink_to(tmp_path / "P")
    if case == "executed inside the site":  # the lessons elsewhere, the executed copies inside the site folder
        lessons = _course(tmp_path / "elsewhere", "01-a")
        _course(tmp_path / "P" / "lessons" / "done", "01-a")
    before = _tree(tmp_path)
    with pytest.raises(SiteError, match=r"the site folder .* (is|is inside|holds) the (lessons folder|folder of executed)"):
        build_site(out, lessons, executed=extra[1] if extra else None, progress=False)
    for force in ([], ["--force"]):  # the case: site P --lessons P/lessons --force, then a plain rebuild
        assert main(["site", str(out), "--lessons", str(lessons), *extra, *force]) == 2
    assert _tree(tmp_path) == before


def test_a_folder_of_someone_elses_files_is_refused_and_a_file_is_no_site_folder(tmp_path, sphinx, capsys):
    lessons = _course(tmp_path / "lessons", "01-a")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("notes")
    (tmp_path / "a-file").write_text("a file")
    before = _tree(tmp_path)
    with pytest.raises(SiteError, match="not a toylands site; nothing was written.*--force"):
        build_site(theirs, lessons, progress=False)
    assert main(["site", str(tmp_path / "a-file"), "--lessons", str(lessons)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert _tree(tmp_path) == before and not _debris(tmp_path)


# ------------------------------------------------------------------------------ what a rebuild deletes


def test_a_rebuild_deletes_only_what_the_last_build_wrote(tmp_path, sphinx):
    lessons = _course(tmp_path / "lessons", "01-a", "02-b")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)
    written = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {MARKER}
    assert _listed(site) == written and {"index.html", "01-a.html", "_static/by-page/01-a/page.js"} <= written
    manifest = json.loads((site / MARKER).read_text())
    import hashlib

    assert manifest["files"]["01-a.html"] == [len(b"<h1>01-a</h1>"), hashlib.sha256(b"<h1>01-a</h1>").hexdigest()]
    # The user's files inside the site: at the top, beside ours, in a folder of their own, an empty folder.
    (site / "notes.txt").write_text("mine")
    (site / "_static" / "mine.css").write_text("body {}")
    (site / "_static" / "by-page" / "01-a" / "mine.txt").write_text("mine, in a folder of ours")
    (site / "drafts").mkdir()
    (site / "drafts" / "draft.md").write_text("a draft")
    (site / "empty").mkdir()
    (lessons / "02-b.ipynb").rename(lessons / "03-c.ipynb")  # a lesson gone, one new
    (lessons / "01-a.ipynb").unlink()
    build_site(site, lessons, progress=False)
    assert not (site / "02-b.html").exists() and not (site / "_static" / "by-page" / "02-b").exists()  # emptied: gone
    assert (site / "03-c.html").read_text() == "<h1>03-c</h1>" and not (site / "01-a.html").exists()
    assert (site / "notes.txt").read_text() == "mine" and (site / "_static" / "mine.css").exists()
    assert (site / "_static" / "by-page" / "01-a" / "mine.txt").exists()  # the folder stays: it holds the user's file
    assert (site / "drafts" / "draft.md").exists() and (site / "empty").is_dir()
    assert _listed(site) == {"index.html", "03-c.html", "_static/toylands.css", "_static/by-page/index/page.js",
                             "_static/by-page/03-c/page.js"}  # fmt: skip
    assert not _debris(tmp_path)


def test_a_file_of_ours_that_the_user_changed_is_theirs_now(tmp_path, sphinx):
    lessons = _course(tmp_path / "lessons", "01-a", "02-b")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)
    (site / "02-b.html").write_text("my notes on lesson 2")  # changed, and the next build writes no 02-b.html
    (site / "index.html").write_text("my own index")  # changed, and the next build writes index.html
    (lessons / "02-b.ipynb").unlink()
    before = _tree(site)
    with pytest.raises(SiteError, match=r"1 files in .* that the last build did not write would be replaced \(index.html\)"):
        build_site(site, lessons, progress=False)
    assert _tree(site) == before and not _debris(tmp_path)
    build_site(site, lessons, force=True, progress=False)  # replaces index.html, which is ours from now on
    assert (site / "index.html").read_text() == "<h1>index</h1>" and (site / "02-b.html").read_text() == "my notes on lesson 2"
    assert "02-b.html" not in _listed(site) and "index.html" in _listed(site)


def test_force_builds_beside_the_users_files_and_later_builds_keep_them(tmp_path, sphinx):
    lessons = _course(tmp_path / "lessons", "01-a", "02-b")
    folder = tmp_path / "theirs"
    (folder / "data").mkdir(parents=True)
    (folder / "notes.txt").write_text("notes")
    (folder / "data" / "marks.csv").write_text("alice,10")
    assert main(["site", str(folder), "--lessons", str(lessons)]) == 2  # refused without --force
    assert main(["site", str(folder), "--lessons", str(lessons), "--force"]) == 0
    assert (folder / "01-a.html").exists() and not _listed(folder) & {"notes.txt", "data/marks.csv"}
    (lessons / "01-a.ipynb").unlink()
    (lessons / "02-b.ipynb").unlink()
    assert main(["site", str(folder), "--lessons", str(lessons)]) == 0  # a plain rebuild: the folder is a site now
    assert (folder / "notes.txt").read_text() == "notes" and (folder / "data" / "marks.csv").read_text() == "alice,10"
    assert not (folder / "01-a.html").exists() and (folder / "index.html").exists()


@pytest.mark.parametrize("marker", ["empty", "an older toylands' line", "not JSON", "not UTF-8", "a folder",
                                    "lists a path outside", "lists an absolute path", "another version",
                                    "files not a mapping"])  # fmt: skip
def test_a_marker_that_is_no_manifest_of_ours_makes_nothing_in_the_folder_ours(tmp_path, sphinx, marker):
    lessons = _course(tmp_path / "lessons", "01-a")
    site, outside = tmp_path / "site", tmp_path / "outside.txt"
    site.mkdir()
    (site / "notes.txt").write_text("notes")
    (site / "01-a.html").write_text("<h1>01-a</h1>")  # even one that looks like ours
    outside.write_text("outside")
    entry = {"notes.txt": [5, "0" * 64]}
    content = {"empty": b"", "an older toylands' line": b"Built by python -m toylands site; the next build replaces "
               b"this folder whole.\n", "not JSON": b"{files", "not UTF-8": b"\xff\xfe\x00",
               "lists a path outside": {"version": 1, "folders": [], "files": {"../outside.txt": [7, "0" * 64]}},
               "lists an absolute path": {"version": 1, "folders": [], "files": {str(outside): [7, "0" * 64]}},
               "another version": {"version": 99, "folders": [], "files": entry},
               "files not a mapping": {"version": 1, "folders": [], "files": ["notes.txt"]}}.get(marker)  # fmt: skip
    if marker == "a folder":
        (site / MARKER).mkdir()
    else:
        (site / MARKER).write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    before = _tree(tmp_path)
    with pytest.raises(SiteError, match="not a toylands site"):
        build_site(site, lessons, progress=False)
    assert _tree(tmp_path) == before
    if marker == "a folder":
        with pytest.raises(SiteError, match="is a folder or a link where the new site has a file; nothing was changed"):
            build_site(site, lessons, force=True, progress=False)
        assert _tree(tmp_path) == before
        return
    build_site(site, lessons, force=True, progress=False)  # beside the files; the marker becomes our manifest
    assert (site / "notes.txt").read_text() == "notes" and outside.read_text() == "outside"
    assert "notes.txt" not in _listed(site) and "01-a.html" in _listed(site)  # the one in the way was replaced


def test_a_listed_file_reached_through_a_link_is_never_touched(tmp_path, sphinx):
    lessons = _course(tmp_path / "lessons", "01-a")
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    build_site(site, lessons, progress=False)
    (site / "_static").rename(elsewhere)  # the listed _static/... now lie behind a link
    (site / "_static").symlink_to(elsewhere)
    before = _tree(site), _tree(elsewhere)
    with pytest.raises(SiteError, match="_static is a folder or a link where the new site has a file"):
        build_site(site, lessons, progress=False)
    (lessons / "01-a.ipynb").unlink()  # its files are listed: they would be deleted, were they reached by no link
    with pytest.raises(SiteError, match="a link"):
        build_site(site, lessons, force=True, progress=False)
    assert (_tree(site), _tree(elsewhere)) == before


# ------------------------------------------------------------------------------ a build that fails or is stopped


def test_a_failed_sphinx_build_leaves_the_old_site_whole(tmp_path, sphinx):
    lessons = _course(tmp_path / "lessons", "01-a")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)
    (lessons / "01-a.ipynb").unlink()
    before = _tree(site)
    sphinx.write_text("fail")
    with pytest.raises(SiteError, match="Sphinx could not build the site:\nSphinx stood in for: the build failed"):
        build_site(site, lessons, progress=False)
    assert _tree(site) == before and not _debris(tmp_path)


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_a_signal_during_sphinx_stops_it_and_leaves_the_old_site_whole(tmp_path, sphinx, how):
    lessons = _course(tmp_path / "lessons", "01-a")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)
    before = _tree(site)
    sphinx.write_text("hang")
    pid = sphinx.parent / "sphinx.pid"

    def signal_when_sphinx_runs():
        while not pid.exists():
            time.sleep(0.02)
        os.kill(os.getpid(), getattr(signal, how))  # handled in the main thread, inside build_site

    handler = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=signal_when_sphinx_runs, daemon=True).start()
    start = time.monotonic()
    with pytest.raises(Stopped if how == "SIGTERM" else KeyboardInterrupt):
        build_site(site, lessons, progress=False)
    assert time.monotonic() - start < 15
    assert not Path(f"/proc/{pid.read_text()}").exists()  # Sphinx stopped and reaped
    assert _tree(site) == before and not _debris(tmp_path)
    assert signal.getsignal(signal.SIGTERM) is handler  # as it was before the build


FAILING = {"an error": ("raise ValueError('the lesson is broken')", 600,
                        "01-a.ipynb stopped with an error(.|\n)*\nValueError: the lesson is broken\n"),
           "too long": ("import time; time.sleep(60)", 2, r"01-a.ipynb ran longer than 2 s \(an endless loop")}  # fmt: skip


@pytest.mark.parametrize("lesson, timeout, says", FAILING.values(), ids=FAILING)
def test_a_lesson_that_fails_or_runs_too_long_leaves_the_old_site_whole(tmp_path, sphinx, lesson, timeout, says):
    lessons = _course(tmp_path / "lessons", "01-a")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)
    before = _tree(site)
    _course(lessons, "01-a", code={"01-a": lesson})
    start = time.monotonic()
    with pytest.raises(SiteError, match=says):
        build_site(site, lessons, timeout=timeout, progress=False)
    assert time.monotonic() - start < 30
    assert _tree(site) == before and not _debris(tmp_path)
    with pytest.raises(SiteError, match="timeout should be a number of seconds above 0"):
        build_site(site, lessons, timeout=float("nan"))


@pytest.mark.parametrize("how, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_ctrl_c_or_sigterm_stops_a_build_running_an_endless_lesson(tmp_path, sphinx, how, code):
    """For real: python -m toylands site in a subprocess, signalled while a lesson's cell loops for ever."""
    lessons = _course(tmp_path / "lessons", "01-a")
    site = tmp_path / "site"
    build_site(site, lessons, progress=False)  # the old site, which must survive
    before = _tree(site)
    started = tmp_path / "kernel.pid"
    _course(lessons, "01-a", code={"01-a": f"import os, pathlib\npathlib.Path({str(started)!r}).write_text(str(os.getpid()))\n"
                                             "while True:\n    pass"})  # fmt: skip
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    proc = subprocess.Popen([sys.executable, "-m", "toylands", "site", str(site), "--lessons", str(lessons)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as in a terminal  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert started.exists(), proc.communicate()[1][-2000:]
        time.sleep(0.3)  # in the loop by now
        sent = time.monotonic()
        proc.send_signal(getattr(signal, how))
        _, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    print(f"{how}: stopped in {took:.2f} s")
    assert proc.returncode == code and took < 5
    assert f"stopped by {how}; the site folder keeps its last complete build" in err and "Traceback" not in err
    kernel = Path(f"/proc/{started.read_text()}")
    for _ in range(50):  # reaped by now, or within a moment
        if not kernel.exists():
            break
        time.sleep(0.05)
    assert not kernel.exists(), "the kernel is still running"
    assert _tree(site) == before and not _debris(tmp_path)
    assert not list((tmp_path / "tmp").glob("toylands-kernels/*"))  # its sockets removed too
