#!/usr/bin/env bash
# Installs what the tests and the demo need beyond the .NET SDK: a real OCI registry (Debian's
# docker-registry, CNCF distribution), skopeo, an independent registry client, git, and htpasswd
# (apache2-utils) for a registry that requires basic credentials; and the local engines the SDK loads
# images into without a registry: Debian's docker.io (dockerd, which the tests run for image storage
# only, with vfs storage and no networking; a docker CLI already on PATH is used as it is) and podman.
set -euo pipefail

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v podman >/dev/null 2>&1 || missing+=(podman)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ContainerCache tests need: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
