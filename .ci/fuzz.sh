#!/usr/bin/env bash
# Fuzzing: every cargo-fuzz target in fuzz/ for FUZZ_SECONDS (default 60)
# each, after checking that the committed seeds are what fuzz/examples/seeds.rs
# writes and that every committed regression input still passes.
#
#   bash .ci/fuzz.sh                      # 60 s per target
#   FUZZ_SECONDS=600 bash .ci/fuzz.sh     # the long run (README.md, Fuzzing)
#   bash .ci/fuzz.sh verifier             # only the named targets
#
# libFuzzer needs a nightly toolchain; without one this prints that it skips
# and exits 0. A crash fails the script; its input is in fuzz/artifacts/.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/../fuzz"

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
say() { printf '\n== %s\n' "$*"; }

say "fuzz seeds: regenerate and compare with the committed ones"
cargo run --quiet --example seeds
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git diff --exit-code -- seeds
  untracked=$(git ls-files --others --exclude-standard -- seeds)
  [ -z "$untracked" ] || { echo "seeds not committed: $untracked"; exit 1; }
fi

if ! rustup toolchain list | grep -q nightly; then
  echo "no nightly toolchain: skipping the fuzz runs (libFuzzer needs nightly)"
  exit 0
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi
summary=()
for target in "${targets[@]}"; do
  regressions=(regressions/"$target"/*)
  if [ "${#regressions[@]}" -gt 0 ]; then
    say "fuzz $target: ${#regressions[@]} regression input(s)"
    cargo +nightly fuzz run "$target" "${regressions[@]}"
  fi

  say "fuzz $target: ${FUZZ_SECONDS}s"
  mkdir -p "corpus/$target"
  cp -n "seeds/$target"/* "corpus/$target"/ 2>/dev/null || true
  log=$(mktemp)
  set +e # libFuzzer's progress lines (#N ...) go to the log only
  cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 2>&1 | tee "$log" | grep -v '^#'
  status=${PIPESTATUS[0]}
  set -e
  stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  rm -f "$log"
  [ "$status" -eq 0 ] || { echo "fuzz $target failed (exit $status): see fuzz/artifacts/$target/"; exit 1; }
  summary+=("$target: ${stats:-no stats} | corpus files: $(find "corpus/$target" -type f | wc -l)")
done

say "fuzz summary (${FUZZ_SECONDS}s per target)"
printf '%s\n' "${summary[@]}"
