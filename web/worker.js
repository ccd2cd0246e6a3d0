// The scanner's worker: holds the qrcred Scanner (WebAssembly), reads camera
// frames and photos off the main thread, decides, and keeps the trust state
// (sequence, bundle digest, newest time seen) and the bundle in use in
// IndexedDB, so a rolled-back bundle or a clock set back is refused after a
// reload. It fetches only its own folder's trust files, once, at start.
//
// The package is imported dynamically: its module waits for the WebAssembly
// (top-level await), and a worker's messages that arrive before its handler
// is set are lost, so the handler is set first.
const qrcred = import('./pkg/qrcred.js');
let Scanner;
let scanFrame;
let QrcredError = class extends Error {};

let scanner = null;
let settings = { site: '', lang: 'zh' };
let savedSeen;

// --- IndexedDB: one store of keys and values --------------------------------

function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('qrcred-scanner', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function get(key) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const r = d.transaction('kv').objectStore('kv').get(key);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }).finally(() => d.close());
}

/** Writes all `entries` in one transaction: the state and its bundle change together or not at all. */
async function put(entries) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction('kv', 'readwrite');
    for (const [key, value] of Object.entries(entries)) tx.objectStore('kv').put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }).finally(() => d.close());
}

// --- start ---------------------------------------------------------------------

async function fetchOwn(name, kind, required) {
  const response = await fetch(new URL(name, self.location.href), { cache: 'no-cache' }).catch(() => null);
  if (!response || !response.ok) {
    if (required) throw new QrcredError('file.unreadable', `${name} could not be read`);
    return undefined;
  }
  if (kind === 'bytes') return new Uint8Array(await response.arrayBuffer());
  return response.text();
}

async function start() {
  const [bundle, root, rulesText, saved, savedBundle] = await Promise.all([
    fetchOwn('trust.bundle', 'bytes', true),
    fetchOwn('root.pub.pem', 'text', true),
    fetchOwn('rules.json', 'text', false),
    get('state'),
    get('bundle'),
  ]);
  const rules = rulesText === undefined ? undefined : rulesText;
  const now = Date.now();
  let inUse = bundle;
  let folderRefused;
  scanner = null;
  if (savedBundle) {
    // The bundle in use last time (perhaps loaded by the operator), then the
    // folder's when it is newer: a folder copy older than what this phone
    // has seen is not a reason to stop scanning.
    try {
      scanner = new Scanner({ bundle: savedBundle, root, state: saved, rules, now });
      inUse = savedBundle;
      const folder = scanner.loadBundle(bundle, now);
      if (folder.ok) inUse = bundle;
      else folderRefused = folder.error.code;
    } catch {
      scanner = null;
    }
  }
  scanner ??= new Scanner({ bundle, root, state: saved, rules, now });
  await persist(inUse);
  return { bundle: scanner.bundle(), folderRefused };
}

/** Saves the state (and the bundle it belongs to, when given) when they changed. */
async function persist(bundle) {
  const seen = scanner.newestSeen();
  if (bundle === undefined && seen === savedSeen) return;
  const entries = { state: scanner.state() };
  if (bundle !== undefined) entries.bundle = bundle;
  await put(entries);
  savedSeen = seen;
}

// --- scanning ------------------------------------------------------------------

/** One decision, its reason in both languages (the page shows both). */
function decide(texts) {
  const zh = scanner.decide(texts, { site: settings.site, lang: 'zh' }, Date.now());
  return { ...zh, text_zh: zh.text, text_en: scanner.decisionText('en') };
}

function failure(e) {
  return e instanceof QrcredError ? { code: e.code, message: e.detail } : { code: 'page.error', message: String(e) };
}

self.onmessage = async ({ data }) => {
  const reply = (message) => self.postMessage({ id: data.id, ...message });
  try {
    ({ Scanner, scanFrame, QrcredError } = await qrcred);
    switch (data.type) {
      case 'start':
        settings = { ...settings, ...data.settings };
        reply({ type: 'started', ...(await start()) });
        break;
      case 'settings':
        settings = { ...settings, ...data.settings };
        reply({ type: 'ok' });
        break;
      case 'frame': {
        const texts = scanFrame(data.width, data.height, new Uint8Array(data.pixels));
        if (texts.length === 0 || !scanner) {
          reply({ type: 'scanned', texts });
          break;
        }
        const decision = decide(texts);
        await persist();
        reply({ type: 'scanned', texts, decision });
        break;
      }
      case 'match-id':
        reply({ type: 'matched', matches: scanner !== null && scanner.matchesId(String(data.idNumber ?? '')) });
        break;
      case 'load-bundle': {
        const result = scanner.loadBundle(new Uint8Array(data.bytes), Date.now(), { lang: settings.lang });
        if (result.ok) await persist(new Uint8Array(data.bytes));
        reply({ type: 'loaded', result, bundle: scanner.bundle() });
        break;
      }
      default:
        reply({ type: 'error', error: { code: 'page.error', message: `unknown message ${data.type}` } });
    }
  } catch (e) {
    reply({ type: 'error', error: failure(e) });
  }
};
