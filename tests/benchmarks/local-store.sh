#!/usr/bin/env bash
# Benchmark: the container step of an UNCHANGED republish to the LOCAL image store (no
# ContainerRegistry: the SDK loads the image into Docker or Podman), ContainerCache (a local-store
# hit: image inspect, then tag) against the SDK alone (-p:ContainerCacheEnabled=false: it builds the
# image and loads it, every time: dotnet/sdk-container-builds#590). Not run by the test suite.
#
#   bash tests/benchmarks/local-store.sh             # 5 measured rounds per variant
#   BENCH_ROUNDS=3 bash tests/benchmarks/local-store.sh
#
# Engines: a dockerd of the run's own (vfs storage, no networking, its own socket; DOCKER_HOST points
# at it), and podman with vfs storage of its own (CONTAINERS_STORAGE_CONF, CONTAINERS_CONF), chosen
# with LocalRegistry=Docker / Podman. Apps: samples/HelloContainer framework-dependent ("fdd") and
# self-contained for linux-x64 ("sc", ~79 MB publish directory: the SDK's load costs most there).
# Each (engine, app, variant) gets its own copy of the sample and its own ContainerRepository.
#
# METRIC: the container step alone in a fresh process, as republish.sh's secondary metric:
#   dotnet build APP -c Release -t:PublishContainer --no-restore -nodeReuse:false -clp:PerformanceSummary
# on the publish directory the warm-up left; the app's Project Performance Summary time (MSBuild),
# and the wall time of the command (process start included). The package's time includes its key,
# computed cold in that process. Every measured run checks: package = "ContainerCache: hit" and no
# image loaded; SDK alone = an image loaded and no ContainerCache output. Variants alternate.
#
# Output: a markdown table at the end; per-round data in artifacts/benchmarks/local-store.csv, the log
# of every run in artifacts/benchmarks/local-store-logs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks"
logs="$work/local-store-logs"
rounds="${BENCH_ROUNDS:-5}"
positive_integer BENCH_ROUNDS "$rounds"

bench_environment "$work"

bash "$root/tests/prerequisites.sh"
rm -rf "$logs" "$work/local-store" "$NUGET_PACKAGES/containercache"
mkdir -p "$logs" "$work/local-store/apps"
ls_work="$work/local-store"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

step "Pack ContainerCache from this repository"
run "$logs/pack.log" dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$ls_work/local-packages" -nodeReuse:false -v:q

step "Start a local registry with a base image, a dockerd and a podman store"
registry_pid= dockerd_pid=
trap 'stop_pids $registry_pid $dockerd_pid' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_test_registry "$ls_work" "$logs"

d="$ls_work/docker"; mkdir -p "$d"
dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none --data-root "$d/data" \
  --exec-root "$d/exec" --pidfile "$d/docker.pid" -H "unix://$d/docker.sock" >"$logs/dockerd.log" 2>&1 &
dockerd_pid=$!
export DOCKER_HOST="unix://$d/docker.sock"
for _ in $(seq 200); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
docker version >/dev/null 2>&1 || { tail "$logs/dockerd.log" >&2; die "dockerd did not start"; }

p="$ls_work/podman"; mkdir -p "$p"
printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$p" "$p" >"$p/storage.conf"
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >"$p/containers.conf"
export CONTAINERS_STORAGE_CONF="$p/storage.conf" CONTAINERS_CONF="$p/containers.conf"
podman images >/dev/null || die "podman does not run"
echo "base image: $base; docker: $DOCKER_HOST ($(docker version --format '{{.Server.Version}}')); podman $(podman version --format '{{.Client.Version}}')"

app_props_fdd=()
app_props_sc=(-p:SelfContained=true -p:RuntimeIdentifier=linux-x64)
variant_props_pkg=()
variant_props_sdk=(-p:ContainerCacheEnabled=false)
props() {
  local -n ap="app_props_$2" vp="variant_props_$3"
  printf '%s\n' -p:LocalRegistry="$1" -p:ContainerBaseImage="$base" -p:ContainerRepository="bench-${1,,}-$2-$3" "${ap[@]}" "${vp[@]}"
}

loaded() { grep -q "to local registry via" "$1"; }
check_variant() {
  if [ "$1" = pkg ]; then
    grep -q 'ContainerCache: hit' "$2" || die "package run without 'ContainerCache: hit' in $2"
    ! loaded "$2" || die "package run loaded an image (expected a hit) in $2"
  else
    loaded "$2" || die "SDK-alone run loaded no image in $2"
    ! grep -q 'ContainerCache:' "$2" || die "SDK-alone run ran ContainerCache in $2"
  fi
}

project_ms() {
  summary_block "$1" "Project Performance Summary:" | grep -F "$2/HelloContainer.csproj" | head -n 1 | awk '{print $1}'
}

csv="$work/local-store.csv"
echo "engine,app,variant,round,msbuild_ms,wall_ms,load1" >"$csv"
engines=(Docker Podman)
apps=(fdd sc)
variants=(pkg sdk)

step "Warm-up: one full dotnet publish -t:PublishContainer per (engine, app, variant)"
for engine in "${engines[@]}"; do
  for app in "${apps[@]}"; do
    for variant in "${variants[@]}"; do
      dir="$ls_work/apps/$engine-$app-$variant"
      sample_app "$dir" "$ls_work/local-packages" online
      mapfile -t pr < <(props "$engine" "$app" "$variant")
      run "$logs/$engine-$app-$variant-warmup.log" dotnet publish "$dir" -c Release -t:PublishContainer -nodeReuse:false -tl:off "${pr[@]}"
      loaded "$logs/$engine-$app-$variant-warmup.log" || die "the warm-up loaded no image ($logs/$engine-$app-$variant-warmup.log)"
    done
  done
done

step "$rounds rounds, variants alternating: dotnet build -t:PublishContainer (the container step alone)"
for round in $(seq "$rounds"); do
  if (( round % 2 )); then order=(pkg sdk); else order=(sdk pkg); fi
  for engine in "${engines[@]}"; do
    for app in "${apps[@]}"; do
      for variant in "${order[@]}"; do
        dir="$ls_work/apps/$engine-$app-$variant" log="$logs/$engine-$app-$variant-$round.log"
        mapfile -t pr < <(props "$engine" "$app" "$variant")
        load=$(load1); t0=$(now_ns)
        run "$log" dotnet build "$dir" -c Release -t:PublishContainer --no-restore -nodeReuse:false -tl:off -clp:PerformanceSummary "${pr[@]}"
        wall=$(( ($(now_ns) - t0) / 1000000 ))
        check_variant "$variant" "$log"
        ms=$(project_ms "$log" "$dir"); [ -n "$ms" ] || die "no project time in $log"
        echo "$engine,$app,$variant,$round,$ms,$wall,$load" >>"$csv"
        printf '  %-6s %-3s %-3s round %d: %6d ms MSBuild, wall %6d ms, load %s\n' "$engine" "$app" "$variant" "$round" "$ms" "$wall" "$load"
      done
    done
  done
done

# stats ENGINE APP VARIANT COLUMN: "median min max".
stats() {
  awk -F, -v e="$1" -v a="$2" -v v="$3" -v c="$4" 'NR > 1 && $1 == e && $2 == a && $3 == v {print $c}' "$csv" | sort -n | awk '
    {x[NR] = $1} END { m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; printf "%g %g %g\n", m, x[1], x[NR] }'
}
ratio() { awk -v s="$1" -v p="$2" 'BEGIN {if (p > 0) printf "%.1f", s / p; else print "n/a"}'; }

step "Results"
echo "$(machine); started $date_start; load (1, 5, 15 min) $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "Rounds: $rounds per variant. pkg = ContainerCache, every run a local-store hit; sdk = -p:ContainerCacheEnabled=false, every run builds and loads."
echo
echo "| engine | app | package (hit) MSBuild median [min-max] | SDK alone MSBuild median [min-max] | ratio SDK/pkg | package wall median | SDK alone wall median | ratio |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for engine in "${engines[@]}"; do
  for app in "${apps[@]}"; do
    read -r pm pmin pmax < <(stats "$engine" "$app" pkg 5)
    read -r sm smin smax < <(stats "$engine" "$app" sdk 5)
    read -r pw _ _ < <(stats "$engine" "$app" pkg 6)
    read -r sw _ _ < <(stats "$engine" "$app" sdk 6)
    echo "| $engine | $(label "$app") | $pm [$pmin-$pmax] | $sm [$smin-$smax] | $(ratio "$sm" "$pm") | $pw | $sw | $(ratio "$sw" "$pw") |"
  done
done
