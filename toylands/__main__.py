"""Command line: ``python -m toylands gallery OUTDIR``, ``python -m toylands assign [--self-study] LESSONS OUTDIR``,
``python -m toylands assign --nbgrader [--feedback full|format] [LESSONS] COURSE_DIR`` and ``python -m toylands site
OUTDIR``."""

from __future__ import annotations

import argparse
import signal
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toylands", description="toylands command line")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gallery", help="write a PNG of every catalogue landscape and an index page")
    g.add_argument("outdir", help="folder to write into (created if missing)")
    g.add_argument("--only", nargs="*", help="only these landscapes")
    g.add_argument("--dpi", type=int, default=80)
    g.add_argument("--force", action="store_true", help="replace files in OUTDIR that have other contents")
    a = sub.add_parser("assign", help="write the student versions of the lessons (solutions replaced by stubs), or with "
                       "--nbgrader an nbgrader course to grade them")  # fmt: skip
    a.add_argument("paths", nargs="+", metavar="PATH",
                   help="LESSONS OUTDIR: the folder of solved lessons and the folder to write (created if missing; not "
                   "inside LESSONS, but it may be its parent: lessons/solutions lessons); with --nbgrader, LESSONS may "
                   "be left out (default: lessons/solutions, or lessons)")  # fmt: skip
    a.add_argument("--self-study", action="store_true", help="after each exercise, a collapsed cell that shows a solution "
                   "on request")  # fmt: skip
    a.add_argument("--nbgrader", action="store_true", help="write OUTDIR as an nbgrader course: source/<lesson>/, "
                   "autograded test cells with hidden tests, answer_key/checks.py, nbgrader_config.py")  # fmt: skip
    a.add_argument("--feedback", choices=("full", "format"), help="with --nbgrader: what check() says in a release: "
                   "full feedback (default), or only whether each answer has the right form (a number, a point)")  # fmt: skip
    a.add_argument("--force", action="store_true", help="replace files in OUTDIR that differ (students' edits are lost)")
    s = sub.add_parser("site", help="build the course as a website (Sphinx with MyST-NB; pip install -e \".[site]\")")
    s.add_argument("outdir", help="folder to write the site into (created if missing; a site built before is replaced: "
                   "only the files it wrote are deleted)")  # fmt: skip
    s.add_argument("--lessons", help="the folder of the solved lessons (default: lessons/solutions, or lessons if there is "
                   "none); student pages show their exercises open, answer pages solved")  # fmt: skip
    s.add_argument("--executed", help="a folder of the lessons already executed: those found there are not run again")
    s.add_argument("--repo", help="the GitHub repository (owner/name) the Binder links open (default: the package's)")
    s.add_argument("--force", action="store_true", help="build into a folder that holds other files (they are kept)")
    s.add_argument("--no-answers", dest="answers", action="store_false", help="leave out the answer key (the solved "
                   "lessons, under answers/): a site for students only")  # fmt: skip
    s.add_argument("--timeout", type=float, default=600, help="seconds a lesson may run (default: 600)")
    args = parser.parse_args(argv)
    from ._files import OutputError
    from .landscape import LandscapeError

    try:
        if args.command == "gallery":
            from .gallery import write_gallery

            index = write_gallery(args.outdir, args.only, dpi=args.dpi, force=args.force)
            print(f"wrote {index}")
        elif args.command == "assign":
            from pathlib import Path

            from .exercises import assign, assign_nbgrader

            if len(args.paths) > 2 or (len(args.paths) == 1 and not args.nbgrader):
                parser.error("assign takes LESSONS OUTDIR (with --nbgrader, LESSONS may be left out: lessons/solutions)")
            if args.nbgrader and args.self_study or args.feedback and not args.nbgrader:
                parser.error("--self-study makes student versions, --feedback nbgrader releases: give --feedback only "
                             "with --nbgrader, --self-study only without")  # fmt: skip
            default = "lessons/solutions" if Path("lessons/solutions").is_dir() else "lessons"
            lessons, outdir = args.paths if len(args.paths) == 2 else (default, args.paths[0])
            if args.nbgrader:
                written = assign_nbgrader(lessons, outdir, force=args.force, feedback=args.feedback or "full")
                print(f"wrote {len(written)} lessons as nbgrader assignments in {outdir}/source; in {outdir}, run "
                      "nbgrader generate_assignment LESSON to release one")  # fmt: skip
            else:
                written = assign(lessons, outdir, force=args.force, self_study=args.self_study)
                print(f"wrote {len(written)} student notebooks to {outdir}")
        elif args.command == "site":
            from .site import build_site

            index = build_site(args.outdir, args.lessons, executed=args.executed, repo=args.repo, force=args.force,
                               answers=args.answers, timeout=args.timeout)  # fmt: skip
            print(f"wrote the site: open {index}")
    except (OutputError, LandscapeError) as e:
        print(f"python -m toylands {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (toylands.site.Stopped): the build cleaned up after itself
        if args.command != "site":
            raise
        signum = getattr(e, "signum", signal.SIGINT)
        print(f"\npython -m toylands site: stopped by {signal.Signals(signum).name}; the site folder keeps its last "
              "complete build", file=sys.stderr)  # fmt: skip
        return 128 + signum
    return 0


if __name__ == "__main__":
    sys.exit(main())
