#!/usr/bin/env bash
# Builds the page's on-demand module into dist/sheets/: the equimap-sheets wasm module (calamine,
# and the Parquet writer for the table download, uncompressed), its wasm-bindgen glue, size-optimised
# with wasm-opt. The page fetches it only when a workbook is dropped or the table is downloaded as
# Parquet (static/sheets-worker.js), so it is not part of the first visit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo build --release --quiet --target wasm32-unknown-unknown --bin equimap-sheets --no-default-features --features sheets
rm -rf dist/sheets
wasm-bindgen --target web --no-typescript --out-dir dist/sheets "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/equimap-sheets.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  dist/sheets/equimap-sheets_bg.wasm -o dist/sheets/equimap-sheets_bg.wasm
echo "sheets: $(stat -c %s dist/sheets/equimap-sheets_bg.wasm) bytes wasm, $(gzip -9c dist/sheets/equimap-sheets_bg.wasm | wc -c) gzip"
