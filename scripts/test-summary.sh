#!/usr/bin/env bash
# Adds up the counters of every TRX file under $1 and prints "N passed, N failed, N skipped".
set -euo pipefail
dir="${1:-artifacts/test-results}"
passed=0; failed=0; total=0; executed=0
shopt -s nullglob globstar
files=("$dir"/**/*.trx)
if [ ${#files[@]} -eq 0 ]; then echo "no test results found in $dir" >&2; echo "0 passed, 1 failed"; exit 1; fi
for f in "${files[@]}"; do
  line=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  get() { echo "$line" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(get total)))
  executed=$((executed + $(get executed)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  outcome=$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$f" | head -n1 | sed 's/.*="\(.*\)"/\1/')
  case "$outcome" in
    Completed|Passed|"") ;;
    Failed) [ "$(get failed)" != "0" ] || { echo "test run $(basename "$f"): outcome $outcome" >&2; failed=$((failed + 1)); } ;;
    *) echo "test run $(basename "$f"): outcome $outcome" >&2; failed=$((failed + 1)) ;;
  esac
done
skipped=$((total - executed))
echo "test projects: ${#files[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
