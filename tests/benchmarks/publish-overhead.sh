#!/usr/bin/env bash
# Benchmark (issue 6): what the package adds to a whole `dotnet publish` of an UNCHANGED app,
# enabled against disabled (-p:ContainerCacheEnabled=false). Goal: <= 2% slower (medians).
# Not run by the test suite. Needs only the .NET SDK 10 (after `bash tests/prerequisites.sh`).
#
#   bash tests/benchmarks/publish-overhead.sh              # 7 measured rounds per variant
#   BENCH_ROUNDS=5 bash tests/benchmarks/publish-overhead.sh
#   BENCH_APPS=fdd bash tests/benchmarks/publish-overhead.sh   # default "fdd sc"
#
# Apps: samples/HelloContainer framework-dependent ("fdd", 6 files) and self-contained for
# linux-x64 ("sc", ~190 files, ~79 MB). Each (app, variant) pair has its own copy of the sample,
# both referencing the ContainerCache package packed from this repository:
#   pkg  the package as a user gets it (enabled);
#   off  the same PackageReference with -p:ContainerCacheEnabled=false (its props still run: the
#        deterministic defaults stay, so both copies compile the same way; what is measured is the
#        key and what it needs, not the package's import).
# Each copy gets one full publish (restore and build) and one untimed incremental publish first.
# Then, variants alternating in every round (odd rounds pkg first, even rounds off first):
#   dotnet publish APP -c Release --no-restore -nodeReuse:false -clp:PerformanceSummary [-p:...]
# a fresh MSBuild process each, as in CI, on an unchanged app: an incremental build that compiles
# and copies nothing (checked: the app's DLL in bin/ and in the publish directory keep their
# timestamps). Every pkg run must log "ContainerCache: key" over the publish directory's files
# (the key file itself left out); every off run must log no "ContainerCache:" line.
# Recorded: the app's Project Performance Summary time (the whole MSBuild work of the publish,
# evaluation excluded), evaluation time, process wall time, and for pkg the ContainerCacheComputeKey
# target time, the task's own "T ms", and "added": the summed times of the targets that ran in the
# pkg run but not in the off copy's warm-up publish (the package's targets and the SDK container
# settings targets that the key needs).
#
# Output: markdown tables at the end; per-run data in artifacts/benchmarks/publish-overhead/*.csv,
# logs in artifacts/benchmarks/publish-overhead/logs/. On exit the apps are deleted; the NuGet cache
# in artifacts/benchmarks/publish-overhead/nuget-packages (the self-contained app's runtime pack) is
# kept for the next run, except this run's ContainerCache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shopt -s inherit_errexit
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks/publish-overhead"
rounds="${BENCH_ROUNDS:-7}"
read -r -a apps <<<"${BENCH_APPS:-fdd sc}"
positive_integer BENCH_ROUNDS "$rounds"
for a in "${apps[@]}"; do [[ "$a" == fdd || "$a" == sc ]] || { echo "BENCH_APPS: unknown app '$a' (fdd, sc)" >&2; exit 2; }; done

# The package is packed with the user's NuGet cache; the apps restore into their own.
bench_environment "$work"


cleanup() { rm -rf "$work/apps"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find "$work" -mindepth 1 -maxdepth 1 ! -name nuget-packages -exec rm -rf {} + 2>/dev/null || true
rm -rf "$NUGET_PACKAGES/containercache"
mkdir -p "$work/logs" "$work/apps"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "Pack ContainerCache from this repository"
run "$work/logs/pack.log" with_user_nuget dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$work/local-packages" -nodeReuse:false -v:q
ls "$work/local-packages"

app_props_fdd=()
app_props_sc=(-p:SelfContained=true -p:RuntimeIdentifier=linux-x64)
variant_props_pkg=()
variant_props_off=(-p:ContainerCacheEnabled=false)
props() { local -n ap="app_props_$1" vp="variant_props_$2"; printf '%s\n' "${ap[@]}" "${vp[@]}"; }

perf_targets() { summary_block "$1" "Target Performance Summary:" | awk '{print $3, $1}'; }
# project_ms LOG DIR: the app's single-call Project Performance Summary time.
project_ms() {
  local line re='^[[:space:]]*([0-9]+) ms +[^ ]+ +1 calls$'
  line=$(summary_block "$1" "Project Performance Summary:" | grep -F "$2/HelloContainer.csproj" | head -n 1 || true)
  [[ "$line" =~ $re ]] || die "no single-call Project Performance Summary line for the app in $1: '$line'"
  echo "${BASH_REMATCH[1]}"
}
evaluation_ms() { summary_block "$1" "Project Evaluation Performance Summary:" | awk '/HelloContainer.csproj/ {s += $1} END {print s + 0}'; }
publish_dir() {
  local d
  d=$(find "$work/apps/$1/bin/Release" -type d -name publish | head -n 1)
  [ -n "$d" ] || die "no publish directory for $1"
  echo "$d"
}
dll_stamp() { local p; p=$(publish_dir "$1"); stat -c '%n %y' "$(dirname "$p")/HelloContainer.dll" "$p/HelloContainer.dll"; }

declare -A dll_stamps off_targets
csv="$work/publish-overhead.csv"
echo "app,variant,round,msbuild_ms,evaluation_ms,wall_ms,key_target_ms,key_self_ms,added_ms,load1" >"$csv"

# publish APP VARIANT ROUND: one measured incremental publish, checked and recorded.
publish() {
  local app="$1" variant="$2" round="$3" dir="$work/apps/$1-$2" log="$work/logs/$1-$2-round$3.log"
  local -a p; mapfile -t p < <(props "$app" "$variant")
  local load t0 t1
  load=$(load1)
  t0=$(now_ns)
  run "$log" dotnet publish "$dir" -c Release --no-restore -nodeReuse:false -tl:off -clp:PerformanceSummary "${p[@]}"
  t1=$(now_ns)
  local wall=$(( (t1 - t0) / 1000000 )) msbuild eval key_ms=0 self_ms=0 added=0
  msbuild=$(project_ms "$log" "$dir")
  eval=$(evaluation_ms "$log")
  [ "$(dll_stamp "$app-$variant")" = "${dll_stamps[$app-$variant]}" ] \
    || die "the publish rewrote the app's DLL (not an unchanged republish) in $log"
  if [ "$variant" = pkg ]; then
    local line re='ContainerCache: key ([0-9a-f]{32}) \(([0-9]+) files, [^,]+, ([0-9]+ read, )?([0-9]+) ms\)' pubdir want
    line=$(grep -E 'ContainerCache: key [0-9a-f]{32} \(' "$log" || true)
    [[ "$line" =~ $re ]] || die "no 'ContainerCache: key' line in $log"
    pubdir=$(publish_dir "$app-$variant")
    want=$(find "$pubdir" -type f ! -path "$pubdir/container-cache.json" | wc -l)
    [ "${BASH_REMATCH[2]}" = "$want" ] || die "keyed ${BASH_REMATCH[2]} files, the publish directory has $want ($log)"
    self_ms=${BASH_REMATCH[4]}
    key_ms=$(perf_targets "$log" | awk '$1 == "ContainerCacheComputeKey" {print $2}')
    [ -n "$key_ms" ] || die "ContainerCacheComputeKey is not in the Target Performance Summary of $log"
    added=$(perf_targets "$log" | while read -r t ms; do grep -qxF "$t" <<<"${off_targets[$app]}" || echo "$ms"; done | awk '{s += $1} END {print s + 0}')
  else
    ! grep -q 'ContainerCache:' "$log" || die "ContainerCacheEnabled=false still ran ContainerCache in $log"
  fi
  echo "$app,$variant,$round,$msbuild,$eval,$wall,$key_ms,$self_ms,$added,$load" >>"$csv"
  printf '  %-3s %-3s round %2d: MSBuild %6d ms, wall %6d ms, evaluation %4d ms' "$app" "$variant" "$round" "$msbuild" "$wall" "$eval"
  [ "$variant" = pkg ] && printf ', key target %4d ms (self %4d), added targets %4d ms' "$key_ms" "$self_ms" "$added"
  printf '  (load %s)\n' "$load"
}

for app in "${apps[@]}"; do
  step "App '$app': per variant, a copy of the sample, a full publish and an untimed incremental one"
  for variant in pkg off; do
    dir="$work/apps/$app-$variant"
    sample_app "$dir" "$work/local-packages" online
    mapfile -t p < <(props "$app" "$variant")
    run "$work/logs/$app-$variant-first.log" dotnet publish "$dir" -c Release -nodeReuse:false -tl:off "${p[@]}"
    run "$work/logs/$app-$variant-warmup.log" dotnet publish "$dir" -c Release --no-restore -nodeReuse:false -tl:off -clp:PerformanceSummary "${p[@]}"
    dll_stamps[$app-$variant]=$(dll_stamp "$app-$variant")
    if [ "$variant" = off ]; then off_targets[$app]=$(perf_targets "$work/logs/$app-$variant-warmup.log" | awk '{print $1}'); fi
    pubdir=$(publish_dir "$app-$variant")
    printf '  %-3s %-3s publish directory %s, %s files\n' "$app" "$variant" "$(du -sh "$pubdir" | cut -f1)" "$(find "$pubdir" -type f | wc -l)"
  done
  step "App '$app': $rounds rounds, variants alternating"
  for round in $(seq "$rounds"); do
    if (( round % 2 )); then order=(pkg off); else order=(off pkg); fi
    for variant in "${order[@]}"; do publish "$app" "$variant" "$round"; done
  done
done

# stats APP VARIANT COLUMN: "median min max".
stats() { column_stats "$csv" "$@"; }
overhead() { awk -v p="$1" -v o="$2" 'BEGIN {if (o > 0) printf "%+.1f%%", (p - o) * 100 / o; else print "n/a"}'; }

step "Results"
echo "$(machine); started $date_start"
echo "Load average (1, 5, 15 min): $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
  "1-min load at the measured runs: median $(tail -n +2 "$csv" | cut -d, -f10 | sort -n | awk '{x[NR]=$1} END {print x[int((NR+1)/2)] ", max " x[NR]}')"
echo "Rounds: $rounds per variant, alternating. pkg = ContainerCache enabled; off = -p:ContainerCacheEnabled=false."
echo
echo "| app | variant | MSBuild median ms (min-max) | overhead | wall median ms (min-max) | overhead | ContainerCacheComputeKey | task \"T ms\" | added targets |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for app in "${apps[@]}"; do
  read -r pm plo phi < <(stats "$app" pkg 4); read -r om olo ohi < <(stats "$app" off 4)
  read -r pw pwlo pwhi < <(stats "$app" pkg 6); read -r ow owlo owhi < <(stats "$app" off 6)
  read -r pk _ _ < <(stats "$app" pkg 7); read -r ps _ _ < <(stats "$app" pkg 8); read -r pa _ _ < <(stats "$app" pkg 9)
  echo "| $(label "$app") | package enabled | $pm ($plo-$phi) | **$(overhead "$pm" "$om")** | $pw ($pwlo-$pwhi) | $(overhead "$pw" "$ow") | $pk | $ps | $pa |"
  echo "| $(label "$app") | disabled | $om ($olo-$ohi) | | $ow ($owlo-$owhi) | | - | - | - |"
done
echo
echo "Overhead = (median enabled - median disabled) / median disabled; the issue's goal is <= 2%."
echo "Per-run data: ${csv#"$root/"}; logs: ${work#"$root/"}/logs/"
