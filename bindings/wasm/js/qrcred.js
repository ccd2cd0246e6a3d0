// qrcred for JavaScript: verify signed health and access codes offline,
// decide at the door, scan camera frames, and issue codes.
//
// The WebAssembly core is the Rust library itself (bindings/wasm/src); this
// module gives it a JavaScript API. Every failure carries a stable code:
// verify() and loadBundle() return it in their result; the constructor,
// decide(), scanFrame(), Issuer and renderSvg() throw a QrcredError with
// `.code` (SPEC.md §9, or `options.invalid` for arguments of the wrong
// type). Times are milliseconds since the epoch (Date.now()); nothing here
// reads a clock unless a time is left out.

import init, {
  initSync,
  Scanner as RawScanner,
  Issuer as RawIssuer,
  scanFrame as rawScanFrame,
  renderSvg as rawRenderSvg,
} from './qrcred_wasm.js';

const wasmUrl = new URL('./qrcred_wasm_bg.wasm', import.meta.url);
if (wasmUrl.protocol === 'file:' && typeof process !== 'undefined' && process.versions && process.versions.node) {
  // Node reads the file; fetch() has no file: URLs there.
  const { readFile } = await import('node:fs/promises');
  initSync({ module: await readFile(wasmUrl) });
} else {
  await init({ module_or_path: wasmUrl });
}

/** A failure with a stable code (`key.unknown_kid`, `trust.rollback`, `scan.buffer_size`, ...). */
export class QrcredError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'QrcredError';
    this.code = code;
    this.detail = message;
  }
}

function invalid(message) {
  return new QrcredError('options.invalid', message);
}

/** Runs `f`, turning the core's thrown `{"code","message"}` text into a QrcredError. */
function guarded(f) {
  try {
    return f();
  } catch (e) {
    if (typeof e === 'string') {
      let parsed;
      try {
        parsed = JSON.parse(e);
      } catch {
        throw invalid(e);
      }
      throw new QrcredError(parsed.code, parsed.message);
    }
    throw e;
  }
}

function bytesOf(value, name) {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Uint8ClampedArray) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw invalid(`${name} must be a Uint8Array or an ArrayBuffer`);
}

function millis(now, name = 'now') {
  if (now === undefined || now === null) return Date.now();
  if (now instanceof Date) return now.getTime();
  if (typeof now === 'number') return now;
  throw invalid(`${name} must be milliseconds since the epoch (a number) or a Date`);
}

function optionalString(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

/** JSON text of `value`, or `options.invalid` for what JSON cannot hold (cycles, BigInt). */
function jsonOf(value, name) {
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw invalid(`${name} cannot be written as JSON: ${e.message}`);
  }
}

// The library's default limits (SPEC.md §5.3), for checks made before
// anything is copied into WebAssembly memory.
const DEFAULT_MAX_TEXT_LEN = 4296;
const MAX_CODES_PER_PERSON = 8;
const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;

function refused(code, message) {
  return { valid: false, error: { code, message } };
}

const SCANNER_OPTIONS = new Set(['bundle', 'root', 'roots', 'state', 'rules', 'trust', 'dscs', 'clockSkewSeconds', 'limits', 'stale', 'now']);

/**
 * A door scanner: the keys it trusts (a signed trust bundle checked against
 * pinned roots, and/or a plain trust list), the entry rules, and the state
 * that must persist between runs (rollback and clock-behind protection).
 */
export class Scanner {
  #raw;
  #maxText;

  /** At most one code unit more than the text limit: a UTF-16 code unit is at least one UTF-8 byte. */
  #clip(text) {
    return text.length > this.#maxText ? text.slice(0, this.#maxText + 1) : text;
  }

  /**
   * @param {object} options
   * @param {Uint8Array} [options.bundle] a trust bundle file (`trust.bundle`)
   * @param {string|string[]} [options.root] pinned root public key(s), SPKI PEM or 64 hex digits
   * @param {Uint8Array} [options.state] the bytes `state()` returned last time
   * @param {object|string} [options.rules] a local entry rule set (an object, or its JSON text), instead of the bundle's
   * @param {object[]} [options.trust] a plain trust list: `{public_key (hex or PEM), issuer, display_name?, valid_from?, valid_until?, kinds?}`
   * @param {string[]} [options.dscs] Document Signer Certificates for `HC1:` codes, each a PEM text of one or more
   *   (a bundle's DSCs count too)
   * @param {number} [options.clockSkewSeconds] default 300
   * @param {object} [options.limits] limits replacing the defaults (`max_text_len`, ...)
   * @param {{graceSeconds: number, refuse: boolean}} [options.stale] stale-trust policy (default: warn)
   * @param {number|Date} [options.now] when the bundle is loaded (default: now)
   */
  constructor(options = {}) {
    if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
    for (const name of Object.keys(options)) {
      if (!SCANNER_OPTIONS.has(name)) throw invalid(`unknown option ${JSON.stringify(name)}`);
    }
    const roots = [].concat(options.root ?? [], options.roots ?? []);
    for (const pem of roots) {
      if (typeof pem !== 'string') throw invalid('root must be a PEM string or an array of them');
    }
    const stale = options.stale && { grace_seconds: options.stale.graceSeconds ?? 0, refuse: Boolean(options.stale.refuse) };
    const json = jsonOf({
      roots,
      trust: options.trust ?? [],
      dscs: options.dscs ?? [],
      rules: typeof options.rules === 'string' ? undefined : options.rules,
      rules_json: typeof options.rules === 'string' ? options.rules : undefined,
      clock_skew_seconds: options.clockSkewSeconds,
      limits: options.limits,
      stale,
    }, 'options');
    // A text longer than the limit is refused whatever follows (limits.text_too_long,
    // whose message names only the limit): only that much of it is copied in.
    const maxText = options.limits?.max_text_len;
    this.#maxText = Number.isSafeInteger(maxText) && maxText >= 0 ? maxText : DEFAULT_MAX_TEXT_LEN;
    const bundle = bytesOf(options.bundle, 'bundle');
    const state = bytesOf(options.state, 'state');
    const now = millis(options.now);
    this.#raw = guarded(() => new RawScanner(json, bundle, state, now));
  }

  /**
   * Verifies one code text: `{valid: true, kind, issuer, issuer_name?, kid, revocation_id, issued_at,
   * valid_from, expires_at, cti, warnings, credential}` or `{valid: false, error: {code, message, label?}}`.
   */
  verify(text, nowMs, { lang } = {}) {
    if (typeof text !== 'string') return refused('options.invalid', 'the code text must be a string');
    const now = millis(nowMs);
    return JSON.parse(this.#raw.verify(this.#clip(text), now, optionalString(lang, 'lang')));
  }

  /** Verifies the bytes a code's Base45 carries (a zlib stream or COSE_Sign1), as verify() does. */
  verifyPayload(payload, nowMs, { lang } = {}) {
    const bytes = bytesOf(payload, 'payload') ?? new Uint8Array(0);
    return JSON.parse(this.#raw.verifyPayload(bytes, millis(nowMs), optionalString(lang, 'lang')));
  }

  /**
   * Decides for one person presenting `texts` (one code or an array of them):
   * `{verdict: 'admit'|'check_id'|'deny', code, text, rule, rule_set, colour?, name?, revocation_ids}`.
   */
  decide(texts, { site, lang = 'zh' } = {}, nowMs) {
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
      throw invalid('texts must be a string or an array of strings');
    }
    // More codes than one person may present deny whatever they hold: only
    // one past the limit is copied in.
    const json = JSON.stringify(list.slice(0, MAX_CODES_PER_PERSON + 1).map((t) => this.#clip(t)));
    const siteText = optionalString(site, 'site');
    const langText = optionalString(lang, 'lang') ?? 'zh';
    const now = millis(nowMs);
    return JSON.parse(guarded(() => this.#raw.decide(json, siteText, langText, now)));
  }

  /** The reason of the last decide() in `lang` ('zh' or 'en'), without deciding again; undefined before one. */
  decisionText(lang) {
    return this.#raw.decisionText(String(lang));
  }

  /**
   * After a `check_id` verdict from decide(): whether the number on the
   * person's ID document matches the codes that decided. False after any
   * other verdict.
   */
  matchesId(idNumber) {
    if (typeof idNumber !== 'string') throw invalid('idNumber must be a string');
    return this.#raw.matchesId(idNumber);
  }

  /** Loads a newer trust bundle: `{ok: true, bundle: {...}}` or `{ok: false, error: {code, message, label?}}`. */
  loadBundle(bytes, nowMs, { lang } = {}) {
    const data = bytesOf(bytes, 'bundle') ?? new Uint8Array(0);
    return JSON.parse(this.#raw.loadBundle(data, millis(nowMs), optionalString(lang, 'lang')));
  }

  /** The loaded bundle (`{sequence, issued_at, expires_at, signed_by, keys, revoked, rules}`) or null. */
  bundle() {
    return JSON.parse(this.#raw.bundle());
  }

  /** The trust state to persist and hand back to the next `new Scanner({state})`. */
  state() {
    return guarded(() => this.#raw.state());
  }

  /** The newest issue time seen, in milliseconds, or undefined. */
  newestSeen() {
    return this.#raw.newestSeen();
  }

  /** The label of an error or reason code in `lang` ('zh' or 'en'), or undefined. */
  label(code, lang = 'zh') {
    return this.#raw.label(String(code), String(lang));
  }

  /** Frees the WebAssembly memory now instead of when the object is collected. */
  free() {
    this.#raw.free();
  }
}

/**
 * The QR code texts in a camera frame: `pixels` is RGBA (ImageData.data) or
 * luma, `width` × `height` pixels. Throws `scan.buffer_size` for a buffer of
 * another length.
 */
export function scanFrame(width, height, pixels) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0 || width > 0xffffffff || height > 0xffffffff) {
    throw invalid('width and height must be non-negative integers');
  }
  const bytes = bytesOf(pixels, 'pixels') ?? new Uint8Array(0);
  const area = width * height;
  if (area > MAX_IMAGE_PIXELS && (bytes.length === area || bytes.length === 4 * area)) {
    // Refused before the buffer is copied into WebAssembly memory, as the core would refuse it.
    throw new QrcredError('limits.image_too_large', `the image is ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS} pixels allowed`);
  }
  return JSON.parse(guarded(() => rawScanFrame(width, height, bytes)));
}

/** An issuer: a private key (PKCS#8 PEM) and the issuer id its trust entries name. */
export class Issuer {
  #raw;

  constructor(raw) {
    if (!(raw instanceof RawIssuer)) throw invalid('use Issuer.fromPem(pem, issuerId)');
    this.#raw = raw;
  }

  /** The issuer of a PKCS#8 PEM private key. */
  static fromPem(pem, issuerId) {
    if (typeof pem !== 'string' || typeof issuerId !== 'string') throw invalid('pem and issuerId must be strings');
    return new Issuer(guarded(() => RawIssuer.fromPem(pem, issuerId)));
  }

  /** Signs `credential` (an object or its JSON text) valid for `validForSeconds` from `nowMs`: the code text. */
  issue(credential, validForSeconds, nowMs) {
    const json = typeof credential === 'string' ? credential : jsonOf(credential, 'credential');
    if (typeof json !== 'string') throw invalid('credential must be an object or JSON text');
    if (typeof validForSeconds !== 'number') throw invalid('validForSeconds must be a number');
    const now = millis(nowMs);
    return guarded(() => this.#raw.issue(json, validForSeconds, now));
  }

  /** The key id, 16 hex digits. */
  get kid() {
    return this.#raw.kid();
  }

  /** The public key as SPKI PEM. */
  publicKeyPem() {
    return guarded(() => this.#raw.publicKeyPem());
  }

  /** Frees the key's WebAssembly memory now. */
  free() {
    this.#raw.free();
  }
}

/** A code text as an SVG document (`ecc` L/M/Q/H, default M; `modulePx` default 4; `quietZone` default 4). */
export function renderSvg(text, { ecc, modulePx, quietZone } = {}) {
  if (typeof text !== 'string') throw invalid('text must be a string');
  const px = modulePx === undefined ? undefined : modulePx;
  const quiet = quietZone === undefined ? undefined : quietZone;
  for (const [name, v] of [['modulePx', px], ['quietZone', quiet]]) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw invalid(`${name} must be a non-negative integer`);
  }
  return guarded(() => rawRenderSvg(text, optionalString(ecc, 'ecc'), px, quiet));
}
