// End-to-end smoke test of the built page in real Chromium (node --test + playwright-core).
// It builds nothing: scripts/test.sh runs `trunk build --release` first. It serves dist/ itself
// on a loopback port (tests/browser/serve.mjs), or uses BASE_URL if that is set.
//   node --test tests/browser/e2e.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';
let server, context, profile, baseUrl;

before(async () => {
  if (process.env.BASE_URL) {
    baseUrl = process.env.BASE_URL;
  } else {
    await access('dist/index.html').catch(() => {
      throw new Error('dist/index.html is missing: run `trunk build --release` first');
    });
    server = await serve('dist', 0);
    baseUrl = server.url;
  }
  await mkdir(ARTIFACTS, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'zabscope-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function open(query, errors) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.goto(new URL(query, baseUrl).href);
  return page;
}

test('the page boots 5 servers and elects a leader', async () => {
  const errors = [];
  const page = await open('./', errors);
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-leader.png') });

  assert.equal(await page.locator('[data-server]').count(), 5);
  assert.equal(await page.locator('[data-mode="leader"]').count(), 1);
  assert.equal(await page.locator('#error-banner').count(), 0, 'an error banner is shown');
  assert.deepEqual(errors, []);
  await page.close();
});

test('URL parameters and play/pause', async () => {
  const errors = [];
  const page = await open('./?servers=3&seed=7', errors);
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  assert.equal(await page.locator('[data-server]').count(), 3);

  // Paused, virtual time stands still; played again, it moves.
  const clock = page.locator('.clock');
  await page.getByRole('button', { name: 'Pause' }).click();
  const frozen = await clock.textContent();
  await page.waitForTimeout(400);
  assert.equal(await clock.textContent(), frozen);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction((t) => document.querySelector('.clock').textContent !== t, frozen);

  assert.equal(await page.locator('#error-banner').count(), 0, 'an error banner is shown');
  assert.deepEqual(errors, []);
  await page.close();
});
