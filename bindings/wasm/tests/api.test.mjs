// The package's API from JavaScript: issue and verify, decisions, trust
// state across restarts (rollback refused), camera frames, and hostile
// arguments (every failure has a stable code, none is an untyped exception).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scanner, Issuer, scanFrame, renderSvg, QrcredError } from '../pkg/qrcred.js';
import { hex, vector, pkcs8Pem, frame, rgba, stateBytes } from './support.mjs';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const KEY = vector('valid/access_pass_resident.json').keys[0];
const issuer = Issuer.fromPem(pkcs8Pem(KEY.seed), 'CN-SN-XA');
const credential = {
  subject: { family_name: '王', given_name: '小明', birth_date: '1990-03-15' },
  health_status: { colour: 'green' },
};
const rules = { version: 1, name: 'status-24h', require: { health_status: { max_age_hours: 24, yellow: 'deny' } } };
const trust = [{ public_key: issuer.publicKeyPem(), issuer: 'CN-SN-XA' }];

const throwsCode = (f, code) => assert.throws(f, (e) => e instanceof QrcredError && e.code === code, `expected ${code}`);

test('a code issued here verifies, decides and scans', () => {
  assert.equal(issuer.kid, KEY.kid);
  const text = issuer.issue(credential, 86400, NOW - 3600_000);
  assert.match(text, /^QC1:[0-9A-Z $%*+\-./:]+$/);
  const scanner = new Scanner({ trust, rules });
  const report = scanner.verify(text, NOW);
  assert.equal(report.valid, true);
  assert.equal(report.kind, 'health_status');
  assert.deepEqual(report.credential.health_status, { colour: 'green' });
  const decision = scanner.decide(text, { lang: 'zh' }, NOW);
  assert.equal(decision.verdict, 'admit');
  assert.equal(decision.code, 'status.green');
  assert.equal(decision.colour, 'green');
  assert.deepEqual(decision.revocation_ids, [report.revocation_id]);
  const svg = renderSvg(text, { ecc: 'M', modulePx: 4 });
  assert.ok(svg.startsWith('<svg'));
  const luma = frame(svg, { px: 3 });
  assert.deepEqual(scanFrame(640, 480, luma), [text]);
  assert.deepEqual(scanFrame(640, 480, rgba(luma)), [text]);
  assert.deepEqual(scanFrame(640, 480, new Uint8ClampedArray(rgba(luma))), [text]);
  assert.deepEqual(scanFrame(640, 480, new Uint8Array(640 * 480).fill(128)), []);
});

test('refusals are results with codes, in the language asked for', () => {
  const scanner = new Scanner({ trust, rules });
  const expired = issuer.issue(credential, 60, NOW - 3600_000);
  assert.equal(scanner.verify(expired, NOW).error.code, 'time.expired');
  assert.equal(scanner.verify(expired, NOW, { lang: 'zh' }).error.label, '凭证码已过期');
  const d = scanner.decide([expired], { lang: 'en' }, NOW);
  assert.deepEqual([d.verdict, d.code, d.rule], ['deny', 'time.expired', 'verification']);
  const text = issuer.issue(credential, 86400, NOW);
  const flipped = text.slice(0, 40) + (text[40] === 'A' ? 'B' : 'A') + text.slice(41);
  assert.equal(scanner.decide([flipped], {}, NOW).verdict, 'deny');
  // Arguments of the wrong kind.
  assert.equal(scanner.verify(42, NOW).error.code, 'options.invalid');
  assert.equal(scanner.verify(text, NaN).error.code, 'time.out_of_range');
  assert.equal(scanner.verify(text, 1e300).error.code, 'time.out_of_range');
  // A long text is refused as a whole would be (only the first 4,297 code units are copied in).
  const long = scanner.verify('x'.repeat(1 << 24), NOW);
  assert.deepEqual(long, scanner.verify('x'.repeat(4297), NOW));
  assert.equal(long.error.code, 'limits.text_too_long');
  assert.equal(scanner.verify(`QC1:${'€'.repeat(2000)}`, NOW).error.code, 'limits.text_too_long');
  assert.equal(new Scanner({ trust, limits: { max_text_len: 10 } }).verify(text, NOW).error.code, 'limits.text_too_long');
  const cycle = {};
  cycle.self = cycle;
  throwsCode(() => new Scanner({ trust, rules: cycle }), 'options.invalid');
  throwsCode(() => issuer.issue(cycle, 60, NOW), 'options.invalid');
  throwsCode(() => issuer.issue({ n: 1n }, 60, NOW), 'options.invalid');
  throwsCode(() => scanner.decide([1, 2], {}, NOW), 'options.invalid');
  throwsCode(() => scanner.verify(text, 'yesterday'), 'options.invalid');
  const many = scanner.decide(Array(9).fill(text), {}, NOW);
  assert.deepEqual([many.verdict, many.code], ['deny', 'limits.field_too_long']);
  throwsCode(() => new Scanner({ trust }).decide(text, {}, NOW), 'options.invalid');
  throwsCode(() => new Scanner({ trust: [{ public_key: 'zz', issuer: 'X' }] }), 'key.invalid_encoding');
  throwsCode(() => new Scanner({ trust, colour: 'green' }), 'options.invalid');
  throwsCode(() => new Scanner({ rules: '{"version": 1,' }), 'rules.malformed');
  throwsCode(() => new Scanner({ bundle: new Uint8Array([1, 2, 3]) }), 'options.invalid');
  throwsCode(() => new Scanner({ bundle: 'not bytes', root: KEY.public_key }), 'options.invalid');
  throwsCode(() => new Scanner(null), 'options.invalid');
});

test('camera frames of the wrong shape are refused without reading past them', () => {
  throwsCode(() => scanFrame(640, 480, new Uint8Array(10)), 'scan.buffer_size');
  throwsCode(() => scanFrame(0xffffffff, 0xffffffff, new Uint8Array(16)), 'scan.buffer_size');
  throwsCode(() => scanFrame(1.5, 2, new Uint8Array(3)), 'options.invalid');
  throwsCode(() => scanFrame(-1, 2, new Uint8Array(0)), 'options.invalid');
  throwsCode(() => scanFrame(4, 4, 'pixels'), 'options.invalid');
  throwsCode(() => scanFrame(8192, 8192, new Uint8Array(8192 * 8192)), 'limits.image_too_large');
  throwsCode(() => scanFrame(4097, 4097, new Uint8Array(4097 * 4097)), 'limits.image_too_large');
  throwsCode(() => scanFrame(4097, 4097, new Uint8Array(5)), 'scan.buffer_size');
  throwsCode(() => scanFrame(0, 0, new Uint8Array(0)), 'scan.empty_image');
});

test('the issuer refuses bad keys and credentials with codes', () => {
  throwsCode(() => Issuer.fromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'X'), 'key.invalid_encoding');
  throwsCode(() => Issuer.fromPem(pkcs8Pem(KEY.seed), ''), 'options.invalid');
  throwsCode(() => issuer.issue({ subject: {} }, 60, NOW), 'options.invalid');
  throwsCode(() => issuer.issue({ ...credential, subject: { ...credential.subject, family_name: 'a\u202eb' } }, 60, NOW), 'claims.invisible_char');
  throwsCode(() => issuer.issue(credential, -5, NOW), 'time.out_of_range');
  throwsCode(() => issuer.issue(credential, 60, Infinity), 'time.out_of_range');
  throwsCode(() => renderSvg('QC1:lower case'), 'render.not_alphanumeric');
  throwsCode(() => renderSvg(`QC1:${'A'.repeat(5000)}`), 'render.too_long');
  throwsCode(() => renderSvg('QC1:AB', { ecc: 'X' }), 'options.invalid');
});

test('the trust state survives a restart: older and reused bundles are refused', () => {
  const announced = vector('bundle/bundle_rotation_announced.json');
  const nextSigns = vector('bundle/bundle_rotation_next_root_signs.json');
  const base = vector('bundle/bundle_valid.json');
  const rootA = announced.state.roots[0];
  const first = new Scanner({ bundle: hex(announced.bundle_hex), root: rootA, now: Date.parse(announced.now) });
  assert.equal(first.bundle().sequence, 7);
  const afterFirst = first.state();
  // Another bundle under the sequence number already held: refused after a restart.
  throwsCode(
    () => new Scanner({ bundle: hex(base.bundle_hex), state: afterFirst, now: Date.parse(base.now) }),
    'trust.sequence_reused',
  );
  // The next bundle, signed by the root the first one announced, is taken...
  const second = new Scanner({ bundle: hex(nextSigns.bundle_hex), state: afterFirst, now: Date.parse(nextSigns.now) });
  assert.equal(second.bundle().sequence, 8);
  const afterSecond = second.state();
  // ...and from then on the old root's bundles are refused, at a restart and while running.
  throwsCode(
    () => new Scanner({ bundle: hex(announced.bundle_hex), state: afterSecond, now: Date.parse(nextSigns.now) }),
    'trust.unknown_root',
  );
  const loaded = second.loadBundle(hex(announced.bundle_hex), Date.parse(nextSigns.now), { lang: 'en' });
  assert.equal(loaded.ok, false);
  assert.equal(loaded.error.code, 'trust.unknown_root');
  assert.equal(typeof loaded.error.label, 'string');
  assert.equal(second.bundle().sequence, 8);
  // The same bundle again is fine.
  const again = new Scanner({ bundle: hex(nextSigns.bundle_hex), state: afterSecond, now: Date.parse(nextSigns.now) });
  assert.equal(again.bundle().sequence, 8);
  // A held sequence above the bundle's: rollback.
  const rollback = vector('bundle/bundle_rollback.json');
  throwsCode(
    () => new Scanner({ bundle: hex(rollback.bundle_hex), state: stateBytes(rollback.state), now: Date.parse(rollback.now) }),
    'trust.rollback',
  );
  // A clock set back behind what the state has seen.
  const state = second.state();
  throwsCode(
    () => new Scanner({ bundle: hex(nextSigns.bundle_hex), state, now: Date.parse('2026-11-01T00:00:00Z') }),
    'time.clock_behind',
  );
  throwsCode(() => new Scanner({ bundle: hex(nextSigns.bundle_hex), state: new Uint8Array([0xff]) }), 'cbor.malformed');
  throwsCode(() => new Scanner({ trust }).state(), 'options.invalid');
});

test('npm install of the package, then import from "qrcred"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qrcred-npm-'));
  try {
    const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
    writeFileSync(join(dir, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', pkg], { cwd: dir, stdio: 'pipe' });
    const script = "import { Scanner, scanFrame, Issuer, renderSvg, QrcredError } from 'qrcred';"
      + "console.log([Scanner, scanFrame, Issuer, renderSvg, QrcredError].map((f) => typeof f).join(','));";
    writeFileSync(join(dir, 'main.mjs'), script);
    const out = execFileSync('node', ['main.mjs'], { cwd: dir, encoding: 'utf8' });
    assert.equal(out.trim(), 'function,function,function,function,function');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
