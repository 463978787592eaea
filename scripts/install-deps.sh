#!/usr/bin/env bash
# Installs the Debian packages OpenUPR needs to build, test and benchmark. Idempotent: installs
# only what is missing. Needs root (or sudo) when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev        # the embedded store (FTS5 full-text search)
  libcsv-dev            # RFC 4180 CSV
  nlohmann-json3-dev    # JSON
  libcli11-dev          # command line
  libutf8proc-dev       # Unicode folding
  libstemmer-dev        # Snowball stemming
  libsodium-dev         # BLAKE2b content hashes
  libroaring-dev        # roaring bitmaps (the in-memory engine)
  libcpp-httplib-dev    # the HTTP API (openupr serve)
  libjemalloc-dev       # the allocator of the openupr binary (optional to the build)
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev      # benchmarks
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
