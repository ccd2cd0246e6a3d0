// The WebAssembly package's speed in headless Chromium beside the native
// build, in one run (the figures README gives):
//
//   bash web/build.sh && node web/tests/bench.mjs
//   QRCRED_WASM_PROFILE=1 bash web/build.sh && node web/tests/bench.mjs --profile   # where the time goes
//
// Runs `cargo bench --bench side_by_side` (native figures and the fixture),
// serves web/dist with the benchmark page (web/bench/), reads the page's
// figures, and prints both with their ratios and the targets. Sizes
// of the .wasm (gzip -9) are printed too. Timing is not a test: nothing
// here fails on a slow machine.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'web/dist');
if (!existsSync(join(dist, 'pkg/qrcred_wasm_bg.wasm'))) {
  console.error('web/dist is not built: run bash web/build.sh first');
  process.exit(2);
}
const cargo = execFileSync('cargo', ['bench', '--quiet', '--bench', 'side_by_side'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const { fixture, native } = JSON.parse(cargo.trim().split('\n').pop());

const { server, url } = await serve((path) => {
  if (path === 'bench/bench-fixture.json') return { body: JSON.stringify(fixture), type: 'application/json' };
  const file = path.startsWith('bench/') ? join(root, 'web', path) : join(dist, path);
  return existsSync(file) ? file : null;
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let wasm;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const profiling = process.argv.includes('--profile');
  const cdp = profiling ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
  }
  await page.goto(`${url}bench/index.html`);
  await page.waitForSelector('#results[data-done]', { timeout: 120000 });
  wasm = JSON.parse(await page.textContent('#results'));
  if (cdp) {
    // Self time by function over the whole run (verify, decide and scanFrame rounds).
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map();
    let total = 0;
    for (const node of profile.nodes) {
      const name = node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'program'})`;
      self.set(name, (self.get(name) ?? 0) + (node.hitCount ?? 0));
      total += node.hitCount ?? 0;
    }
    console.log('profile: self time by function, share of samples');
    for (const [name, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
} finally {
  await browser.close();
  server.close();
}

const size = (path) => {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const full = size(join(dist, 'pkg/qrcred_wasm_bg.wasm'));
const verifyOnlyPath = join(root, 'bindings/wasm/pkg-verify-only/qrcred_wasm_bg.wasm');
const verifyOnly = existsSync(verifyOnlyPath) ? size(verifyOnlyPath) : null;

const rows = [
  ['verify', 'verify_us', 'µs', (w, n) => `${(w / n).toFixed(2)}× native (target ≤ 3×)`],
  ['decide (verify + rules)', 'decide_us', 'µs', (w, n) => `${(w / n).toFixed(2)}× native`],
  ['scanFrame 640×480, a code', 'scan_frame_640x480_code_ms', 'ms', (w, n) => `${(w / n).toFixed(2)}× native (target ≤ 15 ms)`],
  ['scanFrame 640×480, no code', 'scan_frame_640x480_empty_ms', 'ms', (w, n) => `${(w / n).toFixed(2)}× native (target ≤ 15 ms)`],
];
console.log(`Chromium: ${wasm.user_agent}`);
console.log('| operation | native | WebAssembly in Chromium | ratio |');
console.log('|---|---|---|---|');
for (const [name, key, unit, ratio] of rows) {
  console.log(`| ${name} | ${native[key].toFixed(2)} ${unit} | ${wasm[key].toFixed(2)} ${unit} | ${ratio(wasm[key], native[key])} |`);
}
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`\n.wasm, scan + verify + decide + issue + SVG: ${kib(full.bytes)}, ${kib(full.gzip)} gzip -9 (target ≤ 600 KiB gzip)`);
if (verifyOnly) console.log(`.wasm, verify + decide only (build.sh --verify-only): ${kib(verifyOnly.bytes)}, ${kib(verifyOnly.gzip)} gzip -9`);
console.log(JSON.stringify({ native, wasm, size: { full, verify_only: verifyOnly } }));
