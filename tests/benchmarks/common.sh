# Shared by the benchmark scripts (sourced, not run): messages, running a command into a log,
# MSBuild's performance summaries, statistics over a CSV, and a line about the machine.

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "BENCHMARK FAILED: $*" >&2; exit 1; }
now_ns() { date +%s%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# positive_integer NAME VALUE: stops with exit code 2 unless VALUE is a positive integer (a setting NAME).
positive_integer() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$1 must be a positive integer, not '$2'" >&2; exit 2; }
}

# bench_environment WORK: every dotnet command of a benchmark restores into WORK/nuget-packages (the
# caller's cache is kept in $user_nuget, for with_user_nuget), without first-run output, telemetry,
# node reuse or the terminal logger.
bench_environment() {
  user_nuget="${NUGET_PACKAGES-}"
  export NUGET_PACKAGES="$1/nuget-packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
}

# run LOG CMD...: runs CMD with its output in LOG; on failure shows the log's end and stops.
run() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "command failed (log: $log): $*"
  fi
}

# with_user_nuget CMD...: runs CMD with the NuGet cache the caller had (saved as $user_nuget before a
# script points NUGET_PACKAGES at its own), as when packing ContainerCache or building the benchmarks.
with_user_nuget() { env -u NUGET_PACKAGES ${user_nuget:+NUGET_PACKAGES="$user_nuget"} "$@"; }

# summary_block LOG HEADING: the lines of one of MSBuild's performance summaries in a build log.
summary_block() { awk -v h="$2" '$0 == h {on=1; next} on && /^[[:space:]]*$/ {exit} on' "$1"; }

# column_stats CSV FIRST SECOND COLUMN: "median min max" of COLUMN over the rows whose first two fields match.
column_stats() {
  awk -F, -v a="$2" -v v="$3" -v c="$4" 'NR > 1 && $1 == a && $2 == v {print $c}' "$1" | sort -n | awk '
    {x[NR] = $1} END {
      if (NR == 0) exit 1
      m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
      printf "%g %g %g\n", m, x[1], x[NR]
    }'
}

label() { [ "$1" = fdd ] && echo "framework-dependent" || echo "self-contained linux-x64"; }

# machine: cores, memory, CPU, SDK and kernel, for the results.
machine() {
  local cpu mem
  cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  [ -n "$cpu" ] || cpu=$(awk -F': *' '/^(Hardware|CPU part|uarch)/ {print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  echo "Machine: nproc $(nproc), memory $mem, CPU ${cpu:-unknown}, .NET SDK $(dotnet --version), $(uname -sr)"
}

# sample_app DIR FEED [online]: a copy of samples/HelloContainer in DIR that takes ContainerCache from
# the folder feed FEED only, or with "online", from FEED and nuget.org (for the runtime packs).
sample_app() {
  local dir="$1" feed="$2" online="${3-}"
  cp -r "$(dirname "${BASH_SOURCE[0]}")/../../samples/HelloContainer" "$dir"
  rm -rf "$dir/bin" "$dir/obj"
  {
    echo '<configuration>'
    echo '  <packageSources>'
    echo '    <clear />'
    echo "    <add key=\"containercache-local\" value=\"$feed\" />"
    [ "$online" = online ] && echo '    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />'
    echo '  </packageSources>'
    echo '</configuration>'
  } >"$dir/nuget.config"
}

# start_test_registry WORK LOGS: builds the tests' registry tool into WORK/registry-tool and starts it
# in the background (docker-registry in WORK/registry on a free loopback port, seeded with a base
# image and a two-platform base); sets registry_pid, registry and base. The caller stops it on exit
# (stop_pids "$registry_pid").
start_test_registry() {
  local dir="$1" logs="$2"
  dotnet build "$root/tests/ContainerCache.TestRegistry" -c Release -nodeReuse:false -v:q -o "$dir/registry-tool" >"$logs/registry-build.log" 2>&1 \
    || { cat "$logs/registry-build.log"; die "building the test registry"; }
  dotnet "$dir/registry-tool/ContainerCache.TestRegistry.dll" --dir "$dir/registry" </dev/null >"$dir/registry.out" 2>"$dir/registry.err" &
  registry_pid=$!
  for _ in $(seq 240); do
    grep -q '^base=' "$dir/registry.out" 2>/dev/null && break
    kill -0 "$registry_pid" 2>/dev/null || break
    sleep 0.5
  done
  registry=$(sed -n 's/^registry=//p' "$dir/registry.out")
  base=$(sed -n 's/^base=//p' "$dir/registry.out")
  [ -n "$base" ] || { cat "$dir/registry.err" >&2; die "the registry did not start"; }
  echo "registry: $registry   base image: $base"
}

# stop_pids PID...: asks each process to stop, and waits for it.
stop_pids() {
  local pid
  for pid in "$@"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
