#!/usr/bin/env python3
"""Fails when a file of the repository points at something a reader of the repository cannot open.

A clone of kubesim must build, run and test on its own, and every source it cites must be one
anyone can follow (an upstream file at a version, a KEP, an issue, a paper, or a document inside
this repository). This check reads every tracked file (`git ls-files`; every file below the root
when the tree is not a git checkout) and reports, as FILE:LINE: what, each

  - path into a sibling folder of the checkout (the team's working folder `shared`, beside it);
  - absolute path of a build machine (/work/…, /home/…, /root/…, /Users/…);
  - citation of a team-only document (a section id of its spec such as `spec` + ` A.3`, or a
    design, style or developers' guide): any `NAME.md` or `docs/NAME.md` that is not a file of
    the repository;
  - section sign `§` that does not follow the path of a document in the repository.

Usage: check_references.py [REPO_ROOT]   (default: the repository holding this script)
       check_references.py --self-test     (plants each bad form in a scratch tree and checks
                                           that exactly those are reported)
Exit 0 when clean, 1 with the list otherwise.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SELF = "tests/repo/check_references.py"

# Data copied unchanged from upstream keeps its own text, whatever it says.
VENDORED = ("data/",)

SIBLING = re.compile(r"\.\./shared\b")
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|home|root|Users)/[\w.-]")
TEAM_DOC = re.compile(r"\bspec [A-E]\.[0-9]|\bspec [A-E]\b(?=[ ,;)])")
MD_NAME = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.md)\b")
# Markdown files kubesim itself writes (kubesim compare --markdown), named in docs and tests.
GENERATED = {"report.md"}
SECTION = "§"
# The document a section sign belongs to: the last `X.md` before it on the line, with at most a
# closing backtick or quote and spaces between.
DOC_BEFORE_SECTION = re.compile(r"((?:[\w.-]+/)*[\w-]+\.md)[`'\"]?\s*$")


def tracked_files():
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True, capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p and os.path.isfile(os.path.join(ROOT, p))]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, subdirs, names in os.walk(ROOT):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith((".", "build", "out")))
            files += [os.path.relpath(os.path.join(d, n), ROOT) for n in sorted(names)]
        return files


def resolve_md(name, repo_files, from_file):
    """True when `name` (as written in `from_file`) is a document of the repository."""
    if name in repo_files:
        return True
    here = os.path.normpath(os.path.join(os.path.dirname(from_file), name))
    if here in repo_files:
        return True
    # A bare file name ("fidelity.md") is fine when exactly that file exists somewhere under docs/
    # or at the root; a reader finds it.
    base = os.path.basename(name)
    return name == base and (base in repo_files or f"docs/{base}" in repo_files)


def find_problems():
    files = tracked_files()
    repo_files = set(files)
    problems = []
    for path in files:
        if path == SELF or path.startswith(VENDORED):
            continue
        try:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (UnicodeDecodeError, OSError):
            continue  # binary files cite nothing
        for n, line in enumerate(lines, 1):
            where = f"{path}:{n}"
            if SIBLING.search(line):
                problems.append(f"{where}: path outside the repository (the sibling folder 'shared'): copy what is needed in")
            m = MACHINE_PATH.search(line)
            if m:
                problems.append(f"{where}: absolute path of a build machine ('{m.group(0)}…')")
            m = TEAM_DOC.search(line)
            if m:
                problems.append(f"{where}: cites a document outside the repository ('{m.group(0)}'): "
                                "cite the upstream file, KEP, issue or paper instead")
            for m in MD_NAME.finditer(line):
                name = m.group(1)
                if "/" in name and not name.startswith("docs/"):
                    continue  # a path below some folder: an output or a fixture, not a citation
                if name in GENERATED or "://" in line[max(0, m.start() - 80):m.start()]:
                    continue  # a file kubesim writes, or a page of a URL
                if not resolve_md(name, repo_files, path):
                    problems.append(f"{where}: cites '{name}', which is not a document of this repository")
            start = 0
            while (i := line.find(SECTION, start)) >= 0:
                start = i + 1
                m = DOC_BEFORE_SECTION.search(line[:i])
                if not m or not resolve_md(m.group(1), repo_files, path):
                    problems.append(f"{where}: '§' without a document of this repository before it")
    return files, problems


def self_test():
    """The check must catch each form it promises to, and leave good citations alone."""
    import tempfile
    global ROOT
    # The planted references are spelt in pieces so that this file itself stays clean for a plain
    # `git grep` of the forms it catches.
    TEAM = "DES" + "IGN"
    good = ("// kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32 (numFeasibleNodesToFind)\n"
            "// docs/calibration.md §2 and docs/fidelity.md; KEP-3521; kubernetes/kubernetes #42000\n"
            "// writes build/regression/report.md; see fidelity.md; https://example.org/x/" + TEAM + ".md\n"
            "kubesim run x.yaml --out /tmp/out\n")
    bad = {
        2: "file: ../../.." + "/shared/data/nodes.yaml",
        3: "// as spec" + " A.3 says",
        4: "// see " + TEAM + ".md for the layers",
        5: "// control-plane.md §5.6: backoff",   # a missing document, then its section sign
        6: "// §2.4 alone",
        7: "cd /work/main && make",
        8: "// DEVELOPERS.md non-negotiable 3",
    }
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "docs"))
        for name, text in (("docs/calibration.md", "# c\n"), ("docs/fidelity.md", "# f\n"),
                           ("good.cc", good), ("bad.cc", "ok\n" + "\n".join(bad[k] for k in sorted(bad)) + "\n")):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        ROOT = tmp  # not a git checkout: every file below the root is read
        _, problems = find_problems()
    lines = sorted(int(p.split(":")[1]) for p in problems if p.startswith("bad.cc:"))
    expected = [2, 3, 4, 5, 5, 6, 7, 8]  # line 5: the unknown document and its '§'
    stray = [p for p in problems if not p.startswith("bad.cc:")]
    if lines != expected or stray:
        print(f"self-test failed: lines {lines}, expected {expected}; stray: {stray}")
        return 1
    print(f"self-test: {len(problems)} planted references reported, good citations left alone")
    return 0


def main():
    global ROOT
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) > 1:
        ROOT = os.path.abspath(sys.argv[1])
    files, problems = find_problems()
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} reference(s) point outside the repository", file=sys.stderr)
        return 1
    print(f"{len(files)} files: every reference resolves inside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
