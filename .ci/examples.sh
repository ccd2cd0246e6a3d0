#!/usr/bin/env bash
# Smoke test of the command-line examples (keygen, mint, verify, demo): their
# arguments, outputs and exit statuses are a contract scripts rely on.
# Run from anywhere: bash .ci/examples.sh. Needs cargo, python3 and zbarimg.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

if ! command -v zbarimg >/dev/null; then
  echo "examples.sh reads QR images back with zbarimg, which is missing: apt-get install -y zbar-tools" >&2
  exit 1
fi

NOW=2026-11-25T08:00:00Z        # issue time of every minted code
CHECK_AT=2026-11-25T09:00:00Z   # verification time: all codes valid
BEFORE=2026-11-24T00:00:00Z     # before the codes' validity starts
FAR_FUTURE=2100-01-01T00:00:00Z # after every code has expired
ISSUER=CN-BJ-HC

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keys=$work/keys
other=$work/other
mkdir -p "$work/codes"
passed=0
failed=0

# run EXAMPLE ARGS...: runs an example; sets rc, out (stdout) and err (stderr).
run() {
  local name=$1
  shift
  rc=0
  cargo run --quiet --release --example "$name" -- "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  out=$(cat "$work/stdout")
  err=$(cat "$work/stderr")
}

# expect NAME CONDITION: CONDITION is a shell command line, evaluated now.
expect() {
  if eval "$2"; then
    passed=$((passed + 1))
    printf 'ok   %s\n' "$1"
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n     exit %s\n     stdout: %.400s\n     stderr: %.400s\n' "$1" "$rc" "$out" "$err"
  fi
}

# json_has PATH=VALUE...: $out is one JSON object with these values (dotted
# paths; non-strings compared in JSON form; VALUE @FILE compares to FILE's JSON).
json_has() {
  python3 - "$out" "$@" <<'PY'
import json, sys
doc = json.loads(sys.argv[1])
for pair in sys.argv[2:]:
    path, want = pair.split("=", 1)
    value = doc
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    if want.startswith("@"):
        with open(want[1:], encoding="utf-8") as f:
            ok = value == json.load(f)
    else:
        ok = (value if isinstance(value, str) else json.dumps(value)) == want
    if not ok:
        sys.exit(f"{path}: got {value!r}, want {want!r}")
PY
}

# kind_of FILE: the credential kind in a sample (its one key besides "subject").
kind_of() {
  python3 -c 'import json,sys; print(*[k for k in json.load(open(sys.argv[1])) if k != "subject"])' "$1"
}

# expiry KIND: NOW plus the kind's default validity in mint.
expiry() {
  case $1 in
  health_status) echo 2026-11-26T08:00:00Z ;;
  test_result) echo 2026-11-28T08:00:00Z ;;
  recovery) echo 2027-05-24T08:00:00Z ;;
  vaccination | access_pass) echo 2027-11-25T08:00:00Z ;;
  *) echo "unknown kind $1" ;;
  esac
}

# recode MODE CODE: the code's COSE bytes (Base45-decoded, inflated when
# zlib) re-encoded as another text. MODE tamper: one signature byte flipped,
# stored uncompressed. MODE rezip: the same signed code in a zlib stream of
# one stored block whose five padding bits are set (SPEC.md §3).
recode() {
  python3 - "$1" "$2" <<'PY'
import sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
mode, text = sys.argv[1], sys.argv[2][len("QC1:"):]
raw = bytearray()
for i in range(0, len(text), 3):
    chunk = text[i:i + 3]
    n = sum(A.index(c) * 45**k for k, c in enumerate(chunk))
    raw += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
cose = bytearray(zlib.decompress(raw) if raw[0] == 0x78 else raw)
if mode == "tamper":
    cose[-40] ^= 0x01  # inside the 64-byte signature, the last item
    payload = cose
else:
    payload = bytearray(zlib.compress(bytes(cose), 0))
    assert payload[2] == 0x01  # final stored block; bits 3..7 are padding
    payload[2] |= 0xF8
    assert zlib.decompress(bytes(payload)) == cose
out = ""
for i in range(0, len(payload), 2):
    chunk = payload[i:i + 2]
    n = int.from_bytes(chunk, "big")
    for _ in range(3 if len(chunk) == 2 else 2):
        out += A[n % 45]
        n //= 45
print("QC1:" + out)
PY
}

# tamper CODE: the same code with one signature byte flipped (stored uncompressed).
tamper() { recode tamper "$1"; }

# rezip CODE: the same signed code in another text (zlib padding bits set).
rezip() { recode rezip "$1"; }

# json_lines FIELD: the FIELD (a string) of each JSON line of $out, space-separated.
json_lines() {
  python3 -c 'import json,sys; print(*[json.loads(l)[sys.argv[2]] for l in sys.argv[1].splitlines()])' "$out" "$1"
}

# zbar FILE: the text zbarimg reads from an image (empty when none).
zbar() { zbarimg --raw -q "$1" 2>/dev/null || true; }

# nonempty FILE...: every FILE exists and is not empty.
nonempty() {
  local f
  for f; do [ -s "$f" ] || return 1; done
}

# blank_png FILE: a white 64×64 greyscale PNG, without any QR code.
blank_png() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\x00" + b"\xff" * 64 for _ in range(64))
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
}

file_mode() { stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"; }

# --- keygen ---------------------------------------------------------------
run keygen --out "$keys" --issuer "$ISSUER"
kid=$out
expect "keygen writes key, public key and issuer.id, prints the kid" \
  '[ "$rc" -eq 0 ] && [[ $kid =~ ^[0-9a-f]{16}$ ]] && [ -s "$keys/issuer.key.pem" ] &&
   [ -s "$keys/issuer.pub.pem" ] && [ "$(cat "$keys/issuer.id")" = "$ISSUER" ]'
expect "key file mode is 600" '[ "$(file_mode "$keys/issuer.key.pem")" = 600 ]'
expect "openssl reads keygen's private key (RFC 8410 v1) and derives its public key file" \
  'openssl pkey -in "$keys/issuer.key.pem" -pubout 2>/dev/null | cmp -s - "$keys/issuer.pub.pem"'

# A key made by OpenSSL mints codes that verify against OpenSSL's public key.
openssl genpkey -algorithm ed25519 -out "$work/openssl.key.pem" 2>/dev/null
openssl pkey -in "$work/openssl.key.pem" -pubout -out "$work/openssl.pub.pem" 2>/dev/null
run mint --key "$work/openssl.key.pem" --issuer "$ISSUER" \
  --credential examples/credentials/health_status.json --now "$NOW"
openssl_code=$out
run verify --trust "$work/openssl.pub.pem" --issuer "$ISSUER" --now "$CHECK_AT" "$openssl_code"
expect "a key from openssl genpkey mints a code that verifies" '[ "$rc" -eq 0 ]'

cp "$keys/issuer.key.pem" "$work/key.before"
run keygen --out "$keys" --issuer "$ISSUER"
expect "keygen refuses to overwrite a key (exit 2)" \
  '[ "$rc" -eq 2 ] && [[ $err == *"error: "* ]] && cmp -s "$keys/issuer.key.pem" "$work/key.before"'

# --- mint and verify every sample -------------------------------------------
samples=(examples/credentials/*.json)
for file in "${samples[@]}"; do
  kind=$(kind_of "$file")
  run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$file" --now "$NOW"
  printf '%s\n' "$out" >"$work/codes/$kind.txt"
  expect "mint $kind" '[ "$rc" -eq 0 ] && [[ $out == QC1:* ]]'
done
for file in "${samples[@]}"; do
  kind=$(kind_of "$file")
  run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$(cat "$work/codes/$kind.txt")"
  expect "verify $kind --json: valid, issuer from issuer.id, default validity, same credential" \
    '[ "$rc" -eq 0 ] && json_has valid=true "kind=$kind" "issuer=$ISSUER" "kid=$kid" "issued_at=$NOW" \
       "expires_at=$(expiry "$kind")" "credential=@$file"'
done

code=$(cat "$work/codes/vaccination.txt")
printf '%s\r\n' "$code" >"$work/crlf.txt"
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json - <"$work/crlf.txt"
expect "verify from stdin (-) with a CRLF line end" '[ "$rc" -eq 0 ] && json_has valid=true'

run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" "@$work/codes/vaccination.txt"
expect "verify @FILE prints a human summary" '[ "$rc" -eq 0 ] && [ "$(head -n 1 <<<"$out")" = "VALID vaccination" ]'

run verify --trust "$keys/issuer.pub.pem" --issuer OTHER-ID --now "$CHECK_AT" --json "$code"
expect "verify --issuer names the issuer" '[ "$rc" -eq 0 ] && json_has valid=true issuer=OTHER-ID'

run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$code"
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["revocation_id"])' "$out")
other_text=$(rezip "$code")
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$other_text"
expect "verify --json: another text of the same signed code (zlib, padding bits set) has the same revocation_id" \
  '[ "$rc" -eq 0 ] && [[ $id =~ ^[0-9a-f]{16}$ ]] && [ "$other_text" != "$code" ] && json_has valid=true "revocation_id=$id"'

# --- trust data failures: exit 3, and under --json a trust_error object --------
printf 'not a key\n' >"$work/garbage.pem"
run verify --trust "$work/garbage.pem" --now "$CHECK_AT" --json "$code"
expect "verify --trust with a file that is no key: exit 3, trust_error key.invalid_encoding" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=key.invalid_encoding && [[ $err == *"key.invalid_encoding"* ]]'
run verify --trust "$work/missing.pem" --now "$CHECK_AT" --json "$code"
expect "verify --trust with a missing file: exit 3, trust_error file.unreadable" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=file.unreadable'

# --- refusals ---------------------------------------------------------------
run keygen --out "$other"
# Another key has another kid, so the lookup fails before any signature check.
run verify --trust "$other/issuer.pub.pem" --now "$CHECK_AT" --json "$code"
expect "wrong key: refused, key.unknown_kid (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has valid=false error.code=key.unknown_kid'

run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$(tamper "$code")"
expect "altered signature: refused, signature.invalid (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has valid=false error.code=signature.invalid'

printf '%s\n\n%s\n%s\n' "$code" "$(tamper "$code")" "$(cat "$work/codes/vaccination.txt")" >"$work/batch.txt"
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json --batch "@$work/batch.txt"
expect "verify --batch @FILE: one JSON line per code in order (valid, signature.invalid, valid; exit 1)" \
  '[ "$rc" -eq 1 ] && python3 -c "
import json, sys
r = [json.loads(l) for l in sys.argv[1].splitlines()]
sys.exit(not ([x[\"valid\"] for x in r] == [True, False, True] and r[1][\"error\"][\"code\"] == \"signature.invalid\"))
" "$out"'
printf '\n\n' >"$work/empty.txt"
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --batch "@$work/empty.txt"
expect "verify --batch with no code exits 2" '[ "$rc" -eq 2 ] && [[ $err == *"no code"* ]]'

run verify --trust "$keys/issuer.pub.pem" --now "$FAR_FUTURE" --json "$code"
expect "expired: refused, time.expired (exit 1)" '[ "$rc" -eq 1 ] && json_has valid=false error.code=time.expired'

run verify --trust "$keys/issuer.pub.pem" --now "$FAR_FUTURE" "$code"
expect "expired, human output: REFUSED time.expired" '[ "$rc" -eq 1 ] && [[ $out == "REFUSED time.expired: "* ]]'

run verify --trust "$keys/issuer.pub.pem" --now "$BEFORE" --json "$code"
expect "not yet valid: refused, time.not_yet_valid (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has valid=false error.code=time.not_yet_valid'

run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "@$work/missing.txt"
expect "verify with a missing file exits 2" '[ "$rc" -eq 2 ] && [ -z "$out" ] && [[ $err == *"error: "* ]]'

# --- mint options -------------------------------------------------------------
status=examples/credentials/health_status.json
run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --now "$NOW" --valid-for 30m
run verify --trust "$keys/issuer.pub.pem" --now 2026-11-25T08:10:00Z --json "$out"
expect "mint --valid-for 30m sets the expiry" '[ "$rc" -eq 0 ] && json_has valid=true expires_at=2026-11-25T08:30:00Z'

run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --now "$NOW" --valid-for 7d
expect "mint refuses a health status valid 7d: claims.validity_too_long (exit 1)" \
  '[ "$rc" -eq 1 ] && [ -z "$out" ] && [[ $err == *"error: claims.validity_too_long: "* ]]'

run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --valid-for 10x
expect "mint rejects a malformed duration (exit 2)" '[ "$rc" -eq 2 ] && [[ $err == *"error: "* ]]'

# --- mint pictures ----------------------------------------------------------
run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --now "$NOW" \
  --png "$work/status.png" --svg "$work/status.svg" --terminal
text=$(head -n 1 <<<"$out")
expect "mint --png --svg --terminal: the code text first, then the symbol in half blocks" \
  '[ "$rc" -eq 0 ] && [[ $text == QC1:* ]] && [ "$(wc -l <<<"$out")" -gt 20 ] && [[ $out == *"▀"* ]]'
expect "mint --png: zbarimg reads the code text back" '[ "$(zbar "$work/status.png")" = "$text" ]'
expect "mint --svg: an SVG document" '[ "$(head -c 4 "$work/status.svg")" = "<svg" ]'
expect "mint leaves no temporary files" '[ -z "$(find "$work" -maxdepth 1 -name ".*.tmp")" ]'

run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --now "$NOW" \
  --png "$work/status-q2.png" --ecc Q --module-px 2
expect "mint --ecc Q --module-px 2: zbarimg reads it back" \
  '[ "$rc" -eq 0 ] && [ "$(zbar "$work/status-q2.png")" = "$out" ]'

run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --png "$work/bad.png" --ecc X
expect "mint rejects --ecc X (exit 2) and writes nothing" '[ "$rc" -eq 2 ] && [ -z "$out" ] && [ ! -e "$work/bad.png" ]'

# --- verify images ------------------------------------------------------------
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$work/status.png"
expect "verify IMAGE.png: scanned and valid (exit 0, one JSON line)" \
  '[ "$rc" -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && json_has valid=true kind=health_status "issuer=$ISSUER"'

run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" "@$work/status-q2.png"
expect "verify @IMAGE prints a human summary" '[ "$rc" -eq 0 ] && [ "$(head -n 1 <<<"$out")" = "VALID health_status" ]'

run verify --trust "$keys/issuer.pub.pem" --now "$FAR_FUTURE" --json - <"$work/status.png"
expect "verify an image on stdin, expired: refused, time.expired (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has valid=false error.code=time.expired'

blank_png "$work/blank.png"
run verify --trust "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$work/blank.png"
expect "verify a PNG without a QR code: refused, scan.no_code (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has valid=false error.code=scan.no_code'

# --- trust bundles ---------------------------------------------------------------
tb=$work/bundle
mkdir -p "$tb"
run bundle root-key --out "$tb/root"
expect "bundle root-key writes root.key.pem (mode 600) and root.pub.pem, prints the kid" \
  '[ "$rc" -eq 0 ] && [[ $out =~ ^[0-9a-f]{16}$ ]] && [ -s "$tb/root/root.pub.pem" ] &&
   [ "$(file_mode "$tb/root/root.key.pem")" = 600 ]'
root=$tb/root/root.key.pem
pin=$tb/root/root.pub.pem
run bundle init --root "$root" --out "$tb/trust.bundle" --now 2026-11-25T07:00:00Z
expect "bundle init signs sequence 1 and writes a JSON dump" \
  '[ "$rc" -eq 0 ] && [[ $out == *"sequence 1, 0 keys"* ]] && python3 -m json.tool "$tb/trust.bundle.json" >/dev/null'
run bundle init --root "$root" --out "$tb/trust.bundle"
expect "bundle init refuses to replace a bundle (exit 2)" '[ "$rc" -eq 2 ]'
run bundle add-key --root "$root" --bundle "$tb/trust.bundle" --key "$keys/issuer.pub.pem" --issuer "$ISSUER" \
  --name "北京健康宝" --kinds health_status,vaccination,test_result,recovery --now 2026-11-25T07:30:00Z
expect "bundle add-key: sequence 2, one key" '[ "$rc" -eq 0 ] && [[ $out == *"sequence 2, 1 keys, 0 DSCs, 0 revoked"* ]]'
cp "$tb/trust.bundle" "$tb/sequence-2.bundle"

run verify --bundle "$tb/trust.bundle" --root "$pin" --state "$tb/state" --now "$CHECK_AT" --json "$code"
expect "verify --bundle: valid, issuer and display name from the bundle" \
  '[ "$rc" -eq 0 ] && json_has valid=true "issuer=$ISSUER" "issuer_name=北京健康宝" warnings=[] && [ -s "$tb/state" ]'
run verify --bundle "$tb/trust.bundle" --root "$pin" --now "$CHECK_AT" --json "$(cat "$work/codes/access_pass.txt")"
expect "verify --bundle: a kind the key may not sign, key.kind_not_allowed with a Chinese label" \
  '[ "$rc" -eq 1 ] && json_has error.code=key.kind_not_allowed "error.label=签发机构无权签发此类凭证"'
run verify --bundle "$tb/trust.bundle" --root "$keys/issuer.pub.pem" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with the wrong root: exit 3, trust_error trust.unknown_root with its label" \
  '[ "$rc" -eq 3 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && json_has trust_error.code=trust.unknown_root \
     "trust_error.label=信任列表来源不可信" && [[ $err == *"trust.unknown_root"* ]]'
run verify --bundle "$tb/missing.bundle" --root "$pin" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with a missing bundle file: exit 3, trust_error file.unreadable" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=file.unreadable'
run verify --bundle "$tb/trust.bundle" --root "$work/missing.pem" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with a missing root file: exit 3, trust_error file.unreadable" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=file.unreadable'
printf 'garbage' >"$work/bad.state"
run verify --bundle "$tb/trust.bundle" --root "$pin" --state "$work/bad.state" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with a corrupt state file: exit 3, a trust_error with the refusal's code" \
  '[ "$rc" -eq 3 ] && python3 -c "import json,sys; sys.exit(not json.loads(sys.argv[1])[\"trust_error\"][\"code\"].startswith((\"cbor.\", \"limits.\", \"trust.\")))" "$out"'
run verify --bundle "$tb/trust.bundle" --root "$pin" --state "$work/no-such-dir/state" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with a state that cannot be written: exit 3, trust_error file.unwritable" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=file.unwritable'

run bundle revoke-credential --root "$root" --bundle "$tb/trust.bundle" "@$work/codes/vaccination.txt" \
  --now 2026-11-25T08:30:00Z
expect "bundle revoke-credential: sequence 3, one revoked" '[ "$rc" -eq 0 ] && [[ $out == *"sequence 3, 1 keys, 0 DSCs, 1 revoked"* ]]'
run verify --bundle "$tb/trust.bundle" --root "$pin" --state "$tb/state" --now "$CHECK_AT" --lang en --json "$code"
expect "verify --bundle: revoked.credential, English label" \
  '[ "$rc" -eq 1 ] && json_has error.code=revoked.credential "error.label=Code revoked by its issuer"'
run verify --bundle "$tb/sequence-2.bundle" --root "$pin" --state "$tb/state" --now "$CHECK_AT" --json "$code"
expect "verify --bundle with an older bundle than the state holds: exit 3, trust_error trust.rollback" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=trust.rollback && [[ $err == *"trust.rollback"* ]]'
run verify --bundle "$tb/trust.bundle" --root "$pin" --state "$tb/state" --now 2026-11-25T07:00:00Z --json "$code"
expect "verify --bundle with the clock set back: exit 3, trust_error time.clock_behind" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=time.clock_behind'

status_code=$(cat "$work/codes/health_status.txt")
run verify --bundle "$tb/trust.bundle" --root "$pin" --now 2026-11-25T23:00:00Z --json "$status_code"
expect "verify --bundle: fresh bundle, no warning" '[ "$rc" -eq 0 ] && json_has warnings=[]'
run bundle retire-key --root "$root" --bundle "$tb/trust.bundle" --kid "$kid" --at 2026-11-25T08:30:00Z \
  --valid 1h --now 2026-11-25T08:40:00Z
expect "bundle retire-key with a 1-hour bundle" '[ "$rc" -eq 0 ] && [[ $out == *"sequence 4"* ]]'
run verify --bundle "$tb/trust.bundle" --root "$pin" --now 2026-11-25T23:00:00Z --json "$status_code"
expect "verify --bundle: retired key still verifies its older code; stale bundle warns" \
  '[ "$rc" -eq 0 ] && json_has warnings.0.code=trust.stale'
run verify --bundle "$tb/trust.bundle" --root "$pin" --stale refuse --grace 2h --now 2026-11-25T23:00:00Z --json "$status_code"
expect "verify --bundle --stale refuse: trust.stale (exit 1)" '[ "$rc" -eq 1 ] && json_has error.code=trust.stale'
run mint --key "$keys/issuer.key.pem" --issuer "$ISSUER" --credential "$status" --now 2026-11-25T09:00:00Z
run verify --bundle "$tb/trust.bundle" --root "$pin" --now 2026-11-25T09:10:00Z --json "$out"
expect "verify --bundle: a code the retired key signed later, key.retired" '[ "$rc" -eq 1 ] && json_has error.code=key.retired'
run bundle revoke-key --root "$root" --bundle "$tb/trust.bundle" --kid "$kid" --now 2026-11-25T08:50:00Z
run verify --bundle "$tb/trust.bundle" --root "$pin" --now 2026-11-25T09:00:00Z --json "$status_code"
expect "bundle revoke-key (all codes): revoked.key" '[ "$rc" -eq 1 ] && json_has error.code=revoked.key'
run verify --trust "$keys/issuer.pub.pem" --bundle "$tb/trust.bundle" --root "$pin" --now 2026-11-25T09:00:00Z --json "$status_code"
expect "verify --trust with the revoked key next to the bundle: still revoked.key" \
  '[ "$rc" -eq 1 ] && json_has error.code=revoked.key'

run bundle dump --bundle "$tb/trust.bundle" --root "$pin"
expect "bundle dump: JSON with the key state and the revoked id" \
  '[ "$rc" -eq 0 ] && json_has sequence=5 keys.0.state=revoked "keys.0.kid=$kid" && [[ $out == *'"'"'"revoked": ['"'"'* ]]'

# --- gate ---------------------------------------------------------------------------
gb=$tb/gate.bundle
run bundle init --root "$root" --out "$gb" --now 2026-11-25T07:00:00Z
run bundle add-key --root "$root" --bundle "$gb" --key "$keys/issuer.pub.pem" --issuer "$ISSUER" --now 2026-11-25T07:10:00Z
pass_code=$(cat "$work/codes/access_pass.txt")
test_code=$(cat "$work/codes/test_result.txt")
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --json "$status_code"
expect "gate without rules in the bundle or --rules: exit 2" '[ "$rc" -eq 2 ] && [[ $err == *"--rules"* ]]'
run bundle set-rules --root "$root" --bundle "$gb" --rules examples/rules/residential.json --now 2026-11-25T07:20:00Z
expect "bundle set-rules puts the rules in the bundle" '[ "$rc" -eq 0 ] && grep -q residential-compound "$gb.json"'
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --json "$pass_code,$status_code"
expect "gate: pass and green code of one person, admitted (exit 0)" \
  '[ "$rc" -eq 0 ] && json_has verdict=admit code=status.green "rule=require.all_of[1].any_of[0].health_status" colour=green'
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --lang en --json "$status_code"
expect "gate: no access pass, denied credential.missing (exit 1)" \
  '[ "$rc" -eq 1 ] && json_has verdict=deny code=credential.missing "text=needs: access pass"'
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now 2026-11-26T10:00:00Z --lang en --json "$pass_code,$test_code"
expect "gate: a nucleic-acid test 48.5 hours old, denied test.too_old with the numbers" \
  '[ "$rc" -eq 1 ] && json_has verdict=deny code=test.too_old \
     "text=nucleic-acid test taken 48 hours 30 minutes ago; at most 48 hours allowed"'
printf '%s,%s\n%s,%s\n' "$pass_code" "$status_code" "$pass_code" "$(tamper "$status_code")" >"$work/wedge.txt"
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --json - <"$work/wedge.txt"
expect "gate reads keyboard-wedge lines: one verdict per line, a forged code denies" \
  '[ "$rc" -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 2 ] && [[ "$(tail -n 1 <<<"$out")" == *'"'"'"code":"signature.invalid"'"'"'* ]]'
# Hostile lines from the scanner: each is code text, never a file name, and
# each gets one verdict while the gate reads on.
python3 - "$work/hostile.txt" "$work/status.png" "$work/codes/health_status.txt" "$pass_code" "$status_code" <<'PY'
import sys
out, png, status_file, pass_code, status = sys.argv[1:]
good = f"{pass_code},{status}\n".encode()
lines = [
    f"{png},{pass_code}\n".encode(),          # an image on the gate host holding a valid green code
    f"{pass_code},@{status_file}\n".encode(),  # a file on the gate host holding one
    b"@/etc/passwd\n",
    b"@/nonexistent/missing\n",
    b"-\n",
    good,
    b"QC1:" + b"A" * (1 << 20) + b"\n",         # a 1 MB line
    pass_code.encode()[:9] + b"\xff\xfe" + pass_code.encode()[9:] + b"\n",  # not UTF-8
    pass_code.encode()[:9] + b"\x1b[2J" + pass_code.encode()[9:] + b"," + status.encode() + b"\n",
    b"\x00\r\n",
    b" \t\r\n",                                  # blank: nobody
    good,
    b"QC1:" + b"B" * (1 << 20),                  # a 1 MB last line without a line end
]
open(out, "wb").write(b"".join(lines))
PY
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --json - <"$work/hostile.txt"
expect "gate: hostile scanner lines (image and file paths, @/etc/passwd, -, 1 MB lines, not UTF-8, control characters) are denied one by one, and the gate reads on" \
  '[ "$rc" -eq 1 ] && [ "$(json_lines code)" = "prefix.missing prefix.missing prefix.missing prefix.missing prefix.missing status.green limits.text_too_long base45.invalid_char base45.invalid_char prefix.missing status.green limits.text_too_long" ] &&
   [ "$(json_lines verdict)" = "deny deny deny deny deny admit deny deny deny deny admit deny" ]'
printf '%s,%s\n%s,%s\n' "$pass_code" "$status_code" "$pass_code" "$(rezip "$status_code")" >"$work/twice.txt"
run gate --bundle "$gb" --root "$pin" --site XA-YANTA-017 --now "$CHECK_AT" --json - <"$work/twice.txt"
expect "gate --json: the revocation ids of a person's codes, the same for another text of the same code" \
  '[ "$rc" -eq 0 ] && python3 -c "
import json, sys
a, b = [json.loads(l)[\"revocation_ids\"] for l in sys.argv[1].splitlines()]
sys.exit(not (a == b and len(a) == 2 and a[0] != a[1]))
" "$out"'
run gate --bundle "$gb" --root "$keys/issuer.pub.pem" --site XA-YANTA-017 --now "$CHECK_AT" --lang en --json "$pass_code"
expect "gate with a bundle its root does not sign: exit 3, trust_error trust.unknown_root" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=trust.unknown_root "trust_error.label=Trust list not from a trusted source"'
run gate --bundle "$gb" --root "$pin" --state "$work/no-such-dir/state" --site XA-YANTA-017 --now "$CHECK_AT" --json "$pass_code,$status_code"
expect "gate with a state that cannot be written: the verdict, then a trust_error file.unwritable (exit 3)" \
  '[ "$rc" -eq 3 ] && [[ "$(head -n 1 <<<"$out")" == *'"'"'"verdict":"admit"'"'"'* ]] &&
   [[ "$(tail -n 1 <<<"$out")" == *'"'"'"trust_error":{"code":"file.unwritable"'"'"'* ]]'
run gate --bundle "$gb" --root "$pin" --rules examples/rules/city.json --now "$CHECK_AT" "$work/status.png"
expect "gate --rules (local) with an image: human verdict" '[ "$rc" -eq 0 ] && [[ $out == *"ADMIT"* ]] && [[ $out == *"status.green"* ]]'

# --- EU DCC (HC1:) -------------------------------------------------------------------
# A real EU test certificate (CZ, a completed vaccination series) and its
# Document Signer Certificate, from the EU test data under test-vectors/third-party/.
dcc=$work/dcc
mkdir -p "$dcc"
python3 - "$dcc" test-vectors/third-party/dgc-testdata/CZ/2DCode/raw/1.json <<'PY'
import json, sys, textwrap
out, path = sys.argv[1:]
case = json.load(open(path))
lines = "\n".join(textwrap.wrap(case["TESTCTX"]["CERTIFICATE"], 64))
open(f"{out}/dsc.pem", "w").write(f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n")
open(f"{out}/code.txt", "w").write(case["PREFIX"])
PY
hc1=$(cat "$dcc/code.txt")
DCC_AT=2021-06-08T00:00:00Z
run verify --dsc "$dcc/dsc.pem" --now "$DCC_AT" --json "$hc1"
expect "verify --dsc: an EU DCC, valid vaccination from CZ with its certificate" \
  '[ "$rc" -eq 0 ] && json_has valid=true kind=vaccination issuer=CZ format=HC1 hcert.ver=1.0.1 credential.vaccination.product=Comirnaty'
run verify --dsc "$dcc/dsc.pem" --now 2023-01-01T00:00:00Z --json "$hc1"
expect "verify --dsc a year later: time.expired (exit 1)" '[ "$rc" -eq 1 ] && json_has valid=false error.code=time.expired'
run verify --dsc "$keys/issuer.pub.pem" --now "$DCC_AT" --json "$hc1"
expect "verify --dsc with a file that is no certificate: exit 3, trust_error hcert.certificate" \
  '[ "$rc" -eq 3 ] && json_has trust_error.code=hcert.certificate'
run verify --trust "$keys/issuer.pub.pem" --now "$DCC_AT" --json "$hc1"
expect "verify an HC1 code without its DSC: key.unknown_kid (exit 1)" '[ "$rc" -eq 1 ] && json_has error.code=key.unknown_kid'
db=$dcc/trust.bundle
run bundle init --root "$root" --out "$db" --now 2021-06-07T20:00:00Z
run bundle add-dsc --root "$root" --bundle "$db" --cert "$dcc/dsc.pem" --now 2021-06-07T20:10:00Z
expect "bundle add-dsc: sequence 2, one DSC, in the dump" \
  '[ "$rc" -eq 0 ] && [[ $out == *"sequence 2, 0 keys, 1 DSCs, 0 revoked"* ]] && grep -q "\"country\": \"CZ\"" "$db.json"'
run verify --bundle "$db" --root "$pin" --now "$DCC_AT" --json "$hc1"
expect "verify --bundle: the DCC verifies against the bundle's DSC" '[ "$rc" -eq 0 ] && json_has valid=true format=HC1'
run gate --bundle "$db" --root "$pin" --rules examples/rules/city.json --now "$DCC_AT" --lang en --json "$hc1"
expect "gate: a traveller with an EU vaccination certificate, under the city rules" \
  '[ "$rc" -eq 0 ] && json_has verdict=admit code=vaccination.complete "text=vaccinated: dose 2 of 2, 103 days ago"'
cp "$db" "$dcc/hash.bundle"
run bundle revoke-credential --root "$root" --bundle "$db" --now 2021-06-07T20:20:00Z "$hc1"
expect "bundle revoke-credential with an HC1 code: revoked by its UVCI hash" '[ "$rc" -eq 0 ] && [[ $out == *"1 DSCs, 1 revoked"* ]]'
run verify --bundle "$db" --root "$pin" --now "$DCC_AT" --json "$hc1"
expect "verify --bundle: the revoked DCC, revoked.credential" '[ "$rc" -eq 1 ] && json_has error.code=revoked.credential'
uci_hash=$(python3 -c '
import base64, hashlib, json, sys
case = json.load(open(sys.argv[1]))
print(base64.b64encode(hashlib.sha256(case["JSON"]["v"][0]["ci"].encode()).digest()[:16]).decode())
' test-vectors/third-party/dgc-testdata/CZ/2DCode/raw/1.json)
run bundle revoke-credential --root "$root" --bundle "$dcc/hash.bundle" --now 2021-06-07T20:20:00Z --dcc-hash "UCI:$uci_hash"
run verify --bundle "$dcc/hash.bundle" --root "$pin" --now "$DCC_AT" --json "$hc1"
expect "bundle revoke-credential --dcc-hash UCI:BASE64 (an EU revocation list entry) revokes the DCC" \
  '[ "$rc" -eq 1 ] && json_has error.code=revoked.credential'
run bundle revoke-credential --root "$root" --bundle "$dcc/hash.bundle" --dcc-hash "UCI:not-base64"
expect "bundle revoke-credential --dcc-hash with a bad hash: usage error (exit 2)" '[ "$rc" -eq 2 ]'

# --- city ---------------------------------------------------------------------------
run city --people 3000 --png-sample 100 --out "$work/city/codes.txt"
expect "city: issues, draws and verifies every code, and says what it means (exit 0)" \
  '[ "$rc" -eq 0 ] && [[ $out == *"issued 3000 code texts"* ]] && [[ $out == *"verified 3000 codes (0 refused)"* ]] &&
   [[ $out == *"13 million residents"* ]] && [ "$(wc -l <"$work/city/codes.txt")" -eq 3000 ]'

# --- demo -----------------------------------------------------------------------
demo=$work/demo
run demo --out "$demo"
expect "demo exits 0 and says so" '[ "$rc" -eq 0 ] && [[ $out == *"Everything behaved as expected."* ]]'
expect "demo ends with three people at a gate" \
  '[[ $out == *"[ADMIT 通行]"* ]] && [[ $out == *"[DENY 禁止通行]"* ]] && [[ $out == *"test.too_old"* ]] && [[ $out == *"[CHECK ID 核验证件]"* ]]'
expect "demo refuses the code its bundle update revokes" '[[ $out == *"REFUSED revoked.credential"* ]]'
expect "demo writes its trust bundles" 'nonempty "$demo"/trust.bundle "$demo"/trust-2.bundle'
expect "demo writes a PNG per kind" \
  'nonempty "$demo"/{health_status,vaccination,test_result,recovery,access_pass}.png'
text=$(grep -m 1 '^QC1:' <<<"$out" || true)
expect "demo: zbarimg reads the health status PNG back to the code text it printed" \
  '[[ $text == QC1:* ]] && [ "$(zbar "$demo/health_status.png")" = "$text" ]'

echo "examples: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
