// The scanner page: the rear camera, frames handed to the worker (which
// scans, verifies and decides offline), and the verdict full screen.
// For tests and automation the verdict lives in one element:
// <output id="verdict" data-verdict="admit|deny|check_id" data-reason="CODE">.

const $ = (id) => document.getElementById(id);
const WORDS = {
  admit: { zh: '通行', en: 'ADMIT' },
  deny: { zh: '禁止通行', en: 'DENY' },
  check_id: { zh: '核验证件', en: 'CHECK ID' },
};
const COLOURS = { green: { zh: '绿码', en: 'green' }, yellow: { zh: '黄码', en: 'yellow' }, red: { zh: '红码', en: 'red' } };
const QUIET_MS = 4000; // the same code is not announced again for this long
const SHOW_MS = 3500; // how long a verdict covers the camera
const MAX_FRAME_SIDE = 1280; // frames are scanned at most this large
const MAX_PHOTO_SIDE = 2000;

const settings = {
  site: localStorage.getItem('qrcred.site') ?? '',
  lang: localStorage.getItem('qrcred.lang') ?? 'zh',
};
const timings = { start: performance.now(), cameraPlaying: null, firstVerdict: null, frames: 0 };
window.qrcredTimings = timings;

// --- the worker ----------------------------------------------------------------

const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
let nextId = 0;
const pending = new Map();
worker.onmessage = ({ data }) => {
  const resolve = pending.get(data.id);
  pending.delete(data.id);
  resolve?.(data);
};
worker.onerror = (event) => {
  // The worker did not start (its script or the WebAssembly failed to load):
  // every pending question fails with a code.
  event.preventDefault?.();
  const error = { code: 'page.worker_failed', message: event.message || 'the scanner worker did not start' };
  for (const [id, resolve] of pending) {
    pending.delete(id);
    resolve({ id, type: 'error', error });
  }
  status(`⚠ ${error.code}: ${error.message}`);
};
function ask(message, transfer = []) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, ...message }, transfer);
  });
}

// --- what the guard sees ----------------------------------------------------------

function status(text) {
  $('status').textContent = text;
}

let hideTimer;
let holding = false; // a CHECK ID verdict waits for the guard: scanning pauses
let lastKey = '';
let lastAt = 0;

function showVerdict(decision, texts) {
  const key = [...texts].sort().join('\n');
  const now = performance.now();
  if (key === lastKey && now - lastAt < QUIET_MS) return false;
  lastKey = key;
  lastAt = now;
  const out = $('verdict');
  const primary = settings.lang === 'en' ? 'en' : 'zh';
  const word = WORDS[decision.verdict] ?? WORDS.deny;
  // The verdict word and colour in both languages, whatever the setting:
  // guards and visitors may read either.
  $('verdict-word').textContent = `${word.zh} ${word.en}`;
  const colour = COLOURS[decision.colour];
  $('verdict-colour').textContent = colour ? `${colour.zh} ${colour.en}` : '';
  $('verdict-colour').dataset.colour = decision.colour ?? '';
  $('verdict-name').textContent = decision.name ?? '';
  $('verdict-zh').textContent = primary === 'zh' ? decision.text_zh : decision.text_en;
  $('verdict-en').textContent = primary === 'zh' ? decision.text_en : decision.text_zh;
  $('verdict-code').textContent = `${decision.code} · ${decision.rule_set.name} v${decision.rule_set.version}`;
  out.dataset.verdict = decision.verdict;
  out.dataset.reason = decision.code;
  delete out.dataset.idMatch;
  out.hidden = false;
  if (timings.firstVerdict === null) timings.firstVerdict = performance.now();
  announce(decision.verdict);
  clearTimeout(hideTimer);
  const checkId = decision.verdict === 'check_id';
  $('id-check').hidden = !checkId;
  $('id-result').textContent = '';
  $('id-number').value = '';
  holding = checkId;
  if (checkId) {
    $('id-number').focus();
  } else {
    hideTimer = setTimeout(hideVerdict, SHOW_MS);
  }
  return true;
}

function hideVerdict() {
  $('verdict').hidden = true;
  holding = false;
}

$('verdict').addEventListener('click', (event) => {
  if (!$('id-check').contains(event.target)) hideVerdict();
});
$('id-check').addEventListener('submit', async (event) => {
  event.preventDefault();
  const reply = await ask({ type: 'match-id', idNumber: $('id-number').value.trim() });
  const matches = reply.type === 'matched' && reply.matches;
  $('verdict').dataset.idMatch = String(matches);
  $('id-result').textContent = matches ? '✓ 证件一致 ID matches: 通行 ADMIT' : '✗ 证件不一致 ID does not match: 禁止通行 DENY';
  announce(matches ? 'admit' : 'deny');
  hideTimer = setTimeout(hideVerdict, SHOW_MS);
});

let audio;
function announce(verdict) {
  try {
    audio ??= new AudioContext();
    const tones = verdict === 'admit' ? [[880, 0, 0.15]] : verdict === 'check_id' ? [[660, 0, 0.15], [660, 0.25, 0.15]] : [[220, 0, 0.3], [220, 0.4, 0.3]];
    for (const [freq, at, length] of tones) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      gain.gain.value = 0.2;
      osc.frequency.value = freq;
      osc.type = verdict === 'admit' ? 'sine' : 'square';
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + length);
    }
  } catch {
    // No sound on this device: the screen still says it.
  }
  navigator.vibrate?.(verdict === 'admit' ? 80 : [300, 120, 300]);
}

function showTrust(bundle) {
  const el = $('trust-age');
  if (!bundle) return;
  const issued = Date.parse(bundle.issued_at);
  const expires = Date.parse(bundle.expires_at);
  const hours = Math.max(0, Math.round((Date.now() - issued) / 3600_000));
  const age = hours < 48 ? `${hours} 小时前 h ago` : `${Math.round(hours / 24)} 天前 days ago`;
  const stale = Date.now() >= expires;
  el.classList.toggle('stale', stale);
  el.textContent = stale
    ? `⚠ 信任列表已过期，请更新 Trust list out of date (#${bundle.sequence}, ${age})`
    : `信任列表 Trust list #${bundle.sequence} · ${age}`;
  $('trust-detail').textContent = `#${bundle.sequence} · ${bundle.issued_at} → ${bundle.expires_at} · ${bundle.keys} keys · ${bundle.revoked} revoked${bundle.rules ? ` · rules ${bundle.rules.name} v${bundle.rules.version}` : ''}`;
}

// --- frames ------------------------------------------------------------------------

const canvas = document.createElement('canvas');
const context = canvas.getContext('2d', { willReadFrequently: true });

function pixelsOf(source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

async function scanPixels(image) {
  const reply = await ask({ type: 'frame', width: image.width, height: image.height, pixels: image.data.buffer }, [image.data.buffer]);
  timings.frames++;
  if (reply.type === 'error') {
    status(`⚠ ${reply.error.code}: ${reply.error.message}`);
    return null;
  }
  if (reply.decision) showVerdict(reply.decision, reply.texts);
  return reply;
}

async function cameraLoop(video) {
  for (;;) {
    if (!holding && !document.hidden && video.readyState >= 2 && video.videoWidth > 0) {
      await scanPixels(pixelsOf(video, video.videoWidth, video.videoHeight, MAX_FRAME_SIDE));
    }
    await new Promise((resolve) => (video.requestVideoFrameCallback ? video.requestVideoFrameCallback(() => resolve()) : setTimeout(resolve, 60)));
  }
}

async function startCamera() {
  const video = $('camera');
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  video.addEventListener('playing', () => {
    timings.cameraPlaying ??= performance.now();
  });
  await video.play();
  keepAwake();
  status('请出示二维码 Show the code');
  cameraLoop(video);
}

// The screen stays on while the page is shown: a guard's phone must not lock between people.
let wakeLock = null;
async function keepAwake() {
  try {
    wakeLock = await navigator.wakeLock?.request('screen');
  } catch {
    wakeLock = null;
  }
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && wakeLock?.released !== false) keepAwake();
});

$('photo').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (!file) return;
  try {
    const bitmap = await createImageBitmap(file);
    const reply = await scanPixels(pixelsOf(bitmap, bitmap.width, bitmap.height, MAX_PHOTO_SIDE));
    bitmap.close();
    if (reply && reply.texts.length === 0) status('照片中未找到二维码 No code found in the photo');
    lastKey = ''; // a photo is always announced
  } catch {
    status('无法读取照片 The photo could not be read');
  }
});

// --- settings -------------------------------------------------------------------------

$('site').value = settings.site;
$('lang').value = settings.lang;
$('settings-open').addEventListener('click', () => $('settings').showModal());
$('settings').addEventListener('close', async () => {
  settings.site = $('site').value.trim();
  settings.lang = $('lang').value;
  localStorage.setItem('qrcred.site', settings.site);
  localStorage.setItem('qrcred.lang', settings.lang);
  document.documentElement.lang = settings.lang === 'zh' ? 'zh-CN' : 'en';
  await ask({ type: 'settings', settings });
});
$('bundle-file').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (!file) return;
  if (file.size > 32 * 1024 * 1024) {
    $('bundle-result').textContent = '⚠ trust.too_large';
    return;
  }
  const bytes = await file.arrayBuffer();
  const reply = await ask({ type: 'load-bundle', bytes }, [bytes]);
  if (reply.type === 'loaded' && reply.result.ok) {
    $('bundle-result').textContent = `✓ 已更新 Updated: #${reply.result.bundle.sequence}`;
    showTrust(reply.bundle);
  } else {
    const error = reply.result?.error ?? reply.error;
    $('bundle-result').textContent = `⚠ 未更新 Not updated: ${error.label ?? ''} (${error.code})`;
  }
});

// --- start ------------------------------------------------------------------------------

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}

const started = await ask({ type: 'start', settings });
if (started.type !== 'started') {
  $('trust-age').classList.add('failed');
  $('trust-age').textContent = `⚠ 信任列表无法使用 Trust list refused: ${started.error.code}`;
  status(`⚠ ${started.error.code}: ${started.error.message}`);
  document.body.dataset.ready = 'failed';
} else {
  showTrust(started.bundle);
  // The folder's trust.bundle, when older than the one this phone holds, is refused (the code says why).
  document.body.dataset.folderBundle = started.folderRefused ?? 'ok';
  if (started.folderRefused) {
    $('trust-detail').textContent += ` · trust.bundle ${started.folderRefused}`;
  }
  document.body.dataset.ready = 'trust';
  try {
    await startCamera();
    document.body.dataset.ready = 'camera';
  } catch {
    status('没有摄像头：请用“照片” No camera: use Photo');
    document.body.dataset.ready = 'no-camera';
  }
}
