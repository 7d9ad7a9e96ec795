#!/usr/bin/env bash
# Benchmark (issue 6): the hashing core in one warm process, with BenchmarkDotNet, each class against
# a named peer (its Baseline, so the Ratio column is package / peer):
#   FileTreeBenchmarks    hash every file of a generated tree, Tree = large (200 MiB in 2,000 files)
#                         or small (20,000 files of 1-4 KiB): keying.sh's trees, written to a temporary
#                         folder by the setup and deleted after; warm page cache. Every method
#                         enumerates the tree itself.
#                           SystemIoHashingSerial (peer): System.IO.Hashing's XxHash128, one file at
#                             a time, streamed through one reused 1 MiB buffer
#                           SystemIoHashingParallelReadAllBytes: XxHash128.Hash(File.ReadAllBytes),
#                             Parallel.For
#                           PackageContentKeyCompute: ContentKey.Compute (the whole key)
#                           PackageContentKeyComputeIncremental: the same with a hash cache primed
#                             by the setup (an unchanged tree: stamps compared, no file read)
#                           PackageFileHasherHashAll: FileHasher.HashAll(PublishDirectory.Enumerate)
#   StreamHashBenchmarks  XXH3-128 over a 64 MiB MemoryStream read through a 1 MiB buffer
#                           SystemIoHashingAppend (peer): XxHash128.Append, chunk by chunk
#                           PackageXxHash128Stream: the package's streaming loop (AVX2 if present)
#                           PackageXxHash128StreamPortable: the same without AVX2 (Arm, older x64)
#                           SystemIoHashingOneShot: XxHash128.Hash over the whole array, no copy
# Every setup checks that all methods compute the same hashes. Unlike keying.sh this measures
# optimised code (BenchmarkDotNet warms up), not the cold first run of a fresh MSBuild process.
# Not run by the test suite. Needs only the .NET SDK 10; about 3 minutes on 2 cores.
#
#   bash tests/benchmarks/core.sh                                  # every benchmark
#   bash tests/benchmarks/core.sh --filter '*StreamHash*'          # other arguments go to BenchmarkDotNet
#   bash tests/benchmarks/core.sh --iterationCount 15 --warmupCount 3
#   bash tests/benchmarks/core.sh --job medium                     # BenchmarkDotNet's job instead of 2+7 iterations
#
# Output: BenchmarkDotNet's log, then its markdown tables (Mean, Ratio, Allocated) and the machine.
# Results and logs in artifacts/benchmarks/core/ (results/*-report-github.md, run.log).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/artifacts/benchmarks/core"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off

# Every benchmark unless the caller chose (BenchmarkDotNet refuses a second --filter).
filter=(--filter '*')
for arg in "$@"; do
  case "$arg" in --filter|-f|--filter=*) filter=() ;; esac
done

rm -rf "$work"
mkdir -p "$work"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
date_start="$(date -u '+%Y-%m-%d %H:%M UTC')"

step "BenchmarkDotNet (log: ${work#"$root/"}/run.log)"
if ! dotnet run -c Release --project "$root/tests/ContainerCache.Benchmarks" -- \
    "${filter[@]}" --artifacts "$work" "$@" 2>&1 | tee "$work/run.log"; then
  die "BenchmarkDotNet failed (log: $work/run.log)"
fi

step "Results"
shopt -s nullglob
reports=("$work"/results/*-report-github.md)
[ ${#reports[@]} -gt 0 ] || die "BenchmarkDotNet wrote no report under $work/results (did the filter match nothing?)"
echo "$(machine); started $date_start"
echo "Load average (1, 5, 15 min): $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
for report in "${reports[@]}"; do
  echo
  echo "### $(basename "$report" -report-github.md)"
  echo
  cat "$report"
done
