#!/usr/bin/env python3
"""Fails when a tracked C++ file is not as `make format` leaves it, or has a line past 120 columns.

The style is the repository's .clang-format (Google's, 120 columns, includes regrouped and
sorted). clang-format does not break raw string literals (the YAML scenarios of the tests), so the
column limit is also checked here on its own, in characters.

Usage: check_format.py [CLANG_FORMAT]   (default: clang-format on PATH)
"""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIMIT = 120


def main():
    clang_format = sys.argv[1] if len(sys.argv) > 1 else "clang-format"
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "*.h", "*.cc"], check=True, capture_output=True,
                           text=True).stdout.split()
    files = [f for f in files if os.path.isfile(os.path.join(ROOT, f))]
    problems = []
    # One clang-format for every file; it names each file it would change on stderr.
    run = subprocess.run([clang_format, "--style=file", "--dry-run", "-Werror", *files], cwd=ROOT,
                         capture_output=True, text=True)
    unformatted = sorted({line.split(":")[0] for line in run.stderr.splitlines() if ": error: " in line})
    # clang-format names a file as it was given: relative to ROOT, where it ran.
    problems += [f"{f}: not formatted (run `make format`)" for f in unformatted]
    if run.returncode != 0 and not unformatted:
        problems.append(f"clang-format failed: {run.stderr.strip()[:500]}")
    for f in files:
        with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
            for n, line in enumerate(fh.read().split("\n"), 1):
                if len(line) > LIMIT:
                    problems.append(f"{f}:{n}: {len(line)} columns, past the limit of {LIMIT}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(files)} C++ files formatted, none past {LIMIT} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
