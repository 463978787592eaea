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
  libsodium-dev         # BLAKE2b content hashes of imported files
  libxxhash-dev         # XXH3 duplicate keys of records
  libroaring-dev        # roaring bitmaps (the in-memory engine)
  libcpp-httplib-dev    # the HTTP API (openupr serve)
  libxlsxwriter-dev     # the XLSX export
  libjemalloc-dev       # the allocator of the openupr binary (optional to the build)
  libgtest-dev libgmock-dev  # tests
  zlib1g-dev            # gzip of the embedded web app
  nodejs npm            # building the web app (web/, Vite); skipped when Node.js is already there
  chromium              # the web app's end-to-end tests (headless, driven by playwright-core)
  python3-openpyxl      # the end-to-end tests read the XLSX export back with it
  libbenchmark-dev      # benchmarks
  libeigen3-dev         # linear algebra: ideal points, the leniency regression (analytics)
  libzip-dev libexpat1-dev  # reading XLSX (.xlsx is a zip of XML parts)
  libsimdjson-dev       # reading the UHRI JSON export (simdjson On-Demand)
  clang libclang-rt-14-dev  # the fuzz targets: libFuzzer, AddressSanitizer, UBSan (scripts/fuzz.sh)
  liblinear-dev         # the classifiers' linear models (src/classify)
  libfasttext-dev       # the fastText baseline of the classifier evaluation (src/classify)
  wrk                   # HTTP load: scripts/bench-http.sh and the soak (scripts/soak.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  # Node.js from elsewhere (e.g. NodeSource's nodejs package, which bundles npm) is fine.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
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
