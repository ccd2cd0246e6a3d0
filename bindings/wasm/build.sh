#!/usr/bin/env bash
# Builds the qrcred WebAssembly package into bindings/wasm/pkg/: an ES module
# package named `qrcred` (qrcred.js, its TypeScript types, the wasm-bindgen
# glue and the optimised .wasm) that runs in browsers and in Node >= 20
# without a bundler:
#
#   bash bindings/wasm/build.sh                 # -> bindings/wasm/pkg/
#   bash bindings/wasm/build.sh --verify-only   # -> bindings/wasm/pkg-verify-only/ (no scanFrame, renderSvg: size only)
#   npm install ./bindings/wasm/pkg && node -e "import('qrcred').then(q => console.log(Object.keys(q)))"
#
# Tools, installed when missing (set QRCRED_NO_INSTALL=1 to exit with status
# 3 instead): the Rust target wasm32-unknown-unknown (rustup),
# wasm-bindgen-cli at the version bindings/wasm/Cargo.toml pins (cargo
# install) and binaryen's wasm-opt from npm (into bindings/wasm/.tools/;
# Debian's binaryen 108 predates the WebAssembly features rustc now emits).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
binaryen_version=132.0.0
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$here/Cargo.toml")
[ -n "$bindgen_version" ] || { echo "build.sh: no exact wasm-bindgen version in Cargo.toml" >&2; exit 2; }

out="$here/pkg"
features=()
if [ "${1:-}" = "--verify-only" ]; then
  out="$here/pkg-verify-only"
  features=(--no-default-features --features hcert)
elif [ $# -gt 0 ]; then
  echo "usage: bash bindings/wasm/build.sh [--verify-only]" >&2
  exit 2
fi

missing() {
  if [ "${QRCRED_NO_INSTALL:-}" = 1 ]; then
    echo "build.sh: MISSING TOOL: $1 (bash bindings/wasm/build.sh installs it)" >&2
    exit 3
  fi
  echo "build.sh: installing $1" >&2
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  missing "the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  missing "wasm-bindgen-cli $bindgen_version"
  # Not --locked: the lock file of the CLI pins crate versions a registry
  # mirror may not carry; cargo resolves the newest compatible ones instead.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi
wasm_opt="$here/.tools/node_modules/.bin/wasm-opt"
if [ "$("$wasm_opt" --version 2>/dev/null | awk '{print $3}')" != "${binaryen_version%%.*}" ]; then
  missing "binaryen $binaryen_version (wasm-opt)"
  mkdir -p "$here/.tools"
  npm install --prefix "$here/.tools" --no-audit --no-fund --loglevel=error "binaryen@$binaryen_version"
fi

# A target directory of its own: the build may run inside `cargo test`
# (tests/wasm.rs), which holds the lock of the main one.
target_dir=${CARGO_TARGET_DIR:-$root/target}/wasm-pkg
# curve25519-dalek's fiat-crypto field arithmetic (32-bit limbs, formally
# verified): verify measured 8% faster in WebAssembly than the default
# 32-bit backend (97 against 105 µs in Node 20), and the 64-bit backend 2×
# slower (u128 products are emulated in WebAssembly). README, Performance.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg curve25519_dalek_backend=\"fiat\""
(cd "$root" && CARGO_TARGET_DIR="$target_dir" cargo build --quiet -p qrcred-wasm --target wasm32-unknown-unknown --profile wasm-release "${features[@]}")

# Build beside the package, then swap it in: a failed build leaves the old one whole.
tmp=$(mktemp -d "$here/.pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --out-dir "$tmp" --out-name qrcred_wasm \
  "$target_dir/wasm32-unknown-unknown/wasm-release/qrcred_wasm.wasm"
# QRCRED_WASM_PROFILE=1 keeps the function names, for a profile (web/tests/bench.mjs --profile).
strip=(--strip-debug --strip-producers)
[ "${QRCRED_WASM_PROFILE:-}" = 1 ] && strip=(-g)
"$wasm_opt" -Os "${strip[@]}" \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  -o "$tmp/qrcred_wasm_bg.opt.wasm" "$tmp/qrcred_wasm_bg.wasm"
mv "$tmp/qrcred_wasm_bg.opt.wasm" "$tmp/qrcred_wasm_bg.wasm"
chmod 755 "$tmp"
cp "$here/js/qrcred.js" "$here/js/qrcred.d.ts" "$here/js/package.json" "$here/js/README.md" "$tmp/"
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$tmp" "$out"
rm -rf "$out.old"
trap - EXIT

raw=$(wc -c < "$out/qrcred_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/qrcred_wasm_bg.wasm" | wc -c)
echo "build.sh: $out: qrcred_wasm_bg.wasm $raw bytes, $gz bytes gzip -9 ($((gz / 1024)) KiB)"
