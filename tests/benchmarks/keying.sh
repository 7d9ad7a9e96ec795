#!/usr/bin/env bash
# Benchmark (issue 6): the cost of keying a publish directory, against the named peer xxh128sum
# (Debian package xxhash) over the same files, and the memory the keying needs.
# Not run by the test suite. Needs only the .NET SDK 10 (after `bash tests/prerequisites.sh`);
# installs xxhash (xxh128sum) and time (/usr/bin/time) with apt-get when they are missing.
#
#   bash tests/benchmarks/keying.sh                 # 7 measured rounds per tool and tree
#   BENCH_ROUNDS=5 bash tests/benchmarks/keying.sh
#   BENCH_BIG_MB=2048                               # size of the memory check's large file (default)
#
# TREES, written by tests/ContainerCache.Benchmarks (write-tree; seeded SplitMix64: the same names,
# sizes and bytes on every machine; pseudo-random content, not zeros), the trees its BenchmarkDotNet
# benchmarks use:
#   large  200 MiB in 2,000 files: 1,996 files of 50-100 KiB in 20 folders and 4 large files
#          (8-16 MiB and one that makes the total exactly 200 MiB)
#   small  20,000 files of 1-4 KiB, 2 to 4 folders deep (a large wwwroot)
#
# TOOLS, alternating in every round (odd rounds in this order, even rounds reversed), all on a
# warm page cache (every file read once first, then one untimed run of each tool):
#   xxh128sum     `find TREE -type f -print0 | xargs -0 xxh128sum`, wall time: the peer, one process
#                 at a time (xargs splits the list only at its 128 KiB argument limit).
#   xxh128sum -P  the same with `xargs -0 -P$(nproc) -n K`, K = files / (8 x nproc): the peer using
#                 every core, as the package does.
#   package       `dotnet build APP -t:ContainerCacheComputeKey --no-restore -nodeReuse:false
#                 -clp:PerformanceSummary -p:PublishDir=TREE/ -p:ContainerCacheKeyFile=...`, where APP
#                 is a copy of samples/HelloContainer referencing the ContainerCache package packed
#                 from this repository. A fresh MSBuild process every run, so the task assembly and
#                 System.IO.Hashing are JIT-compiled cold: what every `dotnet publish` pays. Recorded:
#                   target  ContainerCacheComputeKey in the Target Performance Summary (its own time,
#                           not its dependencies'): the number compared with the peer;
#                   task    ComputeContainerCacheKey in the Task Performance Summary;
#                   self    the "T ms" of the task's line "ContainerCache: key K (N files, S, T ms)":
#                           enumerate, hash, serialise and write the key file;
#                   wall    the whole `dotnet build` process (MSBuild start-up and evaluation included).
#                 Every run checks that N and S are the tree's file count and size and that the key
#                 is the one of the first run. The key file goes outside the tree, so the tree holds
#                 the same files for both tools.
#   package warm  one `dotnet msbuild` process that runs ContainerCacheComputeKey on APP three times
#                 (three MSBuild task calls with different global properties, so the target runs
#                 again); the third is recorded: the target's time from the detailed log's
#                 timestamps, and its "T ms". Not what a CI publish gets; it shows the hashing without
#                 JIT and assembly loading.
# Once per tree, the per-file hashes in the package's key file are compared with xxh128sum's.
#
# MEMORY: peak resident set size (/usr/bin/time -v, "Maximum resident set size") of the fresh
# `dotnet build -t:ContainerCacheComputeKey` process, 3 runs each, for a tree of 10 small files and
# for the same tree plus one file of BENCH_BIG_MB MiB. That file is sparse (`truncate`: zeros, no
# disk space): the content does not matter for memory, the read path is the same. Also shown: the
# peak RSS of the fresh runs on the large and small trees above, and xxh128sum's on the big file.
#
# xxh128sum 0.8.1 writes a progress-clearing line to stderr for every file: the peer's stderr goes
# to /dev/null (a failure still stops the run: xargs exits non-zero, and pipefail is on).
#
# Output: markdown tables at the end; per-run data in artifacts/benchmarks/keying/*.csv, logs and
# key files in artifacts/benchmarks/keying/{logs,keys}/. On exit (also on failure) the trees, the
# big file, the apps and their NuGet cache are deleted: a few MB of logs stay.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shopt -s inherit_errexit
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks/keying"
rounds="${BENCH_ROUNDS:-7}"
big_mb="${BENCH_BIG_MB:-2048}"
positive_integer BENCH_ROUNDS "$rounds"
positive_integer BENCH_BIG_MB "$big_mb"

# The package is packed with the user's NuGet cache; the apps restore into their own cache, which
# then holds only this run's ContainerCache (the same version as any older build, so never reused).
bench_environment "$work"


# The peer and /usr/bin/time, from Debian's packages when missing.
missing=()
command -v xxh128sum >/dev/null 2>&1 || missing+=(xxhash)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "this benchmark needs ${missing[*]}: sudo apt-get install -y ${missing[*]}"
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cleanup() {
  rm -rf "$work/trees" "$work/apps" "$work/nuget-packages"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$work"
mkdir -p "$work/logs" "$work/apps" "$work/trees" "$work/keys"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "Pack ContainerCache from this repository"
run "$work/logs/pack.log" with_user_nuget dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$work/local-packages" -nodeReuse:false -v:q
ls "$work/local-packages"

step "Generate the trees (deterministic pseudo-random content)"
# The benchmark project's writer: the same trees as its BenchmarkDotNet benchmarks.
run "$work/logs/gen-build.log" with_user_nuget dotnet build "$root/tests/ContainerCache.Benchmarks" -c Release -nodeReuse:false -v:q
trees=(large small)
declare -A tree_files tree_bytes tree_key
for t in "${trees[@]}" tiny; do
  read -r n b < <(dotnet "$root/tests/ContainerCache.Benchmarks/bin/Release/net10.0/ContainerCache.Benchmarks.dll" write-tree "$t" "$work/trees/$t")
  [ "$n" = "$(find "$work/trees/$t" -type f | wc -l)" ] || die "tree $t: the generator wrote $n files, find sees others"
  tree_files[$t]=$n tree_bytes[$t]=$b
  printf '  %-6s %6d files, %10d bytes, %5d folders, %s on disk\n' "$t" "$n" "$b" \
    "$(find "$work/trees/$t" -mindepth 1 -type d | wc -l)" "$(du -sh "$work/trees/$t" | cut -f1)"
done

# size_text BYTES: the size as the task prints it ("93.4 KiB", "200.0 MiB").
size_text() { awk -v b="$1" 'BEGIN { if (b < 1048576) printf "%.1f KiB\n", b / 1024; else printf "%.1f MiB\n", b / 1048576 }'; }

step "The app that keys the trees: a copy of samples/HelloContainer per tree, restored from this run's pack"
# make_app NAME: a copy of the sample that takes ContainerCache from this run's pack only.
make_app() {
  sample_app "$work/apps/$1" "$work/local-packages"
  run "$work/logs/restore-$1.log" dotnet restore "$work/apps/$1" -nodeReuse:false
}
for t in "${trees[@]}" mem; do make_app "$t"; done
cat >"$work/apps/warm.proj" <<'XML'
<Project>
  <!-- Keys one tree three times in one MSBuild process, reading every file: each call has other global properties, so the target runs again. -->
  <Target Name="KeyThreeTimes">
    <MSBuild Projects="$(BenchProject)" Targets="ContainerCacheComputeKey" Properties="BenchPass=1;PublishDir=$(BenchTree);ContainerCacheKeyFile=$(BenchKeyFile);ContainerCacheIncremental=false" />
    <MSBuild Projects="$(BenchProject)" Targets="ContainerCacheComputeKey" Properties="BenchPass=2;PublishDir=$(BenchTree);ContainerCacheKeyFile=$(BenchKeyFile);ContainerCacheIncremental=false" />
    <MSBuild Projects="$(BenchProject)" Targets="ContainerCacheComputeKey" Properties="BenchPass=3;PublishDir=$(BenchTree);ContainerCacheKeyFile=$(BenchKeyFile);ContainerCacheIncremental=false" />
  </Target>
</Project>
XML

csv="$work/keying.csv"
echo "tree,tool,round,ms,load1" >"$csv"
rss_csv="$work/rss.csv"
echo "case,run,max_rss_kb" >"$rss_csv"
record() { echo "$1,$2,$3,$4,$5" >>"$csv"; }

# summary_block LOG HEADER: the lines of one performance summary block.
# summary_ms LOG HEADER NAME: the single-call time of NAME in that summary block.
summary_ms() {
  local line re='^[[:space:]]*([0-9]+) ms +[^ ]+ +1 calls$'
  line=$(summary_block "$1" "$2" | awk -v n="$3" '$3 == n')
  [[ "$line" =~ $re ]] || die "no single-call '$3' in the $2 of $1: '$line'"
  echo "${BASH_REMATCH[1]}"
}
max_rss() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }

# key_lines LOG TREE: checks the task's line(s) against the tree, prints "KEY SELF_MS READ" of each
# (READ: the files the task read, "-" when it keeps no hash cache).
key_lines() {
  local log="$1" tree="$2" line want_size
  want_size=$(size_text "${tree_bytes[$tree]}")
  local re='ContainerCache: key ([0-9a-f]{32}) \(([0-9]+) files, ([0-9.]+ [KM]iB), ([0-9]+ read, )?([0-9]+) ms\)'
  local found=0
  while IFS= read -r line; do
    [[ "$line" =~ $re ]] || die "unreadable key line in $log: $line"
    [ "${BASH_REMATCH[2]}" = "${tree_files[$tree]}" ] || die "keyed ${BASH_REMATCH[2]} files, the tree $tree has ${tree_files[$tree]} ($log)"
    [ "${BASH_REMATCH[3]}" = "$want_size" ] || die "keyed ${BASH_REMATCH[3]}, the tree $tree has $want_size ($log)"
    local nread="${BASH_REMATCH[4]%% *}"
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[5]} ${nread:--}"
    found=$((found + 1))
  done < <(grep -E 'ContainerCache: key [0-9a-f]{32} \(' "$log")
  [ "$found" -gt 0 ] || die "no 'ContainerCache: key' line in $log (did the target run?)"
}

# package_cold TREE APP LOG [PROPERTY...]: one fresh `dotnet build -t:ContainerCacheComputeKey`;
# prints "TARGET_MS TASK_MS SELF_MS WALL_MS RSS_KB KEY READ".
package_cold() {
  local tree="$1" app="$2" log="$3" t0 t1
  shift 3
  t0=$(now_ns)
  run "$log" /usr/bin/time -v -o "$log.time" dotnet build "$work/apps/$app" -t:ContainerCacheComputeKey --no-restore \
    -nodeReuse:false -tl:off -clp:PerformanceSummary \
    -p:PublishDir="$work/trees/$tree/" -p:ContainerCacheKeyFile="$work/keys/$tree.json" "$@"
  t1=$(now_ns)
  local key self nread target task
  read -r key self nread < <(key_lines "$log" "$tree")
  target=$(summary_ms "$log" "Target Performance Summary:" ContainerCacheComputeKey)
  task=$(summary_ms "$log" "Task Performance Summary:" ComputeContainerCacheKey)
  echo "$target $task $self $(( (t1 - t0) / 1000000 )) $(max_rss "$log.time") $key $nread"
}

# ts_ms HH:MM:SS.mmm: milliseconds since midnight.
ts_ms() { awk -F'[:.]' '{print (($1 * 60 + $2) * 60 + $3) * 1000 + $4}' <<<"$1"; }

# package_warm TREE LOG: three computations in one process; prints "TARGET_MS SELF_MS" of the third.
package_warm() {
  local tree="$1" log="$2"
  run "$log" dotnet msbuild "$work/apps/warm.proj" -nodeReuse:false -tl:off -v:detailed -clp:ShowTimestamp \
    -p:BenchProject="$work/apps/$tree/HelloContainer.csproj" -p:BenchTree="$work/trees/$tree/" \
    -p:BenchKeyFile="$work/keys/$tree.json"
  local -a starts ends selfs keys
  mapfile -t starts < <(sed -n 's/^\([0-9:.]*\) .*Target "ContainerCacheComputeKey" in file .*/\1/p' "$log")
  mapfile -t ends < <(sed -n 's/^\([0-9:.]*\) .*Done building target "ContainerCacheComputeKey" .*/\1/p' "$log")
  mapfile -t selfs < <(key_lines "$log" "$tree" | awk '{print $2}')  # READ is "-": no cache
  mapfile -t keys < <(key_lines "$log" "$tree" | awk '{print $1}')
  [ "${#starts[@]}" = 3 ] && [ "${#ends[@]}" = 3 ] && [ "${#selfs[@]}" = 3 ] \
    || die "expected three ContainerCacheComputeKey runs in $log (${#starts[@]} starts, ${#ends[@]} ends, ${#selfs[@]} keys)"
  for k in "${keys[@]}"; do [ "$k" = "${tree_key[$tree]}" ] || die "warm key $k is not ${tree_key[$tree]} ($log)"; done
  local ms=$(( $(ts_ms "${ends[2]}") - $(ts_ms "${starts[2]}") ))
  (( ms < 0 )) && ms=$((ms + 86400000))
  echo "$ms ${selfs[2]}"
}

# peer TREE PARALLEL: xxh128sum over the tree, wall ms.
peer() {
  local dir="$work/trees/$1" t0 t1
  if [ "$2" = parallel ]; then
    local per=$(( (tree_files[$1] + 8 * $(nproc) - 1) / (8 * $(nproc)) ))
    t0=$(now_ns)
    find "$dir" -type f -print0 | xargs -0 -P"$(nproc)" -n "$per" xxh128sum >/dev/null 2>&1
    t1=$(now_ns)
  else
    t0=$(now_ns)
    find "$dir" -type f -print0 | xargs -0 xxh128sum >/dev/null 2>&1
    t1=$(now_ns)
  fi
  echo $(( (t1 - t0) / 1000000 ))
}

# measure TREE TOOL ROUND: one timed run, recorded.
measure() {
  local tree="$1" tool="$2" round="$3" load ms
  load=$(load1)
  case "$tool" in
    xxh) ms=$(peer "$tree" serial); record "$tree" xxh128sum "$round" "$ms" "$load"
         printf '  %-5s round %2d  xxh128sum            %6d ms  (load %s)\n' "$tree" "$round" "$ms" "$load" ;;
    xxhP) ms=$(peer "$tree" parallel); record "$tree" xxh128sum-P "$round" "$ms" "$load"
         printf '  %-5s round %2d  xxh128sum -P%-2s       %6d ms  (load %s)\n' "$tree" "$round" "$(nproc)" "$ms" "$load" ;;
    pkg|full)
         local target task self wall rss key nread v=pkg what="unchanged, incremental" log="$work/logs/$tree-cold$round.log"
         local -a extra=()
         if [ "$tool" = full ]; then v=full what="every file read" log="$work/logs/$tree-full$round.log" extra=(-p:ContainerCacheIncremental=false); fi
         read -r target task self wall rss key nread < <(package_cold "$tree" "$tree" "$log" "${extra[@]}")
         [ "$key" = "${tree_key[$tree]}" ] || die "round $round keyed $tree as $key, the first run as ${tree_key[$tree]}"
         if [ "$tool" = pkg ]; then
           [ "$nread" = 0 ] || die "the incremental run read $nread files ($log)"
         else
           [ "$nread" = - ] || die "ContainerCacheIncremental=false still used the hash cache ($log)"
         fi
         record "$tree" $v-target "$round" "$target" "$load"; record "$tree" $v-task "$round" "$task" "$load"
         record "$tree" $v-self "$round" "$self" "$load"; record "$tree" $v-wall "$round" "$wall" "$load"
         echo "$tree-$v,$round,$rss" >>"$rss_csv"
         printf '  %-5s round %2d  package, fresh process, %s: target %6d ms, task %6d ms, self %6d ms, wall %6d ms, max RSS %d MiB  (load %s)\n' \
           "$tree" "$round" "$what" "$target" "$task" "$self" "$wall" $((rss / 1024)) "$load" ;;
    warm) local target self
         read -r target self < <(package_warm "$tree" "$work/logs/$tree-warm$round.log")
         record "$tree" warm-target "$round" "$target" "$load"; record "$tree" warm-self "$round" "$self" "$load"
         printf '  %-5s round %2d  package, warm (3rd in one process): target %6d ms, self %6d ms  (load %s)\n' \
           "$tree" "$round" "$target" "$self" "$load" ;;
  esac
}

for tree in "${trees[@]}"; do
  step "Tree '$tree' (${tree_files[$tree]} files, $(size_text "${tree_bytes[$tree]}")): warm-up, checks, then $rounds rounds"
  find "$work/trees/$tree" -type f -print0 | xargs -0 cat >/dev/null
  # Twice: the first run hashes every file, the second (2 s later) records their hashes as
  # trusted; the timed incremental runs then read none.
  read -r _ _ _ _ _ key _ < <(package_cold "$tree" "$tree" "$work/logs/$tree-warmup.log")
  sleep 2
  read -r _ _ _ _ _ key _ < <(package_cold "$tree" "$tree" "$work/logs/$tree-warmup2.log")
  tree_key[$tree]=$key
  echo "  key $key"
  peer "$tree" serial >/dev/null; peer "$tree" parallel >/dev/null
  package_warm "$tree" "$work/logs/$tree-warmup-warm.log" >/dev/null
  # The package's per-file hashes are xxh128sum's.
  sed -n 's/^ *{ "path": "\([^"]*\)", "kind": "file", "size": [0-9]*, "hash": "\([0-9a-f]*\)".*/\2  \1/p' \
    "$work/keys/$tree.json" | LC_ALL=C sort >"$work/logs/$tree-package-hashes.txt"
  (cd "$work/trees/$tree" && find . -type f -printf '%P\0' | xargs -0 xxh128sum 2>/dev/null) | LC_ALL=C sort >"$work/logs/$tree-xxh128sum-hashes.txt"
  cmp -s "$work/logs/$tree-package-hashes.txt" "$work/logs/$tree-xxh128sum-hashes.txt" \
    || die "the key file's hashes differ from xxh128sum's for $tree (see $work/logs/$tree-*-hashes.txt)"
  echo "  the key file's ${tree_files[$tree]} file hashes equal xxh128sum's"
  for round in $(seq "$rounds"); do
    if (( round % 2 )); then order=(xxh xxhP pkg full warm); else order=(warm full pkg xxhP xxh); fi
    for tool in "${order[@]}"; do measure "$tree" "$tool" "$round"; done
  done
done

step "Memory: a tree of 10 small files, without and with one ${big_mb} MiB file (sparse)"
mkdir -p "$work/trees/mem"
cp -r "$work/trees/tiny/." "$work/trees/mem/"
for case_ in tiny big; do
  if [ "$case_" = big ]; then
    truncate -s "${big_mb}M" "$work/trees/mem/big.bin"
    tree_files[mem]=$(( tree_files[tiny] + 1 )) tree_bytes[mem]=$(( tree_bytes[tiny] + big_mb * 1048576 ))
    cat "$work/trees/mem/big.bin" >/dev/null
  else
    tree_files[mem]=${tree_files[tiny]} tree_bytes[mem]=${tree_bytes[tiny]}
  fi
  for r in 1 2 3; do
    log="$work/logs/mem-$case_$r.log"
    read -r target _ self wall rss _ < <(package_cold mem mem "$log" -p:ContainerCacheIncremental=false)
    echo "mem-$case_,$r,$rss" >>"$rss_csv"
    printf '  %-4s run %d: %d files, %s: max RSS %d MiB (target %d ms, self %d ms, wall %d ms)\n' "$case_" "$r" \
      "${tree_files[mem]}" "$(size_text "${tree_bytes[mem]}")" $((rss / 1024)) "$target" "$self" "$wall"
  done
done
/usr/bin/time -v -o "$work/logs/mem-xxh128sum.time" xxh128sum "$work/trees/mem/big.bin" >/dev/null 2>&1
echo "xxh128sum-big,1,$(max_rss "$work/logs/mem-xxh128sum.time")" >>"$rss_csv"
rm -f "$work/trees/mem/big.bin"

# stats TREE TOOL: "median min max" of a tool's times.
stats() { column_stats "$csv" "$1" "$2" 4; }
rss_stats() {
  awk -F, -v c="$1" 'NR > 1 && $1 == c {print $3}' "$rss_csv" | sort -n | awk '
    {x[NR] = $1} END {m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; printf "%.0f %.0f %.0f\n", m / 1024, x[1] / 1024, x[NR] / 1024}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }

step "Results"
echo "$(machine), $(xxh128sum --version 2>&1 | tr -s ' \r\n' ' ' | sed 's/ *$//'); started $date_start"
echo "Load average (1, 5, 15 min): $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
  "1-min load at the measured runs: median $(tail -n +2 "$csv" | cut -d, -f5 | sort -n | awk '{x[NR]=$1} END {print x[int((NR+1)/2)] ", max " x[NR]}')"
echo "Rounds: $rounds per tool and tree, tools alternating; warm page cache."
echo
echo "| tree | tool | median ms | min | max | package/xxh128sum | package/xxh128sum -P$(nproc) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for tree in "${trees[@]}"; do
  label="$tree: ${tree_files[$tree]} files, $(size_text "${tree_bytes[$tree]}")"
  read -r ps _ _ < <(stats "$tree" xxh128sum)
  read -r pp _ _ < <(stats "$tree" xxh128sum-P)
  for tool in xxh128sum xxh128sum-P pkg-target pkg-task pkg-self pkg-wall full-target full-task full-self full-wall warm-target warm-self; do
    read -r m lo hi < <(stats "$tree" "$tool")
    case "$tool" in
      xxh128sum) name='`xxh128sum` (peer, one process at a time)'; r1=; r2= ;;
      xxh128sum-P) name="\`xxh128sum\` via \`xargs -P$(nproc)\` (peer, parallel)"; r1=; r2= ;;
      pkg-target) name='**package, unchanged tree (incremental, the default): ContainerCacheComputeKey target, fresh process**' ;;
      pkg-task) name='package, unchanged tree: ComputeContainerCacheKey task, fresh process' ;;
      pkg-self) name='package, unchanged tree: the task'"'"'s own "T ms" (enumerate, stat, key file), fresh process' ;;
      pkg-wall) name='package, unchanged tree: whole `dotnet build` process wall (start-up, evaluation included)' ;;
      full-target) name='**package, every file read (`ContainerCacheIncremental=false`): ContainerCacheComputeKey target, fresh process**' ;;
      full-task) name='package, every file read: ComputeContainerCacheKey task, fresh process' ;;
      full-self) name='package, every file read: the task'"'"'s own "T ms" (enumerate, hash, key file), fresh process' ;;
      full-wall) name='package, every file read: whole `dotnet build` process wall' ;;
      warm-target) name='package warm, every file read: ContainerCacheComputeKey target, 3rd run in one process' ;;
      warm-self) name='package warm, every file read: the task'"'"'s own "T ms", 3rd run in one process' ;;
    esac
    if [[ "$tool" == pkg-* || "$tool" == full-* || "$tool" == warm-* ]]; then r1=$(ratio "$m" "$ps"); r2=$(ratio "$m" "$pp"); fi
    [[ "$tool" == pkg-target || "$tool" == full-target ]] && { r1="**$r1**"; r2="**$r2**"; }
    echo "| $label | $name | $m | $lo | $hi | $r1 | $r2 |"
  done
done
echo
echo "Ratios are of medians; the issue's goal is package target / xxh128sum <= 1.0."
echo
echo "Peak resident set size (\`/usr/bin/time -v\`), MiB: median (min-max)"
echo
echo "| what | files | bytes | max RSS |"
echo "| --- | ---: | ---: | ---: |"
printrss() { local m lo hi; read -r m lo hi < <(rss_stats "$1"); echo "| $2 | $3 | $4 | $m ($lo-$hi) |"; }
printrss mem-tiny "package, fresh process: 10 small files" "${tree_files[tiny]}" "$(size_text "${tree_bytes[tiny]}")"
printrss mem-big "package, fresh process: the same plus one ${big_mb} MiB file" "$(( tree_files[tiny] + 1 ))" "$(size_text $(( tree_bytes[tiny] + big_mb * 1048576 )))"
printrss large-full "package, fresh process, every file read: the large tree" "${tree_files[large]}" "$(size_text "${tree_bytes[large]}")"
printrss small-full "package, fresh process, every file read: the small-files tree" "${tree_files[small]}" "$(size_text "${tree_bytes[small]}")"
printrss large-pkg "package, fresh process, incremental: the large tree" "${tree_files[large]}" "$(size_text "${tree_bytes[large]}")"
printrss small-pkg "package, fresh process, incremental: the small-files tree" "${tree_files[small]}" "$(size_text "${tree_bytes[small]}")"
printrss xxh128sum-big "xxh128sum on the ${big_mb} MiB file" 1 "$(size_text $(( big_mb * 1048576 )))"
echo
echo "Per-run data: ${csv#"$root/"}, ${rss_csv#"$root/"}; logs: ${work#"$root/"}/logs/"
