// The scanner page in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download), its camera a fake device fed from
// a Y4M video of a rendered code. tests/browser.rs writes the fixture (a
// built web/dist with trust files, the videos) and runs:
//
//   node web/tests/browser.mjs FIXTURE.json
//
// Checks: each video's verdict and reason in <output id="verdict">; no
// network request while scanning; a reload with the network cut still
// scans; a CHECK ID verdict takes the ID document's number; the trust state
// in IndexedDB keeps a rolled-back bundle out after a reload; an operator's
// older bundle file is refused. Saves a screenshot of
// each verdict and prints one JSON line of figures (first-verdict latency).
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const fixture = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The built page, `index.html` for the folder. */
const servePage = (dir) => serve((path) => join(dir, path === '' ? 'index.html' : path));

async function launch(video) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}

async function verdictOf(page, timeout = 15000) {
  await page.waitForSelector('#verdict[data-verdict]:not([hidden])', { timeout });
  return page.$eval('#verdict', (el) => ({ verdict: el.dataset.verdict, reason: el.dataset.reason, text: el.innerText }));
}

const results = { cases: {}, latency_ms: [] };
const requestsWhileScanning = [];

async function scanCase(name, spec, site) {
  const browser = await launch(spec.video);
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 800 }, permissions: ['camera'] });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`${name}: page error: ${e.message}`));
    await page.goto(site.url);
    await page.waitForFunction(() => ['camera', 'failed', 'no-camera'].includes(document.body.dataset.ready), null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'camera', `${name}: the camera did not start`);
    // From here the page is scanning: it must send nothing.
    const before = site.hits.length;
    const seen = [];
    const record = (r) => seen.push(r.url());
    context.on('request', record);
    const got = await verdictOf(page);
    context.off('request', record);
    requestsWhileScanning.push(...seen, ...site.hits.slice(before));
    await page.screenshot({ path: join(fixture.screenshots, `${name}.png`) });
    const t = await page.evaluate(() => window.qrcredTimings);
    results.cases[name] = { ...got, latency_ms: Math.round(t.firstVerdict - t.cameraPlaying), frames: t.frames };
    results.latency_ms.push(t.firstVerdict - t.cameraPlaying);
    assert.equal(got.verdict, spec.verdict, `${name}: verdict ${got.verdict} (${got.reason}), expected ${spec.verdict}`);
    assert.equal(got.reason, spec.reason, `${name}: reason ${got.reason}, expected ${spec.reason}`);
    return { browser, context, page };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

const site = await servePage(fixture.dist);
try {
  // 1. The valid code, then the network cut and a reload.
  {
    const { browser, context, page } = await scanCase('valid', fixture.videos.valid, site);
    try {
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 15000 }).catch(async () => {
        await page.reload();
        await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 15000 });
      });
      await context.setOffline(true);
      await new Promise((resolve) => site.server.close(resolve));
      await page.reload();
      const got = await verdictOf(page);
      await page.screenshot({ path: join(fixture.screenshots, 'offline-reload.png') });
      results.cases.offline_reload = got;
      assert.equal(got.verdict, 'admit', `offline reload: ${got.verdict} (${got.reason})`);
    } finally {
      await browser.close();
    }
  }
  // The server is closed: serve again for the other cases.
  const again = await servePage(fixture.dist);
  Object.assign(site, again);
  for (const [name, spec] of Object.entries(fixture.videos)) {
    if (name === 'valid') continue;
    const { browser, page } = await scanCase(name, spec, site);
    try {
      if (name === 'check_id') {
        // The guard types the number on the ID document: a wrong one denies, the right one admits.
        await page.fill('#id-number', '110105199003150021');
        await page.click('#id-check button');
        await page.waitForSelector('#verdict[data-id-match="false"]', { timeout: 5000 });
        await page.fill('#id-number', fixture.id_number.toLowerCase());
        await page.click('#id-check button');
        await page.waitForSelector('#verdict[data-id-match="true"]', { timeout: 5000 });
        await page.screenshot({ path: join(fixture.screenshots, 'check-id-matched.png') });
        results.cases.check_id.id_match = true;
      }
    } finally {
      await browser.close();
    }
  }
  // 2. The trust state persists: after a newer bundle, a reload with the
  //    older one in the folder keeps the newer, and an operator's older file is refused.
  {
    const browser = await launch(fixture.videos.valid.video);
    try {
      const context = await browser.newContext({ permissions: ['camera'] });
      const page = await context.newPage();
      copyFileSync(fixture.bundles.newer, join(fixture.dist, 'trust.bundle'));
      await page.goto(site.url);
      await page.waitForFunction(() => document.body.dataset.ready === 'camera', null, { timeout: 15000 });
      assert.match(await page.textContent('#trust-age'), new RegExp(`#${fixture.bundles.newer_sequence}\\b`));
      copyFileSync(fixture.bundles.older, join(fixture.dist, 'trust.bundle'));
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'camera', null, { timeout: 15000 });
      assert.match(await page.textContent('#trust-age'), new RegExp(`#${fixture.bundles.newer_sequence}\\b`), 'the older folder bundle replaced the newer one');
      assert.equal(await page.evaluate(() => document.body.dataset.folderBundle), 'trust.rollback');
      assert.equal((await verdictOf(page)).verdict, 'admit');
      await page.click('#verdict');
      await page.click('#settings-open');
      await page.setInputFiles('#bundle-file', fixture.bundles.older);
      await page.waitForFunction(() => document.getElementById('bundle-result').textContent.includes('trust.'), null, { timeout: 10000 });
      const refused = await page.textContent('#bundle-result');
      assert.match(refused, /trust\.rollback/);
      await page.screenshot({ path: join(fixture.screenshots, 'operator-older-bundle.png') });
      results.cases.rollback = { folder: 'trust.rollback', operator: refused };
    } finally {
      await browser.close();
      copyFileSync(fixture.bundles.newer, join(fixture.dist, 'trust.bundle'));
    }
  }
  assert.deepEqual(requestsWhileScanning, [], 'network requests while scanning');
  results.requests_while_scanning = requestsWhileScanning.length;
  results.first_verdict_ms_max = Math.round(Math.max(...results.latency_ms));
  console.log(JSON.stringify(results));
} finally {
  site.server.close();
}
