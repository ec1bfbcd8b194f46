"""Command line: ``python -m toylands gallery OUTDIR`` and ``python -m toylands assign LESSONS OUTDIR``."""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toylands", description="toylands command line")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gallery", help="write a PNG of every catalogue landscape and an index page")
    g.add_argument("outdir", help="folder to write into (created if missing)")
    g.add_argument("--only", nargs="*", help="only these landscapes")
    g.add_argument("--dpi", type=int, default=80)
    g.add_argument("--force", action="store_true", help="replace files in OUTDIR that have other contents")
    a = sub.add_parser("assign", help="write the student versions of the lessons (solutions replaced by stubs)")
    a.add_argument("lessons", help="folder of lesson notebooks")
    a.add_argument("outdir", help="folder for the student versions (created if missing; not inside LESSONS)")
    a.add_argument("--force", action="store_true", help="replace files in OUTDIR that differ (students' edits are lost)")
    args = parser.parse_args(argv)
    from ._files import OutputError
    from .landscape import LandscapeError

    try:
        if args.command == "gallery":
            from .gallery import write_gallery

            index = write_gallery(args.outdir, args.only, dpi=args.dpi, force=args.force)
            print(f"wrote {index}")
        elif args.command == "assign":
            from .exercises import assign

            written = assign(args.lessons, args.outdir, force=args.force)
            print(f"wrote {len(written)} student notebooks to {args.outdir}")
    except (OutputError, LandscapeError) as e:
        print(f"python -m toylands {args.command}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
