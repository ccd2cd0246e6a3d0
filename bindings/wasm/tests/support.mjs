// Helpers of the package's Node tests and of the browser test's fixtures:
// test keys, and a rasteriser of the SVG renderSvg() writes (its path of
// `M{x} {y}h{w}v1h-{w}z` runs), so frames are drawn without a canvas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const vectors = fileURLToPath(new URL('../../../test-vectors/', import.meta.url));

export const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

export function vector(path) {
  return JSON.parse(readFileSync(vectors + path, 'utf8'));
}

/** The PKCS#8 PEM of an Ed25519 seed (RFC 8410), for the public test keys of test-vectors/. */
export function pkcs8Pem(seedHex) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

/** The dark modules of a renderSvg() document: {size, dark: Set of "x,y"}. */
export function modules(svg) {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)[1]);
  const dark = [];
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < w; i++) dark.push([x + i, y]);
  }
  return { size, dark };
}

/**
 * A luma frame of `width` × `height` with the symbol drawn at `px` pixels a
 * module, its top left corner at (`left`, `top`), on `background` grey.
 */
export function frame(svg, { width = 640, height = 480, px = 4, left, top, background = 200 } = {}) {
  const { size, dark } = modules(svg);
  const side = size * px;
  const x0 = left ?? Math.floor((width - side) / 2);
  const y0 = top ?? Math.floor((height - side) / 2);
  const luma = new Uint8Array(width * height).fill(background);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const fx = x0 + x;
      const fy = y0 + y;
      if (fx >= 0 && fy >= 0 && fx < width && fy < height) luma[fy * width + fx] = 255;
    }
  }
  for (const [mx, my] of dark) {
    for (let y = 0; y < px; y++) {
      for (let x = 0; x < px; x++) {
        const fx = x0 + mx * px + x;
        const fy = y0 + my * px + y;
        if (fx >= 0 && fy >= 0 && fx < width && fy < height) luma[fy * width + fx] = 20;
      }
    }
  }
  return luma;
}

/** RGBA (ImageData layout) of a luma frame. */
export function rgba(luma) {
  const out = new Uint8Array(luma.length * 4);
  for (let i = 0; i < luma.length; i++) {
    out[4 * i] = luma[i];
    out[4 * i + 1] = luma[i];
    out[4 * i + 2] = luma[i];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A CBOR head, shortest form (RFC 8949 §3). */
function head(out, major, n) {
  const m = major << 5;
  const big = BigInt(n);
  if (big < 24n) out.push(m | Number(big));
  else if (big < 0x100n) out.push(m | 24, Number(big));
  else if (big < 0x10000n) out.push(m | 25, Number(big >> 8n), Number(big & 0xffn));
  else if (big < 0x100000000n) out.push(m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((big >> s) & 0xffn)));
  else out.push(m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((big >> s) & 0xffn)));
}

/** The persisted state of SPEC.md §12.5: {1: [roots], 2: sequence, 3: newest_seen, 4: digest}. */
export function stateBytes(s) {
  const out = [];
  head(out, 5, 1 + (s.sequence !== null) + (s.newest_seen !== null) + ((s.bundle_digest ?? null) !== null));
  head(out, 0, 1);
  head(out, 4, s.roots.length);
  for (const r of s.roots) {
    head(out, 2, r.length / 2);
    out.push(...hex(r));
  }
  if (s.sequence !== null) {
    head(out, 0, 2);
    head(out, 0, s.sequence);
  }
  if (s.newest_seen !== null) {
    head(out, 0, 3);
    const t = Math.floor(Date.parse(s.newest_seen) / 1000);
    if (t >= 0) head(out, 0, t);
    else head(out, 1, -t - 1);
  }
  if ((s.bundle_digest ?? null) !== null) {
    head(out, 0, 4);
    head(out, 2, s.bundle_digest.length / 2);
    out.push(...hex(s.bundle_digest));
  }
  return Uint8Array.from(out);
}

