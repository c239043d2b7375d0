// What a browser test file needs around its tests: dist/ served on a loopback port (or
// BASE_URL), one headless Chromium, and `open()` for a page that records its errors.
// Both browser test files use it; scripts/bench-page.mjs takes its Chromium flags.
import { mkdtemp, mkdir, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts';
/** Headless Chromium as every test and benchmark here runs it. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts the server and the browser; `close()` ends both. */
export async function startBrowser() {
  let server, baseUrl;
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
  const profile = await mkdtemp(join(tmpdir(), 'zabscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  /** A new page at `query`, its page errors and console errors pushed to `errors`. */
  async function open(query, errors, setup) {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    if (setup) await setup(page);
    await page.goto(new URL(query, baseUrl).href);
    return page;
  }
  async function close() {
    await context?.close();
    await server?.close();
    await rm(profile, { recursive: true, force: true });
  }
  return { open, close, baseUrl };
}
