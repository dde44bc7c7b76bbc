#!/bin/sh
# Runs the project the way a new user would, from a copy of the repository in an empty temporary
# folder with nothing beside it: every shipped scenario validates, the quickstart runs, and the
# policy regression suite passes. A scenario that reads a file outside the repository (a sibling
# checkout, an absolute path of a build machine) fails here even when that file exists on the
# machine running the tests, because the copy has no siblings.
#
# The copy holds the tracked files as they are in the working tree (`git ls-files`), so an
# uncommitted change is checked as it would be committed. The binary is the one already built.
#
# Usage: run_from_bare_copy.sh SOURCE_DIR PATH/TO/kubesim
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR PATH/TO/kubesim" >&2
  exit 2
fi
src=$1
kubesim=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/kubesim"
# Only tracked files that exist (a file deleted but not yet committed is skipped).
(cd "$src" && git ls-files -z | xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh) |
  (cd "$src" && xargs -0 cp --parents -t "$tmp/kubesim")
cd "$tmp/kubesim"

count=0
for f in scenarios/*.yaml scenarios/regression/*.yaml tests/scenarios/*.yaml bench/scenarios/*.yaml; do
  "$kubesim" validate "$f" > "$tmp/validate.log" 2>&1 || { echo "validate $f failed:"; cat "$tmp/validate.log"; exit 1; }
  count=$((count + 1))
done
echo "$count scenarios validate in a bare copy"

"$kubesim" run scenarios/quickstart.yaml --out "$tmp/out/quickstart" -q
test -s "$tmp/out/quickstart/summary.json"
echo "quickstart ran in a bare copy"

"$kubesim" compare --baseline scenarios/policies/default.yaml --candidate scenarios/policies/candidate.yaml \
  --seeds 2 scenarios/regression/*.yaml > "$tmp/compare.log" 2>&1 || { cat "$tmp/compare.log"; exit 1; }
tail -n 1 "$tmp/compare.log"
echo "the regression suite ran in a bare copy"
