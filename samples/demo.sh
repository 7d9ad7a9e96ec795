#!/usr/bin/env bash
# The ContainerCache demo, for a new user on a machine with only the .NET SDK:
# packs the package from this repository, starts a local registry with a small base image,
# publishes samples/HelloContainer as a container image, publishes it again unchanged (the registry
# is the cache: nothing is built or uploaded), changes one content file and publishes, reverts it,
# verifies the image a deployment would name, and compares with the SDK alone. Each step prints
# the key, the image's label, its tags, its digest and the blobs uploaded so far.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/artifacts/demo"
export NUGET_PACKAGES="$work/packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
expect() { if eval "$1"; then echo "=> $2"; else echo "UNEXPECTED: $1 does not hold" >&2; exit 1; fi; }

bash "$root/tests/prerequisites.sh"
rm -rf "$work" && mkdir -p "$work"

step "Pack ContainerCache from this repository"
dotnet pack "$root/src/ContainerCache.Tasks" -c Release -o "$root/artifacts/packages" -nodeReuse:false -v:q
ls "$root/artifacts/packages"

step "Start a local registry (docker-registry) with a base image built on the spot"
dotnet build "$root/tests/ContainerCache.TestRegistry" -c Release -nodeReuse:false -v:q -o "$work/registry-tool" >/dev/null
dotnet "$work/registry-tool/ContainerCache.TestRegistry.dll" --dir "$work/registry" >"$work/registry.out" 2>"$work/registry.err" &
registry_pid=$!
trap 'kill -TERM $registry_pid 2>/dev/null; wait $registry_pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q '^base=' "$work/registry.out" 2>/dev/null && break; sleep 0.5; done
registry=$(sed -n 's/^registry=//p' "$work/registry.out")
base=$(sed -n 's/^base=//p' "$work/registry.out")
[ -n "$base" ] || { cat "$work/registry.err"; exit 1; }
echo "registry: $registry   base image: $base"

app="$work/HelloContainer"
cp -r "$root/samples/HelloContainer" "$app"
rm -rf "$app/bin" "$app/obj"
cat >"$app/nuget.config" <<XML
<configuration>
  <packageSources>
    <clear />
    <add key="containercache-local" value="$root/artifacts/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML

image="$registry/hello-container"
log="$work/registry/registry.log"
uploads() { grep -c '"PUT /v2/[^ ]*/blobs/uploads/' "$log" || true; }
publish() {
  dotnet publish "$app" -c Release -t:PublishContainer -nodeReuse:false \
    -p:ContainerRegistry="$registry" -p:ContainerBaseImage="$base" "$@" | grep -E 'ContainerCache:|Pushed image|^ +(files|settings) ' || true
  key=$(sed -n 's/^  "key": "\([0-9a-f]*\)",$/\1/p' "$app/bin/Release/net10.0/publish/container-cache.json")
  echo "key file:             $(realpath --relative-to="$root" "$app/bin/Release/net10.0/publish/container-cache.json") -> key $key"
  echo "label on image:       dev.containercache.key=$(skopeo inspect --tls-verify=false --format '{{index .Labels "dev.containercache.key"}}' "docker://$image:latest")"
  echo "tags in registry:     $(skopeo list-tags --tls-verify=false "docker://$image" | tr -d ' \n' | sed 's/.*"Tags":\[\(.*\)\].*/\1/')"
  digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$image:latest")
  echo "digest of :latest:    $digest"
  echo "blobs uploaded so far: $(uploads)"
}

step "1. First publish: a miss, the SDK builds and pushes the image"
publish; first=$key; first_digest=$digest; first_uploads=$(uploads)

step "2. Publish again with nothing changed: a hit"
publish
expect '[ "$key" = "$first" ] && [ "$digest" = "$first_digest" ] && [ "$(uploads)" = "$first_uploads" ]' "Same key, same image, no blob uploaded: the registry already had the image for this key."

step "3. Change one content file and publish"
echo "Hello from a changed container." >"$app/message.txt"
publish
expect '[ "$key" != "$first" ]' "New key, new label, new tag: caches and deployments keyed on it see the change."

step "4. Revert the change and publish"
cp "$root/samples/HelloContainer/message.txt" "$app/message.txt"
publish
expect '[ "$key" = "$first" ] && [ "$digest" = "$first_digest" ]' "The first key again, and :latest points at the first image again: same content, same key, same image."

step "5. Verify the image a deployment names against the current sources"
dotnet publish "$app" -c Release -t:ContainerCacheVerify -nodeReuse:false -p:ContainerBaseImage="$base" \
  -p:ContainerCacheVerifyImage="$image:latest" | grep -E 'ContainerCache: verified|error' || true
echo "Hello from an unreleased edit." >"$app/message.txt"
if dotnet publish "$app" -c Release -t:ContainerCacheVerify -nodeReuse:false -p:ContainerBaseImage="$base" \
  -p:ContainerCacheVerifyImage="$image:latest" | grep -E 'error CONTAINERCACHE' | sed 's/ \[.*//' | head -1; [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "=> After an edit that was not published, the check fails: :latest is not what the sources build."
else
  echo "UNEXPECTED: verify passed after an unpublished edit" >&2; exit 1
fi
cp "$root/samples/HelloContainer/message.txt" "$app/message.txt"

step "6. For comparison: the SDK alone, twice, nothing changed (ContainerCacheEnabled=false)"
for i in 1 2; do
  dotnet publish "$app" -c Release -t:PublishContainer -nodeReuse:false -p:ContainerCacheEnabled=false \
    -p:ContainerRegistry="$registry" -p:ContainerBaseImage="$base" -p:ContainerRepository=hello-sdk-alone | grep -E 'Pushed image' || true
  echo "digest of hello-sdk-alone:latest: $(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$registry/hello-sdk-alone:latest")   blobs uploaded so far: $(uploads)"
done
echo "=> A new digest and new uploads every time: the SDK alone cannot tell 'unchanged' from 'rebuilt'."
