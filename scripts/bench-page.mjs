#!/usr/bin/env node
// How hard does the page work? A benchmark, not a test: it prints figures and judges nothing.
//
// For 7 and 15 servers under steady client writes it loads the built page (dist/, served on
// loopback) in headless Chromium, lets the ensemble elect a leader, then for DURATION seconds
// measures
//   - the main thread's busy fraction: Chrome DevTools Performance.getMetrics TaskDuration
//     delta over the wall-clock time (the figure the issue compares with RaftScope's 45 %),
//   - the frame intervals (requestAnimationFrame timestamps collected in the page): p50, p95,
//     max, and how many frames took longer than 1.5 × the median (dropped frames),
//   - how many messages were in flight on average (sampled from the DOM).
//
//   trunk build --release && node scripts/bench-page.mjs            (or: BENCH_SECONDS=20 ...)
//   node scripts/bench-page.mjs 7 15 --speed=0.25 --writes=40       (other settings)
//   node scripts/bench-page.mjs 7 25 --speed=1 --writes=200 --observers=5 --pace=0
//                                  (the heavy case: 25 voters + 5 observers, > 300 in flight)
//   node scripts/bench-page.mjs 7 --speed=1 --writes=20 --diagram
//                                  (each run three times: the space-time diagram closed, open,
//                                  and open zoomed out to hold >= 10,000 events; ratios to closed)
// Every figure is printed beside the same figure for a bare requestAnimationFrame loop measured
// in the same run, and as a ratio to it: machines here differ by 2x, ratios do not.
import { chromium } from 'playwright-core';
import { access } from 'node:fs/promises';
import { serve } from '../tests/browser/serve.mjs';
import { CHROMIUM_ARGS } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.split('=')[1] : dflt;
};
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const SERVERS = sizes.length ? sizes : [7, 15];
const DURATION = Number(process.env.BENCH_SECONDS ?? opt('seconds', 10));
// Settings: the page's default speed with steady writes, and a busier one.
const EXTRA = `${opt('observers', null) ? `&observers=${opt('observers')}` : ''}${opt('pace', null) === '0' ? '&pace=0' : ''}`;
const SETTINGS = opt('speed', null)
  ? [{ speed: opt('speed'), writes: opt('writes', '20') }]
  : [
      { speed: '0.05', writes: '20' },
      { speed: '0.25', writes: '40' },
    ];

await access('dist/index.html').catch(() => {
  console.error('dist/index.html is missing: run `trunk build --release` first');
  process.exit(2);
});
const server = await serve('dist', 0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
});

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const DIAGRAM = args.includes('--diagram');

/** Opens the space-time diagram; `wide`: zoomed out until it holds >= 10,000 events. */
async function openDiagram(page, wide) {
  await page.click('.diagram-toggle');
  await page.waitForSelector('[data-timeline]');
  if (!wide) return;
  await page.focus('[data-timeline]');
  for (let i = 0; i < 24; i++) {
    const n = Number((await page.textContent('.diagram-tools .count')).split(' ')[0]);
    if (n >= 10_000) break;
    await page.keyboard.press('-');
    await page.waitForTimeout(300);
  }
}

async function measure(servers, { speed, writes }, diagram = 'closed') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const query = `./?servers=${servers}&seed=1&speed=${speed}&writes=${writes}${EXTRA}&tour=0`;
  const url = new URL(query, server.url).href;
  await page.goto(url);
  await page.waitForSelector('.banner.broadcast', { timeout: 120_000 });
  await page.waitForTimeout(1000);
  if (diagram !== 'closed') await openDiagram(page, diagram === 'wide');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.evaluate(() => {
    window.__frames = [];
    window.__inFlight = [];
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__frames.length % 10 === 0) {
        window.__inFlight.push(document.querySelectorAll('[data-kind]').length);
      }
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? 0;
  const m0 = await cdp.send('Performance.getMetrics');
  const wall0 = performance.now();
  await page.waitForTimeout(DURATION * 1000);
  const m1 = await cdp.send('Performance.getMetrics');
  const wall = (performance.now() - wall0) / 1000;
  const { frames, inFlight, clock, inView } = await page.evaluate(() => {
    window.__stop = true;
    return {
      frames: window.__frames,
      inFlight: window.__inFlight,
      clock: document.querySelector('.clock')?.textContent,
      inView: document.querySelector('.diagram-tools .count')?.textContent,
    };
  });
  const task = metric(m1, 'TaskDuration') - metric(m0, 'TaskDuration');
  const script = metric(m1, 'ScriptDuration') - metric(m0, 'ScriptDuration');
  const layout = metric(m1, 'LayoutDuration') - metric(m0, 'LayoutDuration');
  const style = metric(m1, 'RecalcStyleDuration') - metric(m0, 'RecalcStyleDuration');
  const intervals = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const p50 = quantile(intervals, 0.5);
  const violations = await page.getAttribute('.invariants', 'data-violations');
  await page.close();
  return {
    servers,
    speed,
    writes,
    busy: task / wall,
    script: script / wall,
    style: style / wall,
    layout: layout / wall,
    frames: frames.length,
    fps: frames.length / wall,
    p50,
    p95: quantile(intervals, 0.95),
    max: intervals[intervals.length - 1],
    dropped: intervals.filter((x) => x > 1.5 * p50).length,
    inFlight: inFlight.reduce((a, b) => a + b, 0) / Math.max(1, inFlight.length),
    clock,
    violations,
    query,
    diagram,
    inView,
  };
}

/** The floor: what a bare requestAnimationFrame loop moving one SVG circle costs here, and
 *  its frame intervals. */
async function reference() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.setContent(`<!doctype html><svg viewBox="0 0 1000 1000" width="600" height="600">
    <circle id="c" r="8" cx="10" cy="10"/></svg><script>
    window.__frames = [];
    let x = 0; (function f(t) { x = (x + 1) % 900; document.getElementById('c').setAttribute('cx', x);
    if (t) window.__frames.push(t); requestAnimationFrame(f); })();</script>`);
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await page.evaluate(() => { window.__frames = []; });
  const t0 = await task();
  const w0 = performance.now();
  await page.waitForTimeout(DURATION * 1000);
  const busy = (await task() - t0) / ((performance.now() - w0) / 1000);
  const frames = await page.evaluate(() => window.__frames);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  await page.close();
  return { busy, p50: quantile(intervals, 0.5), p95: quantile(intervals, 0.95) };
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`ZabScope page benchmark: ${DURATION} s per run, headless Chromium, ${new Date().toISOString()}`);
const ref = await reference();
console.log(
  `reference: a bare requestAnimationFrame loop moving one SVG circle: main thread ${pct(ref.busy)} busy, ` +
    `frames p50 ${ms(ref.p50)}, p95 ${ms(ref.p95)}`,
);
console.log(
  'servers  speed  writes/vs  busy     (script  style  layout)  fps    p50 frame  p95 frame  max frame  dropped  in flight  busy/ref  p95-ref',
);
for (const setting of SETTINGS) {
  for (const n of SERVERS) {
   let closed;
   for (const diagram of DIAGRAM ? ['closed', 'open', 'wide'] : ['closed']) {
    const r = await measure(n, setting, diagram);
    closed ??= r;
    console.log(
      [
        String(r.servers).padEnd(7),
        String(r.speed).padEnd(6),
        String(r.writes).padEnd(10),
        pct(r.busy).padEnd(8),
        `(${pct(r.script)}`.padEnd(8),
        pct(r.style).padEnd(6),
        `${pct(r.layout)})`.padEnd(9),
        r.fps.toFixed(1).padEnd(6),
        ms(r.p50).padEnd(10),
        ms(r.p95).padEnd(10),
        ms(r.max).padEnd(10),
        String(r.dropped).padEnd(8),
        r.inFlight.toFixed(1).padEnd(10),
        `${(r.busy / ref.busy).toFixed(2)}x`.padEnd(9),
        `${(r.p95 - ref.p95 >= 0 ? '+' : '')}${ms(r.p95 - ref.p95)}`,
      ].join(' '),
    );
    console.log(`   ${r.query}`);
    if (DIAGRAM) {
      console.log(`   diagram ${r.diagram}${r.inView ? ` (${r.inView})` : ''}: busy ${(r.busy / closed.busy).toFixed(2)}x the page with it closed`);
    }
    if (r.violations !== '0') console.log(`   (invariant violations shown: ${r.violations})`);
   }
  }
}
await browser.close();
await server.close();
