#!/usr/bin/env bash
# Runs every test, in three layers: unit tests of the core and tasks; targets tests that run the
# package's build/ files on generated projects; end-to-end tests that pack the package and publish
# real apps to a real registry. The solution is built once; then the three test projects run side
# by side, each line of their output prefixed with the layer's name. Ends with one line:
# "Tests: N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/artifacts/test-results"

bash "$root/tests/prerequisites.sh" || exit 1
rm -rf "$results"

# With the compiler server, as users have it: a CI machine may turn it off (UseSharedCompilation=false),
# and then every project the build and the tests compile starts a cold compiler. The server this run
# started is stopped at its end.
unset UseSharedCompilation
status=0
dotnet build "$root/ContainerCache.sln" -c Release -nodeReuse:false -v:m || status=$?

# In one dotnet test of the solution, the end-to-end tests held the MSBuild node that had built the
# projects the others reference, and the other layers waited for them to finish.
pids=()
if [ $status -eq 0 ]; then
  for layer in Tests TargetsTests EndToEndTests; do
    (
      dotnet test "$root/tests/ContainerCache.$layer" -c Release --no-build -nodeReuse:false \
        --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/$layer" 2>&1 \
        | sed -u "s/^/[$layer] /"
      exit "${PIPESTATUS[0]}"
    ) &
    pids+=($!)
  done
fi
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1

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
