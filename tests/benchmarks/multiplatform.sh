#!/usr/bin/env bash
# Benchmark: a MULTI-PLATFORM republish (ContainerRuntimeIdentifiers=linux-x64;linux-arm64, pushed
# to a registry as an image index), ContainerCache against the SDK alone (the package turned off
# with -p:ContainerCacheEnabled=false), on the same app, in the same run.
# Not run by the test suite. Needs only the .NET SDK 10 after `bash tests/prerequisites.sh`.
#
#   bash tests/benchmarks/multiplatform.sh              # 5 measured rounds per variant and case
#   BENCH_ROUNDS=3 bash tests/benchmarks/multiplatform.sh
#
# App: samples/HelloContainer, framework-dependent, one image per RID, plus a file only the
# linux-x64 image ships (x64.txt). Each variant gets its own copy and its own ContainerRepository,
# so the SDK-alone variant never sees a key tag. Before the rounds, each gets one full publish (the
# warm-up, which also stores the package variant's images).
#
# Cases, each round, variants alternating:
#   unchanged    the same sources again: the package reuses both platform images and pushes the
#                same index; the SDK alone builds and pushes both images and the index.
#   one-platform x64.txt changed (a new content every round): the package builds linux-x64 only and
#                reuses linux-arm64; the SDK alone builds both.
# In a multi-platform publish the platform images' own publishes run inside the container step
# (the SDK publishes each RID in an inner build of PublishContainer; the package in its inner builds
# before it), and MSBuild's summaries add nested builds of the same project twice, so the metric is
# the wall time of the whole republish, in a fresh process:
#   dotnet publish APP -c Release -t:PublishContainer --no-restore -nodeReuse:false Every run checks what it did: the package says which platforms it built ("hit:
# every platform image" when unchanged, "built the platform images linux-x64, reused linux-arm64"
# when one changed), and pushes no image it reused; the SDK alone pushes both images and an index.
#
# Output: markdown tables at the end; per-round data in artifacts/benchmarks-multiplatform/*.csv,
# the log of every run in artifacts/benchmarks-multiplatform/logs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks-multiplatform"
rounds="${BENCH_ROUNDS:-5}"
positive_integer BENCH_ROUNDS "$rounds"

bench_environment "$work"

bash "$root/tests/prerequisites.sh"
find "$work" -mindepth 1 -maxdepth 1 ! -name nuget-packages -exec rm -rf {} + 2>/dev/null || true
rm -rf "$NUGET_PACKAGES/containercache"
mkdir -p "$work/logs" "$work/apps"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "Pack ContainerCache from this repository"
run "$work/logs/pack.log" dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$work/local-packages" -nodeReuse:false -v:q

step "Start a local registry (docker-registry) with a two-platform base image"
registry_pid=
trap 'stop_pids $registry_pid' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_test_registry "$work" "$work/logs"

# make_app VARIANT: a copy of the sample, two platforms, a file only linux-x64 ships.
make_app() {
  local dir="$work/apps/$1"
  sample_app "$dir" "$work/local-packages" online
  cat >"$dir/Directory.Build.props" <<'PROPS'
<Project>
  <PropertyGroup>
    <RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>
    <ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers>
  </PropertyGroup>
  <ItemGroup>
    <None Include="x64.txt" CopyToPublishDirectory="PreserveNewest" Condition="'$(RuntimeIdentifier)' == 'linux-x64'" />
  </ItemGroup>
</Project>
PROPS
  echo warm-up >"$dir/x64.txt"
}

variant_props_pkg=()
variant_props_sdk=(-p:ContainerCacheEnabled=false)
props() {
  local -n vp="variant_props_$1"
  printf '%s\n' -p:ContainerRegistry="$registry" -p:ContainerBaseImage="$base" -p:ContainerRepository="bench-multi-$1" "${vp[@]}"
}

# check VARIANT CASE LOG: the run did what the case means.
check() {
  local pushed_x64 pushed_arm64
  pushed_x64=$(grep -c "Pushed image 'bench-multi-$1:latest-linux-x64" "$3" || true)
  pushed_arm64=$(grep -c "Pushed image 'bench-multi-$1:latest-linux-arm64" "$3" || true)
  if [ "$1" = pkg ]; then
    grep -q 'Pushed image index' "$3" || die "package run pushed no index in $3"
    if [ "$2" = unchanged ]; then
      grep -q 'ContainerCache: hit: every platform image (linux-x64, linux-arm64) is reused' "$3" || die "package run without the all-platforms hit in $3"
      [ "$pushed_x64$pushed_arm64" = 00 ] || die "package run pushed a platform image on an unchanged republish in $3"
    else
      grep -q 'ContainerCache: built the platform images linux-x64, reused linux-arm64' "$3" || die "package run did not build linux-x64 alone in $3"
      [ "$pushed_x64$pushed_arm64" = 10 ] || die "package run pushed other than linux-x64 alone in $3"
    fi
  else
    [ "$pushed_x64$pushed_arm64" = 11 ] || die "SDK-alone run did not push both platform images in $3"
    grep -q 'Pushed image index' "$3" || die "SDK-alone run pushed no index in $3"
    ! grep -q 'ContainerCache:' "$3" || die "SDK-alone run ran ContainerCache in $3"
  fi
}

csv="$work/multiplatform.csv"
echo "case,variant,round,wall_ms,load1" >"$csv"

# publish VARIANT CASE ROUND
publish() {
  local variant="$1" case="$2" round="$3" dir="$work/apps/$1" log="$work/logs/$1-$2-$3.log"
  local -a p; mapfile -t p < <(props "$variant")
  [ "$case" = one-platform ] && echo "round $round" >"$dir/x64.txt"
  local load t0 t1 wall_ms
  load=$(load1)
  t0=$(now_ns)
  run "$log" dotnet publish "$dir" -c Release -t:PublishContainer --no-restore -nodeReuse:false -tl:off "${p[@]}"
  t1=$(now_ns)
  wall_ms=$(( (t1 - t0) / 1000000 ))
  check "$variant" "$case" "$log"
  echo "$case,$variant,$round,$wall_ms,$load" >>"$csv"
  printf '  %-12s %-4s round %2d: wall %6d ms, load %s\n' "$case" "$variant" "$round" "$wall_ms" "$load"
}

step "Warm-up: restore and a first publish of each variant"
for v in pkg sdk; do
  make_app "$v"
  mapfile -t p < <(props "$v")
  run "$work/logs/$v-restore.log" dotnet restore "$work/apps/$v" -nodeReuse:false
  run "$work/logs/$v-warmup.log" dotnet publish "$work/apps/$v" -c Release -t:PublishContainer --no-restore -nodeReuse:false -tl:off "${p[@]}"
done

step "Rounds ($rounds per case and variant)"
for round in $(seq "$rounds"); do
  for case in unchanged one-platform; do
    if (( round % 2 )); then order="pkg sdk"; else order="sdk pkg"; fi
    for v in $order; do publish "$v" "$case" "$round"; done
  done
done

step "Results"
machine
echo "Rounds: $rounds per case and variant; started $date_start, load at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| case | package: wall, median (min-max) | SDK alone | ratio (SDK / package) |"
echo "| --- | --- | --- | --- |"
for case in unchanged one-platform; do
  read -r pm pmin pmax < <(column_stats "$csv" "$case" pkg 4)
  read -r sm smin smax < <(column_stats "$csv" "$case" sdk 4)
  ratio=$(awk -v s="$sm" -v p="$pm" 'BEGIN {printf "%.2fx", s / p}')
  echo "| $case | $pm ms ($pmin-$pmax) | $sm ms ($smin-$smax) | $ratio |"
done
