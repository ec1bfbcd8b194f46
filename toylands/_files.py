"""Writing output folders without losing anyone's work: every file is compared before any is written, and a folder
that a build replaces (the course website) loses only what the last build wrote there."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import NamedTuple

__all__ = ["OutputError", "write_files", "Manifest", "read_manifest", "check_folder", "replace_folder"]


class OutputError(ValueError):
    """Files that cannot be written as asked; nothing was written."""


def _content(item: bytes | Path) -> bytes:
    return item if isinstance(item, bytes) else Path(item).read_bytes()


def write_files(plan: dict, force: bool = False, what: str = "files") -> list[Path]:
    """Write ``{path: bytes, or a file to copy}``, refusing (before writing anything) to replace a file whose
    contents differ from what would be written, unless ``force``. Each file is written whole or not at all."""
    plan = {Path(p): item for p, item in plan.items()}
    clash = [p for p, item in plan.items() if p.exists() and (not p.is_file() or p.read_bytes() != _content(item))]
    if clash and not force:
        shown = ", ".join(str(p) for p in clash[:8]) + (f" and {len(clash) - 8} more" if len(clash) > 8 else "")
        raise OutputError(
            f"{len(clash)} of the {what} to write already exist with other contents ({shown}); nothing was written. "
            "Choose an empty folder, or pass --force (force=True) to replace them."
        )
    written = []
    for path, item in plan.items():
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=f".{path.name}.") as f:
                tmp = f.name
                f.write(_content(item))
            if isinstance(item, bytes):
                os.chmod(tmp, 0o644)
            else:
                shutil.copymode(item, tmp)
            os.replace(tmp, path)
        except OSError as e:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
        written.append(path)
    return written


### A folder that a build fills and replaces at the next build (the course website)
#
# Its manifest lists every file the last build wrote (relative path, size, SHA-256) and the folders it created. A
# rebuild deletes only listed files that still hold what was written, then the listed folders left empty; anything
# else in the folder (a file the user added, or changed since) is never deleted.

MANIFEST_VERSION = 1


class Manifest(NamedTuple):
    """What a build wrote into a folder: ``files`` maps a relative POSIX path to (size, sha256); ``folders`` are the
    folders it created."""

    files: dict[str, tuple[int, str]]
    folders: frozenset[str]


def _digest(path: Path) -> tuple[int, str]:
    data = Path(path).read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def _relative(rel) -> bool:
    """Whether ``rel`` is a plain relative path inside the folder (no "..", not absolute, normalized): a manifest that
    names any other path was not written by us."""
    if not isinstance(rel, str) or "\\" in rel or "\0" in rel:
        return False
    path = PurePosixPath(rel)
    return not path.is_absolute() and ".." not in path.parts and path.as_posix() == rel and rel not in ("", ".")


def read_manifest(path: Path) -> Manifest | None:
    """The manifest in the file ``path``, or None when it is not one (missing, a bare marker, someone else's, corrupt)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        files, folders = data["files"], data["folders"]
        if data["version"] != MANIFEST_VERSION or not isinstance(files, dict) or not isinstance(folders, list):
            return None
        entries = {rel: (int(size), str(sha)) for rel, (size, sha) in files.items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not all(map(_relative, [*entries, *folders])):
        return None
    return Manifest(entries, frozenset(folders))


def _write_manifest(path: Path, manifest: Manifest, what: str) -> None:
    data = {"version": MANIFEST_VERSION, "about": f"the files of the {what} that python -m toylands wrote here; the "
            "next build deletes only these", "folders": sorted(manifest.folders),
            "files": {rel: list(manifest.files[rel]) for rel in sorted(manifest.files)}}  # fmt: skip
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _kind(folder: Path, rel: str) -> tuple[str, str]:
    """What stands at ``folder/rel``, never following a link: ("missing" | "file" | "folder" | "other", rel), or
    (kind, part) for the first part of the way there that is not a real folder."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        at = "/".join(parts[:i])
        try:
            mode = os.lstat(folder / at).st_mode
        except FileNotFoundError:
            return "missing", rel
        kind = "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"
        if kind != "folder":
            return kind, at
    return "folder", rel


def ours(folder: Path, marker: str) -> Manifest:
    """What of the last manifest in ``folder`` still holds: the listed files that hold what was written (one changed
    since is the user's now) and the listed folders that are real folders."""
    manifest = read_manifest(folder / marker) or Manifest({}, frozenset())
    files = {rel: d for rel, d in manifest.files.items() if _kind(folder, rel) == ("file", rel) and _digest(folder / rel) == d}
    return Manifest(files, frozenset(d for d in manifest.folders if _kind(folder, d) == ("folder", d)))


def check_folder(folder: Path, marker: str, force: bool, what: str) -> None:
    """Refuse, before anything is built, a folder that holds files but no manifest of ours, unless ``force``."""
    if not folder.exists() or read_manifest(folder / marker) is not None:
        return
    if not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder; nothing was written. Choose a folder for the {what}.")
    if any(folder.iterdir()) and not force:
        bare = os.path.lexists(folder / marker) * f" (its {marker} lists no files: an older toylands wrote it, or someone else)"
        raise OutputError(f"{folder} already holds files that are not a toylands {what}{bare}; nothing was written. "
                          "Choose an empty folder, or pass --force (force=True) to build beside them: they are kept, "
                          "and later builds delete only what they wrote.")  # fmt: skip


@contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM wait until the block is done (they are delivered after it), so that they never leave a
    folder half replaced."""
    posix = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if posix else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def replace_folder(built: Path, folder: Path, marker: str, *, force: bool = False, what: str = "site") -> Manifest:
    """Make ``folder`` hold what ``built`` holds (its files are moved: both must be on one filesystem), delete what the
    last build wrote there and this one did not, and write the manifest (``folder/marker``). Returns it.

    Nothing is changed when a file to write would replace one of the user's (a file the last manifest does not list,
    or one changed since) with other contents, unless ``force``; a folder or a link in the way is refused even so.
    Files the manifest does not list are never deleted (``force`` replaces those in the way; they are ours then).
    """
    built, folder = Path(built), Path(folder)
    old = ours(folder, marker)
    new, dirs = {}, set()
    for root, subdirs, names in os.walk(built):
        here = Path(root).relative_to(built)
        dirs.update((here / d).as_posix() for d in subdirs)
        new.update({(here / n).as_posix(): _digest(Path(root) / n) for n in names})
    theirs, refused = {}, []
    for rel in [*new, *dirs]:
        kind, at = _kind(folder, rel)
        if kind == "missing" or at in old.files or (kind == "folder" and rel in dirs):
            continue
        if kind == "file" and not (at == rel and _digest(folder / rel) == new.get(rel)):
            theirs[at] = None
        elif kind != "file" and not (kind == "folder" and _only_ours(folder, at, old)):
            refused.append(at)
    if _kind(folder, marker)[0] in ("folder", "other"):
        refused.append(marker)
    if refused:
        raise OutputError(f"{folder / refused[0]} is a folder or a link where the new {what} has a file; nothing was "
                          "changed. Move it away, or choose another folder.")  # fmt: skip
    if theirs and not force:
        shown = ", ".join(list(theirs)[:5]) + (f" and {len(theirs) - 5} more" if len(theirs) > 5 else "")
        raise OutputError(f"{len(theirs)} files in {folder} that the last build did not write would be replaced "
                          f"({shown}); nothing was changed. Move them away, or pass --force (force=True) to replace "
                          "them.")  # fmt: skip
    with _signals_held():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            made = {d for d in dirs if _kind(folder, d)[0] == "missing"}
            # Listed first, so that a build cut off half way (a power cut) leaves nothing of ours unlisted.
            _write_manifest(folder / marker, Manifest({**old.files, **new}, old.folders | made), what)
            for rel in [*(old.files.keys() - new.keys()), *theirs]:
                with suppress(FileNotFoundError):
                    os.unlink(folder / rel)
            for d in sorted(old.folders - dirs, key=lambda d: -d.count("/")):  # the deepest first
                with suppress(OSError):  # not empty: the user's files are in it
                    os.rmdir(folder / d)
            for d in sorted(dirs, key=lambda d: d.count("/")):
                if _kind(folder, d)[0] == "missing":
                    os.mkdir(folder / d)
            for rel in new:
                os.replace(built / rel, folder / rel)
            manifest = Manifest(new, frozenset(d for d in dirs if d in made or d in old.folders))
            _write_manifest(folder / marker, manifest, what)
        except OSError as e:
            raise OutputError(f"could not finish replacing the {what} in {folder}: {e.strerror or e}. Its {marker} lists "
                              "what is ours, so the next build finishes the job.") from None  # fmt: skip
    return manifest


def _only_ours(folder: Path, rel: str, old: Manifest) -> bool:
    """Whether the folder ``folder/rel`` holds only what the last build wrote (so it goes before a file takes its place)."""
    for root, subdirs, names in os.walk(folder / rel):  # a link is among subdirs or names, and not listed
        here = Path(root).relative_to(folder)
        if (
            here.as_posix() not in old.folders
            or any((here / n).as_posix() not in old.files for n in names)
            or any((here / d).as_posix() not in old.folders for d in subdirs)
        ):
            return False
    return True
