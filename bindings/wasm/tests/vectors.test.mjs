// Every file of test-vectors/ (valid, invalid, bundle, rules) through the
// WebAssembly package, as a JavaScript scanner uses it: the same verdicts
// and the same error codes as the Rust tests (tests/vectors.rs) expect.
// Run: bash bindings/wasm/build.sh && node --test bindings/wasm/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Scanner, QrcredError } from '../pkg/qrcred.js';
import { hex, stateBytes } from './support.mjs';

const vectors = fileURLToPath(new URL('../../../test-vectors/', import.meta.url));

function load(dir) {
  const names = readdirSync(vectors + dir).filter((n) => n.endsWith('.json')).sort();
  assert.ok(names.length > 0, `no vectors in ${dir}`);
  return names.map((n) => [n.slice(0, -5), JSON.parse(readFileSync(`${vectors}${dir}/${n}`, 'utf8'))]);
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const ms = (rfc3339) => Date.parse(rfc3339);

/** What a case's `expected` holds of a valid result, from the package's report. */
function validPart(report, withBundleFields) {
  const out = {
    valid: true,
    kind: report.kind,
    issuer: report.issuer,
    kid: report.kid,
    issued_at: report.issued_at,
    valid_from: report.valid_from,
    expires_at: report.expires_at,
    cti: report.cti,
    credential: report.credential,
  };
  if (withBundleFields) {
    out.issuer_name = report.issuer_name ?? null;
    out.warnings = report.warnings.map((w) => w.code);
  }
  return out;
}

function expectReport(report, expected, withBundleFields = false) {
  if (expected.valid) {
    assert.equal(report.valid, true, `refused: ${JSON.stringify(report.error)}`);
    assert.deepEqual(validPart(report, withBundleFields), expected);
    assert.match(report.revocation_id, /^[0-9a-f]{16}$/);
  } else {
    assert.equal(report.valid, false, 'accepted a code the vector refuses');
    assert.equal(report.error.code, expected.error);
    assert.equal(typeof report.error.message, 'string');
  }
}

for (const dir of ['valid', 'invalid']) {
  test(`every ${dir}/ vector`, () => {
    for (const [name, c] of load(dir)) {
      const scanner = new Scanner({ trust: c.trust, clockSkewSeconds: c.skew_seconds, limits: c.limits });
      const report = c.text !== undefined
        ? scanner.verify(c.text, ms(c.now))
        : scanner.verifyPayload(hex(c.payload_hex), ms(c.now));
      try {
        expectReport(report, c.expected);
      } catch (e) {
        e.message = `${dir}/${name}: ${e.message}`;
        throw e;
      }
      scanner.free();
    }
  });
}

// The exact JSON the Rust library writes for each case (tests/wasm.rs passes
// it in QRCRED_RUST_REPORTS): the package must write the same, field for field.
test('the same report JSON as the Rust library, for every valid/ and invalid/ vector', (t) => {
  const path = process.env.QRCRED_RUST_REPORTS;
  if (!path) {
    t.skip('QRCRED_RUST_REPORTS is not set: run through cargo test --test wasm');
    return;
  }
  const rust = JSON.parse(readFileSync(path, 'utf8'));
  let compared = 0;
  for (const dir of ['valid', 'invalid']) {
    for (const [name, c] of load(dir)) {
      const scanner = new Scanner({ trust: c.trust, clockSkewSeconds: c.skew_seconds, limits: c.limits });
      const report = c.text !== undefined
        ? scanner.verify(c.text, ms(c.now), { lang: 'en' })
        : scanner.verifyPayload(hex(c.payload_hex), ms(c.now), { lang: 'en' });
      assert.deepEqual(report, rust[name], `${dir}/${name}`);
      compared++;
      scanner.free();
    }
  }
  assert.equal(compared, Object.keys(rust).length);
});

// --- trust bundles -------------------------------------------------------

/** Reads the state map back: only what §12.5 writes (uints, negative ints, byte strings, one array). */
function readState(bytes) {
  let i = 0;
  const arg = () => {
    const b = bytes[i++];
    const info = b & 31;
    let n = 0n;
    if (info < 24) n = BigInt(info);
    else {
      const len = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
      assert.ok(len, `unexpected CBOR head ${b}`);
      for (let k = 0; k < len; k++) n = (n << 8n) | BigInt(bytes[i++]);
    }
    return [b >> 5, n];
  };
  const item = () => {
    const [major, n] = arg();
    if (major === 0) return Number(n);
    if (major === 1) return -1 - Number(n);
    if (major === 2) {
      const v = bytes.slice(i, i + Number(n));
      i += Number(n);
      return toHex(v);
    }
    if (major === 4) return Array.from({ length: Number(n) }, item);
    if (major === 5) {
      const m = {};
      for (let k = 0; k < Number(n); k++) m[item()] = item();
      return m;
    }
    throw new Error(`unexpected CBOR major type ${major}`);
  };
  const m = item();
  assert.equal(i, bytes.length, 'trailing bytes after the state');
  const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  return {
    roots: [...m[1]].sort(),
    sequence: m[2] ?? null,
    newest_seen: m[3] === undefined ? null : iso(m[3]),
    bundle_digest: m[4] ?? null,
  };
}

test('every bundle/ vector', () => {
  for (const [name, c] of load('bundle')) {
    try {
      const options = {
        bundle: hex(c.bundle_hex),
        state: stateBytes(c.state),
        clockSkewSeconds: c.skew_seconds,
        limits: c.limits,
        now: ms(c.now),
      };
      if (c.verify?.stale_policy) {
        options.stale = { graceSeconds: c.verify.stale_policy.grace_seconds, refuse: c.verify.stale_policy.refuse };
      }
      if (!c.expected.ok) {
        assert.throws(() => new Scanner(options), (e) => e instanceof QrcredError && e.code === c.expected.error);
        continue;
      }
      const scanner = new Scanner(options);
      const info = scanner.bundle();
      const want = c.expected;
      assert.deepEqual(
        [info.sequence, info.issued_at, info.expires_at, info.signed_by, info.keys, info.revoked],
        [want.sequence, want.issued_at, want.expires_at, want.signed_by, want.keys, want.revoked],
      );
      const after = { ...want.state_after, roots: [...want.state_after.roots].sort() };
      after.bundle_digest ??= null;
      assert.deepEqual(readState(scanner.state()), after);
      if (c.verify) expectReport(scanner.verify(c.verify.text, ms(c.verify.now)), c.verify.expected, true);
      scanner.free();
    } catch (e) {
      e.message = `bundle/${name}: ${e.message}`;
      throw e;
    }
  }
});

// --- entry rules ---------------------------------------------------------

test('every rules/ vector', () => {
  let decided = 0;
  let refused = 0;
  for (const [name, c] of load('rules')) {
    try {
      if (c.codes) {
        const scanner = new Scanner({ trust: c.trust, rules: c.rules });
        const texts = c.codes.map((code) => code.text);
        const gate = { site: c.gate.site ?? undefined };
        const en = scanner.decide(texts, { ...gate, lang: 'en' }, ms(c.gate.now));
        const zh = scanner.decide(texts, { ...gate, lang: 'zh' }, ms(c.gate.now));
        assert.equal(scanner.decisionText('en'), en.text);
        const { id_numbers: idNumbers, ...want } = c.expected;
        for (const { number, matches } of idNumbers ?? []) {
          assert.equal(scanner.matchesId(number), matches, `ID number ${number}`);
        }
        assert.deepEqual(
          {
            verdict: en.verdict,
            reason: en.code,
            rule: en.rule,
            rule_set: en.rule_set,
            colour: en.colour ?? null,
            name: en.name ?? null,
            text_en: en.text,
            text_zh: zh.text,
          },
          want,
        );
        assert.equal(zh.verdict, en.verdict);
        decided++;
        scanner.free();
      } else if (c.rules_json !== undefined) {
        assert.throws(() => new Scanner({ rules: c.rules_json }), (e) => e instanceof QrcredError && e.code === c.expected.error);
        refused++;
      } else {
        const b = c.bundle;
        const options = { bundle: hex(b.bundle_hex), roots: b.roots.map((r) => r.public_key), now: ms(b.now) };
        assert.throws(() => new Scanner(options), (e) => e instanceof QrcredError && e.code === c.expected.error);
        refused++;
      }
    } catch (e) {
      e.message = `rules/${name}: ${e.message}`;
      throw e;
    }
  }
  assert.ok(decided > 0 && refused > 0);
});
