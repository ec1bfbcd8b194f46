"""Writing output folders without losing anyone's work: every file is compared before any is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["OutputError", "write_files"]


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
