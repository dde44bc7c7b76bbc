#!/bin/sh
# catch_discover_tests turns test names into a CMake list: a name with `[`, `]`, `;`, `"` or `\`
# silently merges or hides test cases in ctest. Fail if any name has one.
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/TO/kubesim_tests" >&2
  exit 2
fi
bad=$("$1" --list-test-names-only | grep -E '[][;"\\]' || true)
if [ -n "$bad" ]; then
  echo "test names that ctest cannot run on their own:"
  echo "$bad"
  exit 1
fi
count=$("$1" --list-test-names-only | grep -c .)
echo "$count test names are safe for ctest"
