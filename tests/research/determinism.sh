#!/usr/bin/env bash
# Research, run by hand like the benchmarks (not by the test suite): does each of the SDK's
# templates publish the same bytes, so the same key, in any folder, with or without .git?
#
#   bash tests/research/determinism.sh                  # every template below (about an hour on 2 cores)
#   bash tests/research/determinism.sh webapi blazor-wasm   # some of them
#   DETERMINISM_DIR=/tmp/x bash tests/research/determinism.sh   # work folder (default /tmp/cc-determinism)
#
# For each template: `dotnet new` once, ContainerCache referenced from a Directory.Build.props (so
# every project of the template gets it, as the README advises), a git repository with one commit;
# then `dotnet publish -c Release` of the app's project, each in a clean tree, in
#   A        $DIR/TEMPLATE/a/Shop                                    (the work tree it was committed in)
#   B        $DIR/TEMPLATE/b/a/much/deeper/folder/than/the/first/Shop (git archive of the commit, another depth)
#   clone    $DIR/TEMPLATE/c/src/Shop                                (git clone of the commit)
#   archive  $DIR/TEMPLATE/d/Shop                                    (git archive of the commit, A's depth)
# and compares the four publish directories file by file (sha256) and the keys in container-cache.json.
# Prints a table (template | files | same key in all 4? | files that differ), also written to
# $DIR/results.md; each differing file is noted "holds its build folder" when the folder's path
# is in its bytes, and a static web assets manifest that differs only in Last-Modified values (which
# the key normalises) is noted so. Everything stays in $DIR for a closer look (publish dirs, logs, binlogs).
# ContainerCache is packed from this repository into $DIR/feed; the apps restore with their own
# NUGET_PACKAGES ($DIR/packages). Templates whose packages do not restore here are reported as such.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${DETERMINISM_DIR:-/tmp/cc-determinism}"
user_nuget="${NUGET_PACKAGES-}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_UI_LANGUAGE=en

# The app's name: not "App", a component of the Blazor templates (App.razor), whose class would hide the namespace.
app=Shop
# name | dotnet new arguments | extra publish arguments | the project to publish, relative to the repository
templates=(
  "console|console||$app.csproj"
  "console-self-contained|console|-r linux-x64 --self-contained|$app.csproj"
  "console-trimmed-single-file|console|-r linux-x64 --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true|$app.csproj"
  "worker|worker||$app.csproj"
  "webapi|webapi||$app.csproj"
  "grpc|grpc||$app.csproj"
  "mvc|mvc||$app.csproj"
  "webapp|webapp||$app.csproj"
  "blazor-server|blazor --interactivity Server||$app.csproj"
  "blazor-webassembly|blazor --interactivity WebAssembly||$app/$app.csproj"
  "blazor-auto|blazor --interactivity Auto||$app/$app.csproj"
  "blazorwasm|blazorwasm||$app.csproj"
)
folders=(a b c d)
declare -A folder_name=([a]=A [b]=B [c]=clone [d]=archive)
declare -A folder_path=([a]=a/$app [b]=b/a/much/deeper/folder/than/the/first/$app [c]=c/src/$app [d]=d/$app)

wanted=("$@")
is_wanted() { [ ${#wanted[@]} -eq 0 ] && return 0; local w; for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

mkdir -p "$work"
echo "Work folder: $work   SDK: $(dotnet --version)   $(date -u +%FT%TZ)"

feed="$work/feed"
if [ -z "${DETERMINISM_NO_PACK-}" ] || ! ls "$feed"/ContainerCache.*.nupkg >/dev/null 2>&1; then
  # Packed anew with the same version: NuGet's copy of the last one must go.
  rm -rf "$feed" "$work/packages/containercache"
  echo "Packing ContainerCache into $feed"
  if ! env -u NUGET_PACKAGES ${user_nuget:+NUGET_PACKAGES="$user_nuget"} dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$feed" -nodeReuse:false -v:q >"$work/pack.log" 2>&1; then
    tail -n 30 "$work/pack.log"; echo "pack failed" >&2; exit 1
  fi
fi
version=$(ls "$feed" | sed -n 's/^ContainerCache\.\([0-9][^/]*\)\.nupkg$/\1/p' | head -n1)
export NUGET_PACKAGES="$work/packages"

# One row per template, kept across runs: a run of some templates replaces their rows only.
results="$work/results.md"
[ -f "$results" ] || printf '| template | files | same key in all 4? | files that differ |\n| --- | --- | --- | --- |\n' >"$results"
record() { { grep -v -F "| $1 |" "$results"; echo "$2"; } >"$results.new"; mv "$results.new" "$results"; }

git_() { git -c user.name=research -c user.email=research@containercache.invalid -c init.defaultBranch=main "$@"; }

for row in "${templates[@]}"; do
  IFS='|' read -r name new_args publish_args project <<<"$row"
  is_wanted "$name" || continue
  t="$work/$name"
  rm -rf "$t"; mkdir -p "$t"
  echo; echo "== $name: dotnet new $new_args"
  a="$t/${folder_path[a]}"
  mkdir -p "$(dirname "$a")"
  # shellcheck disable=SC2086
  if ! dotnet new $new_args -n $app -o "$a" --no-restore >"$t/new.log" 2>&1; then
    record "$name" "| $name | - | not built | dotnet new failed: $(tail -n1 "$t/new.log") |"; continue
  fi
  # The blazor template with WebAssembly components makes Shop/Shop and Shop/Shop.Client.
  cat >"$a/Directory.Build.props" <<XML
<Project>
  <ItemGroup>
    <PackageReference Include="ContainerCache" Version="$version" />
  </ItemGroup>
</Project>
XML
  cat >"$a/nuget.config" <<XML
<configuration>
  <packageSources>
    <clear />
    <add key="containercache-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
  printf 'bin/\nobj/\n*.binlog\n' >"$a/.gitignore"
  (cd "$a" && git_ init -q && git_ add -A && git_ commit -q -m "dotnet new $new_args") || { echo "git failed" >&2; exit 1; }

  b="$t/${folder_path[b]}"; mkdir -p "$(dirname "$b")"
  (cd "$a" && git_ archive --format=tar HEAD) | { mkdir -p "$b" && tar -x -C "$b"; }
  c="$t/${folder_path[c]}"; mkdir -p "$(dirname "$c")"
  git_ clone -q "$a" "$c"
  d="$t/${folder_path[d]}"; mkdir -p "$d"
  (cd "$a" && git_ archive --format=tar HEAD) | tar -x -C "$d"

  failed=""
  declare -A key=()
  for f in "${folders[@]}"; do
    dir="$t/${folder_path[$f]}"
    start=$(date +%s)
    # shellcheck disable=SC2086
    if timeout 30m dotnet publish "$dir/$project" -c Release -nodeReuse:false -bl:"$t/publish-$f.binlog" $publish_args >"$t/publish-$f.log" 2>&1; then
      keyfile=$(find "$(dirname "$dir/$project")/bin/Release" -path '*/publish/container-cache.json' | head -n1)
      key[$f]=$(sed -n 's/^  "key": "\([0-9a-f]*\)",$/\1/p' "$keyfile")
      (cd "$(dirname "$keyfile")" && find . -type f ! -name container-cache.json -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum) >"$t/files-$f.txt"
      echo "$name ${folder_name[$f]}: key ${key[$f]}, $(wc -l <"$t/files-$f.txt") files, $(( $(date +%s) - start )) s"
      echo "$(dirname "$keyfile")" >"$t/publishdir-$f.txt"
    else
      echo "$name ${folder_name[$f]}: publish FAILED ($t/publish-$f.log)"
      failed="${folder_name[$f]}: $(grep -m1 -E 'error [A-Z]+[0-9]+' "$t/publish-$f.log" | sed 's/^ *//; s/ \[.*//' | cut -c1-200)"
      break
    fi
  done
  if [ -n "$failed" ]; then
    record "$name" "| $name | - | not built | ${failed//|/\\|} |"; unset key; continue
  fi

  same="yes"
  for f in "${folders[@]}"; do [ "${key[$f]}" = "${key[a]}" ] || same="no"; done
  # Files whose hash (or presence) differs in any folder, and whether the folder's path is in them.
  differ=$(cat "$t"/files-?.txt | LC_ALL=C sort | uniq -c | awk '$1 != 4 {print $3}' | LC_ALL=C sort -u)
  notes=()
  while IFS= read -r file; do
    [ -n "$file" ] || continue
    note="$file"
    where=()
    # The SDK writes each asset's modification time into this manifest; the key hashes it without them.
    if [[ "$file" == *.staticwebassets.endpoints.json ]]; then
      blanked=$(for f in "${folders[@]}"; do sed -E 's/("Name":"Last-Modified","Value":")[^"]*"/\1"/g' "$(cat "$t/publishdir-$f.txt")/$file" | sha256sum; done | sort -u | wc -l)
      [ "$blanked" = 1 ] && where+=("only Last-Modified values, which the key leaves out")
    fi
    for f in "${folders[@]}"; do
      p="$(cat "$t/publishdir-$f.txt")/$file"
      if [ ! -e "$p" ]; then where+=("absent in ${folder_name[$f]}"); continue; fi
      grep -q -a -F "$t/${folder_path[$f]}" "$p" && where+=("holds ${folder_name[$f]}'s folder")
    done
    [ ${#where[@]} -gt 0 ] && note="$note (${where[*]})"
    notes+=("$note")
  done <<<"$differ"
  count=$(wc -l <"$t/files-a.txt")
  if [ ${#notes[@]} -eq 0 ]; then list="none"; else list=$(IFS=';'; echo "${notes[*]}" | sed 's/;/; /g'); fi
  record "$name" "| $name | $count | $same | ${list//|/\\|} |"
  echo "$name: same key in all 4: $same; differ: $list"
  unset key
done

echo
cat "$results"
