#!/usr/bin/env bash
# Benchmark: the container step of an UNCHANGED republish, ContainerCache (reuse hit) against the
# SDK alone (the package turned off with -p:ContainerCacheEnabled=false), on the same app.
# Not run by the test suite. Needs only the .NET SDK 10 after `bash tests/prerequisites.sh`.
#
#   bash tests/benchmarks/republish.sh              # 7 measured rounds per variant
#   BENCH_ROUNDS=5 bash tests/benchmarks/republish.sh
#
# Apps: samples/HelloContainer framework-dependent ("fdd") and self-contained for linux-x64 ("sc",
# a ~70 MB publish directory). Each (app, variant) pair gets its own copy of the sample and its own
# ContainerRepository, so the SDK-alone variant never sees a key tag (never a hit).
#
# The container step, precisely: after a full `dotnet publish -t:PublishContainer` of the app (the
# one warm-up per variant, which also stores the package variant's image in the registry), the
# command
#   dotnet build APP -c Release -t:PublishContainer --no-restore -nodeReuse:false -p:... (same as the publish)
# which runs PublishContainer and its dependencies only (ComputeContainerConfig, the package's key
# and reuse targets, the SDK's CreateNewImage) on the existing publish directory: no Build, no
# compile, no Publish. Every round checks that from MSBuild's Target Performance Summary.
#
# Its time is MSBuild's own: the "Project Performance Summary" time of the app project
# (-clp:PerformanceSummary), i.e. ProjectStarted to ProjectFinished of the PublishContainer request.
# It excludes process and MSBuild startup and project evaluation (recorded apart), and counts a
# target called through CallTarget once (summing the Target Performance Summary would count
# _PublishSingleContainer twice: target times there are inclusive). Process wall time is recorded
# for information. Each dotnet process is fresh (-nodeReuse:false), as in CI: task assembly
# loading and JIT are part of the step.
#
# Output: a markdown table at the end; per-round data in artifacts/benchmarks/rounds.csv, the log
# of every run in artifacts/benchmarks/logs/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks"
rounds="${BENCH_ROUNDS:-7}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_ROUNDS must be a positive integer, not '$rounds'" >&2; exit 2; }

# The NuGet cache persists across runs (the self-contained app's runtime pack is large); the
# freshly packed ContainerCache is taken from it anew every run.
export NUGET_PACKAGES="$work/nuget-packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "BENCHMARK FAILED: $*" >&2; exit 1; }
now_ns() { date +%s%N; }

bash "$root/tests/prerequisites.sh"
find "$work" -mindepth 1 -maxdepth 1 ! -name nuget-packages -exec rm -rf {} + 2>/dev/null || true
rm -rf "$NUGET_PACKAGES/containercache"
mkdir -p "$work/logs" "$work/apps"

step "Pack ContainerCache from this repository"
dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$work/local-packages" -nodeReuse:false -v:q >"$work/logs/pack.log" 2>&1 \
  || { cat "$work/logs/pack.log"; die "dotnet pack"; }
ls "$work/local-packages"

step "Start a local registry (docker-registry) with a base image"
dotnet build "$root/tests/ContainerCache.TestRegistry" -c Release -nodeReuse:false -v:q -o "$work/registry-tool" >"$work/logs/registry-build.log" 2>&1 \
  || { cat "$work/logs/registry-build.log"; die "building the test registry"; }
registry_pid=
cleanup() {
  if [ -n "$registry_pid" ]; then
    kill -TERM "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
dotnet "$work/registry-tool/ContainerCache.TestRegistry.dll" --dir "$work/registry" </dev/null >"$work/registry.out" 2>"$work/registry.err" &
registry_pid=$!
for _ in $(seq 240); do
  grep -q '^base=' "$work/registry.out" 2>/dev/null && break
  kill -0 "$registry_pid" 2>/dev/null || break
  sleep 0.5
done
registry=$(sed -n 's/^registry=//p' "$work/registry.out")
base=$(sed -n 's/^base=//p' "$work/registry.out")
[ -n "$base" ] || { cat "$work/registry.err" >&2; die "the registry did not start"; }
echo "registry: $registry   base image: $base"

# make_app NAME: a copy of the sample that takes ContainerCache from this run's pack.
make_app() {
  local dir="$work/apps/$1"
  cp -r "$root/samples/HelloContainer" "$dir"
  rm -rf "$dir/bin" "$dir/obj"
  cat >"$dir/nuget.config" <<XML
<configuration>
  <packageSources>
    <clear />
    <add key="containercache-local" value="$work/local-packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
}

# Properties per app and per variant (bash arrays, keyed by a name).
app_props_fdd=()
app_props_sc=(-p:SelfContained=true -p:RuntimeIdentifier=linux-x64)
variant_props_pkg=()
variant_props_sdk=(-p:ContainerCacheEnabled=false)

# props APP VARIANT: prints the -p's shared by the warm-up publish and the measured container step.
props() {
  local -n ap="app_props_$1" vp="variant_props_$2"
  printf '%s\n' -p:ContainerRegistry="$registry" -p:ContainerBaseImage="$base" \
    -p:ContainerRepository="bench-$1-$2" "${ap[@]}" "${vp[@]}"
}

# run LOG CMD...: runs CMD with its output in LOG; on failure shows the log's end and stops.
run() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "command failed (log: $log): $*"
  fi
}

# Targets that must not run in the container step: they would mean a build or publish ran.
forbidden_targets='^(Restore|_GenerateRestoreGraph|Build|CoreBuild|CoreCompile|CopyFilesToOutputDirectory|Publish|PrepareForPublish|ComputeResolvedFilesToPublishList|ComputeFilesToPublish|CopyFilesToPublishDirectory|_CopyResolvedFilesToPublishAlways|_CopyResolvedFilesToPublishPreserveNewest|ResolvePackageAssets|ResolveAssemblyReferences|GenerateBuildDependencyFile|GeneratePublishDependencyFile|ILLink|GenerateBundle)$'

# summary_block LOG HEADER: the lines of one performance summary block.
summary_block() { awk -v h="$2" '$0 == h {on=1; next} on && /^[[:space:]]*$/ {exit} on' "$1"; }

csv="$work/rounds.csv"
echo "app,variant,round,msbuild_ms,evaluation_ms,wall_ms" >"$csv"

# measure APP VARIANT ROUND: one container step, checked and recorded.
measure() {
  local app="$1" variant="$2" round="$3" dir="$work/apps/$1-$2" log="$work/logs/$1-$2-round$3.log"
  local -a p; mapfile -t p < <(props "$app" "$variant")
  local t0 t1
  t0=$(now_ns)
  run "$log" dotnet build "$dir" -c Release -t:PublishContainer --no-restore -nodeReuse:false -tl:off \
    -clp:PerformanceSummary "${p[@]}"
  t1=$(now_ns)
  local wall_ms=$(( (t1 - t0) / 1000000 ))

  # The step's time: the app project's line in the Project Performance Summary (one request).
  local project_line msbuild_ms eval_ms
  project_line=$(summary_block "$log" "Project Performance Summary:" | grep -F "$dir/HelloContainer.csproj" | head -n 1 || true)
  [[ "$project_line" =~ ^[[:space:]]*([0-9]+)\ ms\ .*[[:space:]]1\ calls$ ]] \
    || die "no single-call Project Performance Summary line for the app in $log: '$project_line'"
  msbuild_ms="${BASH_REMATCH[1]}"
  eval_ms=$(summary_block "$log" "Project Evaluation Performance Summary:" | awk '/HelloContainer.csproj/ {s += $1} END {print s + 0}')

  # Only the container step ran.
  local targets bad
  targets=$(summary_block "$log" "Target Performance Summary:" | awk '{print $3}')
  grep -qx 'PublishContainer' <<<"$targets" || die "PublishContainer did not run in $log"
  bad=$(grep -E "$forbidden_targets" <<<"$targets" || true)
  [ -z "$bad" ] || die "the container step ran build/publish targets ($(echo $bad)) in $log"

  # The variant did what it is meant to do.
  if [ "$variant" = pkg ]; then
    grep -q 'ContainerCache: hit' "$log" || die "package round without 'ContainerCache: hit' (a miss?) in $log"
    ! grep -q 'Pushed image' "$log" || die "package round pushed an image (expected a reuse hit) in $log"
  else
    grep -q 'Pushed image' "$log" || die "SDK-alone round without 'Pushed image' in $log"
    ! grep -q 'ContainerCache:' "$log" || die "SDK-alone round ran ContainerCache (ContainerCacheEnabled=false ignored?) in $log"
  fi
  echo "$app,$variant,$round,$msbuild_ms,$eval_ms,$wall_ms" >>"$csv"
  printf '  %-4s %-4s round %2d: %6d ms MSBuild (evaluation %4d ms, wall %6d ms)\n' "$app" "$variant" "$round" "$msbuild_ms" "$eval_ms" "$wall_ms"
  if [ "$round" = 1 ]; then echo "$targets" | sort >"$work/logs/$app-$variant-targets.txt"; fi
}

apps=(fdd sc)
variants=(pkg sdk)
for app in "${apps[@]}"; do
  step "App '$app': warm-up publish per variant (full dotnet publish -t:PublishContainer)"
  for variant in "${variants[@]}"; do
    make_app "$app-$variant"
    mapfile -t p < <(props "$app" "$variant")
    log="$work/logs/$app-$variant-warmup.log"
    run "$log" dotnet publish "$work/apps/$app-$variant" -c Release -t:PublishContainer -nodeReuse:false -tl:off "${p[@]}"
    grep -q 'Pushed image' "$log" || die "warm-up publish of $app-$variant pushed no image ($log)"
    pubdir=$(find "$work/apps/$app-$variant/bin/Release" -type d -name publish | head -n 1)
    printf '  %-4s %-4s warm-up done: publish directory %s, %s files\n' "$app" "$variant" \
      "$(du -sh "$pubdir" | cut -f1)" "$(find "$pubdir" -type f | wc -l)"
  done

  step "App '$app': $rounds rounds of the container step, variants alternating"
  for round in $(seq "$rounds"); do
    if (( round % 2 )); then order=(pkg sdk); else order=(sdk pkg); fi
    for variant in "${order[@]}"; do measure "$app" "$variant" "$round"; done
  done
done

# stats APP VARIANT COLUMN: "median min max" of a column of rounds.csv.
stats() {
  awk -F, -v a="$1" -v v="$2" -v c="$3" 'NR > 1 && $1 == a && $2 == v {print $c}' "$csv" | sort -n | awk '
    {x[NR] = $1} END {
      if (NR == 0) exit 1
      m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
      printf "%g %d %d\n", m, x[1], x[NR]
    }'
}

step "Results"
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[ -n "$cpu" ] || cpu=$(awk -F': *' '/^(Hardware|CPU part|uarch)/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "Machine: nproc $(nproc), memory $mem, CPU ${cpu:-unknown}, .NET SDK $(dotnet --version), $(uname -sr)"
echo "Rounds: $rounds per variant. Container step = \`dotnet build -t:PublishContainer --no-restore\` after a full publish;"
echo "ms = MSBuild's Project Performance Summary for the app (no process startup, no evaluation); wall = whole process."
echo "pkg = ContainerCache, every round a reuse hit; sdk = -p:ContainerCacheEnabled=false, every round builds and pushes."
echo
echo "| app | variant | median ms | min ms | max ms | ratio (SDK median / package median) | wall median ms |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for app in "${apps[@]}"; do
  read -r pkg_med pkg_min pkg_max < <(stats "$app" pkg 4)
  read -r sdk_med sdk_min sdk_max < <(stats "$app" sdk 4)
  read -r pkg_wall _ _ < <(stats "$app" pkg 6)
  read -r sdk_wall _ _ < <(stats "$app" sdk 6)
  ratio=$(awk -v s="$sdk_med" -v p="$pkg_med" 'BEGIN {if (p > 0) printf "%.2f", s / p; else print "n/a"}')
  label=$([ "$app" = fdd ] && echo "HelloContainer, framework-dependent" || echo "HelloContainer, self-contained linux-x64")
  echo "| $label | package (hit) | $pkg_med | $pkg_min | $pkg_max | $ratio | $pkg_wall |"
  echo "| $label | SDK alone | $sdk_med | $sdk_min | $sdk_max | | $sdk_wall |"
done
echo
echo "Per-round data: ${csv#"$root/"}; logs: ${work#"$root/"}/logs/"
