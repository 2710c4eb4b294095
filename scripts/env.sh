# Sourced by the scripts: where Equimap's tools live and one cargo target dir shared by every layer.
export PATH="$HOME/.cargo/bin:$PATH"
export EQUIMAP_TOOLS="${EQUIMAP_TOOLS:-$HOME/.cache/equimap-tools}"
# npm's binaryen before /usr/bin so a Debian binaryen 108 never wins.
export PATH="$EQUIMAP_TOOLS/cargo/bin:$EQUIMAP_TOOLS/binaryen/node_modules/.bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/equimap-target}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
