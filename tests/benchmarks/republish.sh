#!/usr/bin/env bash
# Benchmark: the container step of an UNCHANGED republish, ContainerCache (reuse hit) against the
# SDK alone (the package turned off with -p:ContainerCacheEnabled=false), on the same app.
# Not run by the test suite. Needs only the .NET SDK 10 after `bash tests/prerequisites.sh`.
#
#   bash tests/benchmarks/republish.sh              # 7 measured rounds per variant
#   BENCH_ROUNDS=5 bash tests/benchmarks/republish.sh
#   BENCH_MSBUILD_SERVER=1 bash tests/benchmarks/republish.sh   # through the MSBuild server (below)
#
# Apps: samples/HelloContainer framework-dependent ("fdd") and self-contained for linux-x64 ("sc",
# a ~79 MB publish directory). Each (app, variant) pair gets its own copy of the sample and its own
# ContainerRepository, so the SDK-alone variant never sees a key tag (never a hit). Before the
# rounds, each pair gets one full `dotnet publish -t:PublishContainer` (the warm-up, which also
# stores the package variant's image in the registry) and one plain `dotnet publish` (the
# reference for which targets a plain publish runs).
#
# PRIMARY METRIC: the container step of the real unchanged republish
#   dotnet publish APP -c Release -t:PublishContainer --no-restore -nodeReuse:false -clp:PerformanceSummary -p:...
# (MSBuild runs Publish;PublishContainer in one process). The container step is the sum of the
# Target Performance Summary times of the targets that run because of -t:PublishContainer, not in
# a plain publish:
#   - PublishContainer. Its time INCLUDES _PublishSingleContainer, which it calls through
#     CallTarget (a detailed log shows _PublishSingleContainer starting and ending inside it), so
#     _PublishSingleContainer is not added again. Dependencies and Before/AfterTargets are not
#     included in a target's time, so they are added.
#   - every _ContainerCache* target, except those that run in a plain publish too
#     (_ContainerCacheValidateProperties, _ContainerCacheRememberKeyFile, _ContainerCacheComputeContainerConfig,
#     _ContainerCacheComputeImageConfig, _ContainerCacheComputePlatformImageConfig, _ContainerCacheFindPostPublish,
#     _ContainerCacheNotePublish, _ContainerCacheCollectInputs, _ContainerCacheCollectProducedFiles,
#     _ContainerCacheFindUnmappedProjectReferences,
#     _ContainerCacheCheckSdk) and except
#     ContainerCacheComputeKey (the key computed after Publish, which a plain publish pays too).
#   - the SDK's container settings targets (ComputeContainerConfig, ComputeContainerBaseImage,
#     _ContainerEstablishRIDNess, _ComputeContainerExecutionArgs, _ParseItemsForPublishingSingleContainer)
#     in BOTH variants, wherever they run. With the SDK alone they run only in the container step;
#     with the package they run after Publish (the publish-time key needs them), so a plain publish
#     runs them too. Counting them in both keeps the comparison like for like.
#   - _ContainerVerifySDKVersion and _CheckContainersPackage are NOT counted: they are hooked to
#     AfterPublish and Build, so they run in a plain publish as well (0 ms in practice).
# Every round checks this definition against that pair's plain publish: every target that runs only
# with -t:PublishContainer must be counted (or be _PublishSingleContainer), and a counted target
# that a plain publish runs must be one of the container settings targets; a target with
# "container" in its name that the script does not know stops the run.
# Also recorded per round: the whole MSBuild time (Project Performance Summary of the app, i.e.
# Publish;PublishContainer), ContainerCacheComputeKey (package only), evaluation and wall time.
#
# SECONDARY METRIC: the container step alone in a fresh process,
#   dotnet build APP -c Release -t:PublishContainer --no-restore -nodeReuse:false -clp:PerformanceSummary -p:...
# which runs PublishContainer and its dependencies only on the existing publish directory (checked:
# no Build, no compile, no Publish). Its time is the app's Project Performance Summary time. Here
# the package computes its one key cold: the task assembly and System.IO.Hashing (IL only) are
# JIT-compiled at tier 0 on first use, so this shows the cold-JIT cost a republish does not pay
# in its container step.
#
# Every dotnet process is fresh (-nodeReuse:false), as in CI. Variants alternate in every round.
# BENCH_MSBUILD_SERVER=1 runs every dotnet command of the apps through the MSBuild server instead
# (DOTNET_CLI_USE_MSBUILD_SERVER=1, node reuse on; the default of the .NET 11 SDK): one long-lived
# process, warm for both variants from the warm-up on, with the package's registry connections
# kept between builds. It is shut down at the end.
# Every measured run checks: package = "ContainerCache: hit" and no image pushed; SDK alone = an
# image pushed and no ContainerCache output; the republish compiled and copied nothing (the app's
# DLL in bin/ and in the publish directory keep their timestamps).
#
# Output: markdown tables at the end; per-round data in artifacts/benchmarks/*.csv, the log of
# every run in artifacts/benchmarks/logs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks"
rounds="${BENCH_ROUNDS:-7}"
positive_integer BENCH_ROUNDS "$rounds"
server="${BENCH_MSBUILD_SERVER:-0}"
[[ "$server" =~ ^[01]$ ]] || die "BENCH_MSBUILD_SERVER must be 0 or 1, not '$server'"

# The NuGet cache persists across runs (the self-contained app's runtime pack is large); the
# freshly packed ContainerCache is taken from it anew every run.
bench_environment "$work"
reuse=(-nodeReuse:false)
if [ "$server" = 1 ]; then
  export DOTNET_CLI_USE_MSBUILD_SERVER=1
  unset MSBUILDDISABLENODEREUSE
  reuse=()
fi


bash "$root/tests/prerequisites.sh"
find "$work" -mindepth 1 -maxdepth 1 ! -name nuget-packages -exec rm -rf {} + 2>/dev/null || true
rm -rf "$NUGET_PACKAGES/containercache"
mkdir -p "$work/logs" "$work/apps"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "Pack ContainerCache from this repository"
run "$work/logs/pack.log" dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$work/local-packages" -nodeReuse:false -v:q
ls "$work/local-packages"

step "Start a local registry (docker-registry) with a base image"
registry_pid=
trap 'stop_pids $registry_pid; [ "$server" = 1 ] && dotnet build-server shutdown --msbuild >/dev/null 2>&1' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_test_registry "$work" "$work/logs"

# make_app NAME: a copy of the sample that takes ContainerCache from this run's pack.
make_app() { sample_app "$work/apps/$1" "$work/local-packages" online; }

# Properties per app and per variant (bash arrays, keyed by a name).
app_props_fdd=()
app_props_sc=(-p:SelfContained=true -p:RuntimeIdentifier=linux-x64)
variant_props_pkg=()
variant_props_sdk=(-p:ContainerCacheEnabled=false)

# props APP VARIANT: prints the -p's shared by every run of the pair.
props() {
  local -n ap="app_props_$1" vp="variant_props_$2"
  printf '%s\n' -p:ContainerRegistry="$registry" -p:ContainerBaseImage="$base" \
    -p:ContainerRepository="bench-$1-$2" "${ap[@]}" "${vp[@]}"
}

# run LOG CMD...: runs CMD with its output in LOG; on failure shows the log's end and stops.

# Targets that must not run in the secondary metric's step: they would mean a build or publish ran.
forbidden_targets='^(Restore|_GenerateRestoreGraph|Build|CoreBuild|CoreCompile|CopyFilesToOutputDirectory|Publish|PrepareForPublish|ComputeResolvedFilesToPublishList|ComputeFilesToPublish|CopyFilesToPublishDirectory|_CopyResolvedFilesToPublishAlways|_CopyResolvedFilesToPublishPreserveNewest|ResolvePackageAssets|ResolveAssemblyReferences|GenerateBuildDependencyFile|GeneratePublishDependencyFile|ILLink|GenerateBundle)$'

# The primary metric's classification of targets (see the header).
config_targets=" ComputeContainerConfig ComputeContainerBaseImage _ContainerEstablishRIDNess _ComputeContainerExecutionArgs _ParseItemsForPublishingSingleContainer "
nested_targets=" _PublishSingleContainer _PublishMultiArchContainers "
publish_step_targets=" ContainerCacheComputeKey _ContainerCacheRememberKeyFile _ContainerCacheValidateProperties _ContainerCacheComputeContainerConfig _ContainerCacheComputeImageConfig _ContainerCacheComputePlatformImageConfig _ContainerCacheFindPostPublish _ContainerCacheNotePublish _ContainerCacheCollectInputs _ContainerCacheCollectProducedFiles _ContainerCacheCheckSdk _ContainerCacheFindUnmappedProjectReferences _ContainerVerifySDKVersion _CheckContainersPackage "

# classify TARGET: counted (container step), nested (inside PublishContainer's time), publish, or unknown.
classify() {
  local t=" $1 "
  if [ "$1" = PublishContainer ] || [[ "$config_targets" == *"$t"* ]]; then echo counted
  elif [[ "$nested_targets" == *"$t"* ]]; then echo nested
  elif [[ "$publish_step_targets" == *"$t"* ]]; then echo publish
  elif [[ "$1" == _ContainerCache* ]]; then echo counted
  elif [[ "${1,,}" == *container* ]]; then echo unknown
  else echo publish
  fi
}

# summary_block LOG HEADER: the lines of one performance summary block.
# perf_targets LOG: "TARGET MS CALLS" per line of the Target Performance Summary.
perf_targets() { summary_block "$1" "Target Performance Summary:" | awk '{print $3, $1, $4}'; }
# target_ms LOG TARGET: the target's time, empty when it did not run.
target_ms() { perf_targets "$1" | awk -v t="$2" '$1 == t {print $2}'; }

# project_ms LOG DIR ENTRY: the app's single-call Project Performance Summary time, for entry targets ENTRY.
project_ms() {
  local block line
  block=$(summary_block "$1" "Project Performance Summary:")
  line=$(grep -F "$2/HelloContainer.csproj" <<<"$block" | head -n 1 || true)
  [[ "$line" =~ ^[[:space:]]*([0-9]+)\ ms\ .*[[:space:]]1\ calls$ ]] \
    || die "no single-call Project Performance Summary line for the app in $1: '$line'"
  grep -qE "^[[:space:]]+[0-9]+ ms[[:space:]]+$3[[:space:]]+1 calls$" <<<"$block" \
    || die "the app was not built once for the entry targets '$3' in $1"
  echo "${BASH_REMATCH[1]}"
}
evaluation_ms() { summary_block "$1" "Project Evaluation Performance Summary:" | awk '/HelloContainer.csproj/ {s += $1} END {print s + 0}'; }

# check_variant VARIANT LOG: the variant did what it is meant to do.
check_variant() {
  if [ "$1" = pkg ]; then
    grep -q 'ContainerCache: hit' "$2" || die "package run without 'ContainerCache: hit' (a miss?) in $2"
    ! grep -q 'Pushed image' "$2" || die "package run pushed an image (expected a reuse hit) in $2"
  else
    grep -q 'Pushed image' "$2" || die "SDK-alone run without 'Pushed image' in $2"
    ! grep -q 'ContainerCache:' "$2" || die "SDK-alone run ran ContainerCache (ContainerCacheEnabled=false ignored?) in $2"
  fi
}

# The app's DLL in bin/ and in the publish directory: an unchanged republish must leave them alone.
declare -A dll_stamps
app_dlls() {
  local pubdir
  pubdir=$(find "$work/apps/$1/bin/Release" -type d -name publish | head -n 1)
  [ -n "$pubdir" ] || die "no publish directory for $1"
  printf '%s\n' "$(dirname "$pubdir")/HelloContainer.dll" "$pubdir/HelloContainer.dll"
}
dll_stamp() { local -a f; mapfile -t f < <(app_dlls "$1"); stat -c '%n %y' "${f[@]}"; }

republish_csv="$work/republish.csv"
targets_csv="$work/republish-targets.csv"
build_csv="$work/build-step.csv"
echo "app,variant,round,container_step_ms,msbuild_ms,publish_key_ms,evaluation_ms,wall_ms,load1" >"$republish_csv"
echo "app,variant,round,target,ms,kind" >"$targets_csv"
echo "app,variant,round,msbuild_ms,key_target_ms,evaluation_ms,wall_ms,load1" >"$build_csv"

# republish APP VARIANT ROUND: one unchanged `dotnet publish -t:PublishContainer`, checked and recorded.
republish() {
  local app="$1" variant="$2" round="$3" dir="$work/apps/$1-$2" log="$work/logs/$1-$2-republish$3.log"
  local -a p; mapfile -t p < <(props "$app" "$variant")
  local t0 t1 load
  load=$(load1)
  t0=$(now_ns)
  run "$log" dotnet publish "$dir" -c Release -t:PublishContainer --no-restore "${reuse[@]}" -tl:off \
    -clp:PerformanceSummary "${p[@]}"
  t1=$(now_ns)
  local wall_ms=$(( (t1 - t0) / 1000000 )) msbuild_ms eval_ms
  msbuild_ms=$(project_ms "$log" "$dir" 'Publish;PublishContainer')
  eval_ms=$(evaluation_ms "$log")
  check_variant "$variant" "$log"
  [ "$(dll_stamp "$app-$variant")" = "${dll_stamps[$app-$variant]}" ] \
    || die "the republish rewrote the app's DLL (not an unchanged republish) in $log"

  # The container step, checked against the pair's plain publish.
  local plain="$work/logs/$app-$variant-plain-targets.txt" name ms calls kind in_plain
  local step_ms=0 pc_ms= nested_ms=0 key_ms=0
  while read -r name ms calls; do
    kind=$(classify "$name")
    in_plain=false; grep -qxF "$name" "$plain" && in_plain=true
    case "$kind" in
      unknown) die "target $name is not classified by the benchmark (a new SDK or package target?) in $log" ;;
      publish) [ "$in_plain" = true ] || [ "$name" = ContainerCacheComputeKey ] \
                 || die "target $name runs only with -t:PublishContainer but is not counted, in $log" ;;
      counted) [ "$in_plain" = false ] || [[ "$config_targets" == *" $name "* ]] \
                 || die "counted target $name also runs in a plain publish, in $log" ;;
    esac
    case "$kind" in
      counted) step_ms=$((step_ms + ms)); echo "$app,$variant,$round,$name,$ms,counted" >>"$targets_csv" ;;
      nested) nested_ms=$((nested_ms + ms)); echo "$app,$variant,$round,$name,$ms,nested" >>"$targets_csv" ;;
    esac
    if [ "$name" = PublishContainer ]; then
      [ "$calls" = 1 ] || die "PublishContainer ran $calls times in $log"
      pc_ms=$ms
    fi
    if [ "$name" = ContainerCacheComputeKey ]; then
      key_ms=$ms
      echo "$app,$variant,$round,$name,$ms,publish-key" >>"$targets_csv"
    fi
  done < <(perf_targets "$log")
  [ -n "$pc_ms" ] || die "PublishContainer did not run in $log"
  (( nested_ms <= pc_ms + 1 )) || die "_PublishSingleContainer ($nested_ms ms) is not inside PublishContainer ($pc_ms ms) in $log"
  if [ "$variant" = pkg ]; then
    [ -n "$(target_ms "$log" ContainerCacheComputeKey)" ] || die "ContainerCacheComputeKey did not run in $log"
    [ -n "$(target_ms "$log" _ContainerCacheComputeImageKey)" ] || die "_ContainerCacheComputeImageKey did not run in $log"
    [ -z "$(target_ms "$log" _PublishSingleContainer)" ] || die "a package hit ran _PublishSingleContainer in $log"
  else
    [ -n "$(target_ms "$log" _PublishSingleContainer)" ] || die "_PublishSingleContainer did not run in $log"
  fi

  echo "$app,$variant,$round,$step_ms,$msbuild_ms,$key_ms,$eval_ms,$wall_ms,$load" >>"$republish_csv"
  printf '  %-4s %-4s round %2d republish : container step %6d ms (whole MSBuild %6d ms, publish-time key %4d ms, wall %6d ms, load %s)\n' \
    "$app" "$variant" "$round" "$step_ms" "$msbuild_ms" "$key_ms" "$wall_ms" "$load"
}

# build_step APP VARIANT ROUND: one `dotnet build -t:PublishContainer` (the secondary metric), checked and recorded.
build_step() {
  local app="$1" variant="$2" round="$3" dir="$work/apps/$1-$2" log="$work/logs/$1-$2-buildstep$3.log"
  local -a p; mapfile -t p < <(props "$app" "$variant")
  local t0 t1 load
  load=$(load1)
  t0=$(now_ns)
  run "$log" dotnet build "$dir" -c Release -t:PublishContainer --no-restore "${reuse[@]}" -tl:off \
    -clp:PerformanceSummary "${p[@]}"
  t1=$(now_ns)
  local wall_ms=$(( (t1 - t0) / 1000000 )) msbuild_ms eval_ms key_ms
  msbuild_ms=$(project_ms "$log" "$dir" 'PublishContainer')
  eval_ms=$(evaluation_ms "$log")

  # Only the container step ran.
  local targets bad
  targets=$(perf_targets "$log" | awk '{print $1}')
  grep -qx 'PublishContainer' <<<"$targets" || die "PublishContainer did not run in $log"
  bad=$(grep -E "$forbidden_targets" <<<"$targets" || true)
  [ -z "$bad" ] || die "the container step ran build/publish targets ($(echo $bad)) in $log"
  check_variant "$variant" "$log"
  key_ms=$(target_ms "$log" ContainerCacheComputeKey)
  if [ "$variant" = pkg ]; then [ -n "$key_ms" ] || die "ContainerCacheComputeKey did not run in $log"; else key_ms=0; fi

  echo "$app,$variant,$round,$msbuild_ms,$key_ms,$eval_ms,$wall_ms,$load" >>"$build_csv"
  printf '  %-4s %-4s round %2d build step: %6d ms MSBuild (key target %4d ms, evaluation %4d ms, wall %6d ms, load %s)\n' \
    "$app" "$variant" "$round" "$msbuild_ms" "$key_ms" "$eval_ms" "$wall_ms" "$load"
  if [ "$round" = 1 ]; then sort <<<"$targets" >"$work/logs/$app-$variant-buildstep-targets.txt"; fi
}

apps=(fdd sc)
variants=(pkg sdk)
for app in "${apps[@]}"; do
  step "App '$app': per variant, a warm-up publish (full dotnet publish -t:PublishContainer) and a plain publish"
  for variant in "${variants[@]}"; do
    make_app "$app-$variant"
    mapfile -t p < <(props "$app" "$variant")
    log="$work/logs/$app-$variant-warmup.log"
    run "$log" dotnet publish "$work/apps/$app-$variant" -c Release -t:PublishContainer "${reuse[@]}" -tl:off "${p[@]}"
    grep -q 'Pushed image' "$log" || die "warm-up publish of $app-$variant pushed no image ($log)"
    # The plain publish: which targets run without -t:PublishContainer.
    log="$work/logs/$app-$variant-plain.log"
    run "$log" dotnet publish "$work/apps/$app-$variant" -c Release --no-restore "${reuse[@]}" -tl:off -clp:PerformanceSummary "${p[@]}"
    ! grep -q 'Pushed image' "$log" || die "the plain publish of $app-$variant pushed an image ($log)"
    perf_targets "$log" | awk '{print $1}' | sort >"$work/logs/$app-$variant-plain-targets.txt"
    grep -qx ComputeContainerConfig "$work/logs/$app-$variant-plain-targets.txt" && where="after Publish (a plain publish runs it too)" || where="in the container step only"
    dll_stamps[$app-$variant]=$(dll_stamp "$app-$variant")
    pubdir=$(dirname "$(app_dlls "$app-$variant" | tail -n 1)")
    printf '  %-4s %-4s publish directory %s, %s files; ComputeContainerConfig runs %s\n' "$app" "$variant" \
      "$(du -sh "$pubdir" | cut -f1)" "$(find "$pubdir" -type f | wc -l)" "$where"
  done

  step "App '$app': $rounds rounds, variants alternating: the republish (primary), then the build step (secondary)"
  for round in $(seq "$rounds"); do
    if (( round % 2 )); then order=(pkg sdk); else order=(sdk pkg); fi
    for variant in "${order[@]}"; do republish "$app" "$variant" "$round"; done
    for variant in "${order[@]}"; do build_step "$app" "$variant" "$round"; done
  done
done

ratio() { awk -v s="$1" -v p="$2" 'BEGIN {if (p > 0) printf "%.1f", s / p; else print "n/a"}'; }

step "Results"
echo "$(machine); started $date_start"
echo "Load average (1, 5, 15 min): $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
  "1-min load at the measured runs: median $(tail -n +2 "$republish_csv" "$build_csv" | awk -F, 'NF > 1 {print $NF}' | sort -n | awk '{x[NR]=$1} END {print x[int((NR+1)/2)] ", max " x[NR]}')"
echo "Rounds: $rounds per variant and metric. pkg = ContainerCache, every run a reuse hit; sdk = -p:ContainerCacheEnabled=false, every run builds and pushes."
if [ "$server" = 1 ]; then
  echo "MSBuild: every command through one warm MSBuild server (BENCH_MSBUILD_SERVER=1), not a fresh process."
  fresh="through the warm MSBuild server"
else
  echo "MSBuild: a fresh process per command (-nodeReuse:false)."
  fresh="in a fresh process"
fi
echo
echo "Primary: container step of the unchanged republish \`dotnet publish -t:PublishContainer\` (ms, sum of the container-step targets)"
echo
echo "| app | variant | container step median | min | max | ratio SDK/pkg | whole MSBuild median | ContainerCacheComputeKey median | wall median |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for app in "${apps[@]}"; do
  read -r pm pmin pmax < <(column_stats "$republish_csv" "$app" pkg 4)
  read -r sm smin smax < <(column_stats "$republish_csv" "$app" sdk 4)
  read -r pw _ _ < <(column_stats "$republish_csv" "$app" pkg 5); read -r sw _ _ < <(column_stats "$republish_csv" "$app" sdk 5)
  read -r pk _ _ < <(column_stats "$republish_csv" "$app" pkg 6)
  read -r pwall _ _ < <(column_stats "$republish_csv" "$app" pkg 8); read -r swall _ _ < <(column_stats "$republish_csv" "$app" sdk 8)
  echo "| $(label "$app") | package (hit) | $pm | $pmin | $pmax | $(ratio "$sm" "$pm") | $pw | $pk | $pwall |"
  echo "| $(label "$app") | SDK alone | $sm | $smin | $smax | | $sw | - | $swall |"
done
echo
echo "Container-step targets, median ms (targets with a median of 0 left out; nested = inside PublishContainer's time, not added):"
echo
echo "| app | variant | target | median ms |"
echo "| --- | --- | --- | ---: |"
for app in "${apps[@]}"; do
  for variant in "${variants[@]}"; do
    awk -F, -v a="$app" -v v="$variant" 'NR > 1 && $1 == a && $2 == v && $6 != "publish-key" {print $4 ($6 == "nested" ? " (nested)" : "")}' "$targets_csv" \
      | sort -u | while read -r t kind; do
          m=$(awk -F, -v a="$app" -v v="$variant" -v t="$t" 'NR > 1 && $1 == a && $2 == v && $4 == t {print $5}' "$targets_csv" \
            | sort -n | awk '{x[NR] = $1} END {printf "%g\n", (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2}')
          if [ "$m" != 0 ]; then printf '%s\t%s\n' "$m" "$t${kind:+ $kind}"; fi
        done | sort -rn | while IFS=$'\t' read -r m t; do
          echo "| $(label "$app") | $([ "$variant" = pkg ] && echo package || echo SDK alone) | $t | $m |"
        done
  done
done
echo
echo "Secondary: \`dotnet build -t:PublishContainer\` $fresh, the container step alone (the package's one key is computed here)"
echo
echo "| app | variant | MSBuild median ms | min | max | ratio SDK/pkg | ContainerCacheComputeKey median | wall median |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for app in "${apps[@]}"; do
  read -r pm pmin pmax < <(column_stats "$build_csv" "$app" pkg 4)
  read -r sm smin smax < <(column_stats "$build_csv" "$app" sdk 4)
  read -r pk _ _ < <(column_stats "$build_csv" "$app" pkg 5)
  read -r pwall _ _ < <(column_stats "$build_csv" "$app" pkg 7); read -r swall _ _ < <(column_stats "$build_csv" "$app" sdk 7)
  echo "| $(label "$app") | package (hit) | $pm | $pmin | $pmax | $(ratio "$sm" "$pm") | $pk | $pwall |"
  echo "| $(label "$app") | SDK alone | $sm | $smin | $smax | | - | $swall |"
done
echo
echo "Per-round data: ${republish_csv#"$root/"}, ${targets_csv#"$root/"}, ${build_csv#"$root/"}; logs: ${work#"$root/"}/logs/"
