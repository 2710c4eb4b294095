#!/usr/bin/env bash
# Installs everything Equimap needs to build, serve and test, from the package registries only.
# Idempotent: each step checks first and is skipped (in well under a second) when already done.
#   - rustup target wasm32-unknown-unknown
#   - Debian: chromium, chromium-driver (browser tests), clang (zstd-sys for wasm32)
#   - npm: binaryen (wasm-opt >= 116; Debian's 108 cannot read current rustc output)
#   - npm ci in tests/e2e (playwright-core, driving Debian's chromium; no browser download)
#   - cargo install: trunk 0.21.14, wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version
# Source it (`. scripts/setup.sh`) or run it; scripts/env.sh sets PATH for the tools.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/env.sh"

TRUNK_VERSION=0.21.14
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# --- Rust target --------------------------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- Debian packages ----------------------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v clang >/dev/null || need_apt+=(clang)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# --- wasm-opt from npm's binaryen ---------------------------------------------------------------
if [ ! -x "$EQUIMAP_TOOLS/binaryen/node_modules/.bin/wasm-opt" ]; then
  say "npm install binaryen@132 (wasm-opt) into $EQUIMAP_TOOLS/binaryen"
  mkdir -p "$EQUIMAP_TOOLS/binaryen"
  npm install --silent --no-audit --no-fund --prefix "$EQUIMAP_TOOLS/binaryen" binaryen@132.0.0
fi
wov="$(wasm-opt --version | grep -oE '[0-9]+' | head -1)"
if [ "$wov" -lt 116 ]; then
  echo "setup: wasm-opt on PATH is version $wov ($(command -v wasm-opt)); need >= 116" >&2; exit 1
fi

# --- end-to-end test driver ---------------------------------------------------------------------
if [ ! -d "$here/tests/e2e/node_modules/playwright-core" ] || \
   [ "$here/tests/e2e/package-lock.json" -nt "$here/tests/e2e/node_modules/.package-lock.json" ]; then
  say "npm ci in tests/e2e (playwright-core; uses /usr/bin/chromium, downloads no browser)"
  (cd "$here/tests/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi

# --- trunk --------------------------------------------------------------------------------------
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "cargo install trunk $TRUNK_VERSION (about 10 min on 2 cores, once)"
  # trunk's own release profile is fat-LTO with one codegen unit: turn that off, it only slows the install.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked trunk --version "$TRUNK_VERSION" --root "$EQUIMAP_TOOLS/cargo"
fi

# --- wasm-bindgen-cli at exactly the lockfile's version -----------------------------------------
wb_lock="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3}' "$here/Cargo.lock")"
if [ -z "$wb_lock" ]; then echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
wb_trunk="$(grep -E '^wasm_bindgen *=' "$here/Trunk.toml" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')"
if [ "$wb_lock" != "$wb_trunk" ]; then
  echo "setup: Cargo.lock has wasm-bindgen $wb_lock but Trunk.toml [tools] wasm_bindgen = $wb_trunk; make them equal" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_lock" ]; then
  say "cargo install wasm-bindgen-cli $wb_lock (about 6 min on 2 cores, once)"
  # Not --locked: its lockfile pins a webpki-roots the registry mirror lacks (see shared/notes/toolchain.md).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$wb_lock" --root "$EQUIMAP_TOOLS/cargo"
fi

# --- crates for offline builds (trunk runs cargo --offline) --------------------------------------
cargo fetch --quiet --manifest-path "$here/Cargo.toml"
say "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $wov, $(chromium --version 2>/dev/null | head -1)"
