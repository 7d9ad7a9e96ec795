#!/usr/bin/env bash
# Runs every test, in three layers: unit tests of the core and tasks; targets tests that run the
# package's build/ files on generated projects; end-to-end tests that pack the package and publish
# real apps to a real registry. dotnet test builds the solution once, then runs the three test
# projects side by side. Ends with one line: "Tests: N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/artifacts/test-results"

bash "$root/tests/prerequisites.sh" || exit 1
rm -rf "$results"

# With the compiler server, as users have it: a CI machine may turn it off (UseSharedCompilation=false),
# and then every project the build and the tests compile starts a cold compiler. The server this run
# started is stopped at its end.
env -u UseSharedCompilation dotnet test "$root/ContainerCache.sln" -c Release -nodeReuse:false \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?
env -u UseSharedCompilation dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1

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
