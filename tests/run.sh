#!/usr/bin/env bash
# Runs every test: unit tests of the core and tasks, then end-to-end tests that pack the package
# and publish real apps to a real registry. Ends with one line: "Tests: N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/artifacts/test-results"

bash "$root/tests/prerequisites.sh" || exit 1
rm -rf "$results"

dotnet test "$root/ContainerCache.sln" -c Release -nodeReuse:false \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

# Sum the counters of every TRX file the run wrote.
awk '
  /<Counters / {
    for (i = 1; i <= NF; i++) {
      if (split($i, kv, "=") == 2) { gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] }
    }
    found = 1
  }
  END {
    if (!found) { print "Tests: 0 passed, 0 failed (no test results were written)"; exit }
    skipped = c["total"] - c["executed"] + c["inconclusive"]
    line = sprintf("Tests: %d passed, %d failed", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"])
    if (skipped > 0) line = line sprintf(", %d skipped", skipped)
    print line
  }' $(find "$results" -name '*.trx' 2>/dev/null) /dev/null

exit $status
