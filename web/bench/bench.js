// The package's speed in a browser: median time per call over repeated
// runs. Reads the fixture (bench-fixture.json: a trust list, a valid code,
// rules) written by web/tests/bench.mjs, and writes the figures as JSON
// into <pre id="results" data-done>.
import { Scanner, scanFrame, renderSvg } from '../pkg/qrcred.js';

const fixture = await (await fetch('bench-fixture.json')).json();

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median microseconds per call of `f`, over `rounds` rounds of `n` calls,
 * after a warm-up of at least 1 s: Chromium runs WebAssembly first from its
 * baseline compiler and swaps in optimised code for hot functions later.
 */
function measure(f, n, rounds = 15) {
  const warm = performance.now();
  while (performance.now() - warm < 1000) f();
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    per.push(((performance.now() - t0) * 1000) / n);
  }
  return median(per);
}

async function frameWithCode(text, px) {
  const svg = renderSvg(text, { modulePx: px });
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  await image.decode();
  const canvas = new OffscreenCanvas(640, 480);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#969696';
  context.fillRect(0, 0, 640, 480);
  context.drawImage(image, (640 - image.width) / 2, (480 - image.height) / 2);
  return context.getImageData(0, 0, 640, 480).data;
}

const now = Date.parse(fixture.now);
const scanner = new Scanner({ trust: fixture.trust, rules: fixture.rules });
const check = scanner.verify(fixture.text, now);
if (!check.valid) throw new Error(`the fixture code does not verify: ${check.error.code}`);
const withCode = await frameWithCode(fixture.text, 4);
if (scanFrame(640, 480, withCode)[0] !== fixture.text) throw new Error('the frame with the code does not scan');
const empty = new Uint8ClampedArray(640 * 480 * 4).fill(150);
const results = {
  user_agent: navigator.userAgent,
  verify_us: measure(() => scanner.verify(fixture.text, now), 200),
  decide_us: measure(() => scanner.decide([fixture.text], { site: 'XA-0001', lang: 'zh' }, now), 200),
  scan_frame_640x480_code_ms: measure(() => scanFrame(640, 480, withCode), 3, 11) / 1000,
  scan_frame_640x480_empty_ms: measure(() => scanFrame(640, 480, empty), 3, 11) / 1000,
};
const out = document.getElementById('results');
out.textContent = JSON.stringify(results, null, 2);
out.dataset.done = 'true';
