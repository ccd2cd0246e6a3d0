// EU DCC (HC1:) codes through the WebAssembly package (built with the
// `hcert` feature: p256 and rsa check the signatures there): every test
// code of test-vectors/third-party/dgc-testdata, against a trust bundle
// carrying their DSCs, gives the report the Rust library writes
// (tests/wasm.rs passes it in QRCRED_RUST_HCERT), field for field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Scanner } from '../pkg/qrcred.js';
import { hex } from './support.mjs';

/** The cases tests/wasm.rs wrote, or null (the test skips) outside it. */
function fixtureOf(t) {
  const path = process.env.QRCRED_RUST_HCERT;
  if (path) return JSON.parse(readFileSync(path, 'utf8'));
  t.skip('QRCRED_RUST_HCERT is not set: run through cargo test --test wasm');
  return null;
}

test('every EU DCC test code: the same report as the Rust library', (t) => {
  const fixture = fixtureOf(t);
  if (!fixture) return;
  const bundle = hex(fixture.bundle_hex);
  let valid = 0;
  for (const c of fixture.cases) {
    // A fresh scanner per code: each file has its own clock.
    const scanner = new Scanner({ bundle, root: fixture.root_pem, now: c.now_ms });
    const report = scanner.verify(c.text, c.now_ms, { lang: 'en' });
    assert.deepEqual(report, c.report, c.name);
    if (report.valid) {
      assert.equal(report.format, 'HC1', c.name);
      valid++;
    }
    scanner.free();
  }
  assert.ok(fixture.cases.length > 100, `${fixture.cases.length} cases`);
  assert.ok(valid > 50, `${valid} valid`);
});

test('DSCs as PEM (options.dscs) verify as a bundle\'s do', (t) => {
  const fixture = fixtureOf(t);
  if (!fixture) return;
  let compared = 0;
  for (const c of fixture.cases) {
    const scanner = new Scanner({ dscs: [c.dsc_pem] });
    const report = scanner.verify(c.text, c.now_ms, { lang: 'en' });
    // The bundle's labels are the built-in English ones, so the reports are equal.
    assert.deepEqual(report, c.report, c.name);
    compared++;
    scanner.free();
  }
  assert.ok(compared > 100);
  assert.throws(() => new Scanner({ dscs: ['not a PEM'] }), (e) => e.code === 'hcert.certificate');
});
