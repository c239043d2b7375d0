// End-to-end tests of the built page in real Chromium (node --test + playwright-core).
// It builds nothing: scripts/test.sh runs `trunk build --release` first. It serves dist/ itself
// on a loopback port (tests/browser/serve.mjs), or uses BASE_URL if that is set.
//   node --test tests/browser/e2e.test.mjs
// Screenshots go to test-artifacts/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { startBrowser, ARTIFACTS, CHROMIUM } from './harness.mjs';

let browser, open, baseUrl;

before(async () => {
  browser = await startBrowser();
  ({ open, baseUrl } = browser);
});

after(async () => {
  await browser?.close();
});

/** The zxid a server shows (its data-zxid attribute), as a BigInt. */
async function zxidOf(page, sid) {
  return BigInt(await page.getAttribute(`[data-server="${sid}"]`, 'data-zxid'));
}

async function leaderId(page) {
  return Number(await page.getAttribute('[data-mode="leader"]', 'data-server'));
}

async function noTrouble(page, errors) {
  assert.equal(await page.locator('#error-banner').count(), 0, 'an error banner is shown');
  assert.equal(await page.getAttribute('.invariants', 'data-violations'), '0', 'an invariant was violated');
  assert.deepEqual(errors, []);
}

test('leader crash, a cut server, writes on the majority, heal and catch up', async () => {
  const errors = [];
  // Fast enough for a test, slow enough that messages still travel.
  const page = await open('./?servers=5&seed=3&speed=0.5&pace=0', errors);

  // 1. A leader appears, serving.
  await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  assert.equal(await page.locator('[data-server]').count(), 5);
  assert.equal(await page.locator('[data-link]').count(), 10);
  assert.equal(await page.locator('[data-mode="leader"]').count(), 1);
  const first = await leaderId(page);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-1-leader.png'), fullPage: true });

  // 2. Click the leader, crash it: a new leader rises.
  await page.click(`[data-server="${first}"]`);
  const menu = page.getByRole('dialog', { name: `Server s${first}` });
  await menu.waitFor();
  await menu.getByRole('button', { name: 'Crash' }).click();
  await page.waitForSelector(`[data-server="${first}"][data-mode="down"]`);
  await page.waitForFunction(
    (old) => {
      const l = document.querySelector('[data-mode="leader"]');
      return l && l.getAttribute('data-server') !== String(old)
        && document.querySelector('.banner.broadcast');
    },
    first,
    { timeout: 30_000 },
  );
  const second = await leaderId(page);
  assert.notEqual(second, first);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-2-new-leader.png'), fullPage: true });

  // 3. Cut one follower away. First one link through the link menu (a click on the link
  //    itself), then the rest with the partition tool.
  const up = [1, 2, 3, 4, 5].filter((s) => s !== first);
  const away = up.find((s) => s !== second);
  const [a, b] = [Math.min(away, second), Math.max(away, second)];
  await page.locator(`[data-link="${a}-${b}"]`).dispatchEvent('click');
  const linkMenu = page.getByRole('dialog', { name: `Link s${a}–s${b}` });
  await linkMenu.getByRole('button', { name: 'Cut both' }).click();
  await page.waitForSelector(`[data-link="${a}-${b}"][data-cut="both"]`);
  await linkMenu.getByRole('button', { name: 'Heal both' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Partition' }).click();
  await page.locator('.partition').getByText(`s${away}`, { exact: true }).click();
  await page.getByRole('button', { name: `Split s${away} from the rest` }).click();
  for (const other of [1, 2, 3, 4, 5].filter((s) => s !== away)) {
    const [x, y] = [Math.min(away, other), Math.max(away, other)];
    assert.equal(await page.getAttribute(`[data-link="${x}-${y}"]`, 'data-cut'), 'both');
  }
  const before = await zxidOf(page, second);

  // 4. Writes still commit on the majority side (three servers of five).
  await page.selectOption('#client-at', String(second));
  await page.fill('#client-path', '/e2e');
  await page.fill('#client-data', 'x1');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Write', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('.req.answered').length >= 3, null, {
    timeout: 30_000,
  });
  const after = await zxidOf(page, second);
  assert.ok(after >= before + 3n, `leader zxid ${after} should be ≥ ${before} + 3`);
  assert.ok((await zxidOf(page, away)) < after, 'the cut server cannot have the new writes');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-3-partitioned.png'), fullPage: true });

  // 5. Heal: the cut server rejoins and catches up to the same zxid.
  await page.getByRole('button', { name: 'Heal all' }).click();
  await page.waitForFunction(
    ([s, l]) => {
      const z = (sid) => document.querySelector(`[data-server="${sid}"]`).getAttribute('data-zxid');
      const m = document.querySelector(`[data-server="${s}"]`).getAttribute('data-mode');
      return m === 'follower' && z(s) === z(l);
    },
    [away, second],
    { timeout: 60_000 },
  );
  assert.equal(await zxidOf(page, away), await zxidOf(page, second));
  assert.equal(await page.locator('[data-cut="both"]').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-4-healed.png'), fullPage: true });

  // The inspector shows the healed server: what the sync gave it (log or snapshot) reaches the
  // leader's zxid, and nothing it holds is left uncommitted.
  await page.click(`[data-server="${away}"]`);
  await page.keyboard.press('Escape');
  const inspector = page.getByRole('region', { name: `Inspector: s${away}` });
  await inspector.waitFor();
  const z = await page.getAttribute(`[data-server="${second}"]`, 'data-zxid');
  assert.ok((await inspector.textContent()).includes(z), `the inspector should show ${z}`);
  assert.equal(await page.locator('.inspector .log tr.proposed').count(), 0);
  await noTrouble(page, errors);
  await page.close();
});

test('URL parameters, bad values, play / pause and the keyboard', async () => {
  const errors = [];
  const page = await open('./?servers=3&seed=7&speed=1&observers=zz&bogus=1&pace=0', errors);
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  assert.equal(await page.locator('[data-server]').count(), 3);
  // Bad values are reported by name and replaced by defaults.
  const notice = page.locator('.notices');
  await notice.waitFor();
  assert.match(await notice.textContent(), /observers=zz.*observers must be a whole number from 0 to 5/);
  assert.match(await notice.textContent(), /Unknown parameter `bogus`/);

  // Paused, virtual time stands still; played again, it moves.
  const clock = page.locator('.clock');
  await page.getByRole('button', { name: 'Pause' }).click();
  const frozen = await clock.textContent();
  await page.waitForTimeout(400);
  assert.equal(await clock.textContent(), frozen);
  // Step moves to the next event only (the clock shows hundredths: a few steps to see it).
  const step = page.getByRole('button', { name: 'Step to the next event' });
  for (let i = 0; i < 50 && (await clock.textContent()) === frozen; i++) await step.click();
  assert.notEqual(await clock.textContent(), frozen);
  assert.equal(await page.getByRole('button', { name: 'Play' }).count(), 1, 'stepping pauses');
  await page.getByRole('button', { name: 'Play' }).click();
  const playing = await clock.textContent();
  await page.waitForFunction((t) => document.querySelector('.clock').textContent !== t, playing);

  // A hidden tab stops the clock; visible again, it runs.
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  const hiddenAt = await clock.textContent();
  await page.waitForTimeout(400);
  assert.equal(await clock.textContent(), hiddenAt, 'the clock ran in a hidden tab');
  await setHidden(false);
  await page.waitForFunction((t) => document.querySelector('.clock').textContent !== t, hiddenAt);

  // Keyboard: space pauses, ? opens the help, Escape closes it, 2 selects s2, c crashes it.
  await page.locator('body').press(' ');
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'ZabScope: keys and pictures' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-help.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('dialog').count(), 0);
  await page.keyboard.press('2');
  await page.getByRole('region', { name: 'Inspector: s2' }).waitFor();
  await page.keyboard.press('c');
  await page.waitForSelector('[data-server="2"][data-mode="down"]');
  await page.keyboard.press('s');
  await page.waitForSelector('[data-server="2"]:not([data-mode="down"])');
  // Links from the keyboard too: the selected server's menu (m) leads to any of its links.
  await page.keyboard.press('1');
  await page.keyboard.press('m');
  const m1 = page.getByRole('dialog', { name: 'Server s1' });
  await m1.getByLabel('Link to').selectOption('3');
  await m1.getByRole('button', { name: 'Cut / heal…' }).click();
  await page.getByRole('dialog', { name: 'Link s1–s3' }).getByRole('button', { name: 'Cut s3→s1' }).click();
  await page.waitForSelector('[data-link="1-3"][data-cut="b-a"]');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-one-way-cut.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('h');
  await page.waitForSelector('[data-link="1-3"][data-cut="up"]');
  assert.equal(await page.locator('#error-banner').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a deliberately broken protocol turns the invariant panel red, with the explanation', async () => {
  const errors = [];
  const page = await open('./?servers=3&speed=1&writes=20&variant=commit-without-quorum&pace=0', errors);
  assert.match(await page.locator('.variant-tag').textContent(), /commit-without-quorum/);
  await page.waitForSelector('.invariants.broken', { timeout: 30_000 });
  const panel = await page.locator('.invariants').textContent();
  assert.match(panel, /#5 commit needs a quorum/);
  assert.notEqual(await page.getAttribute('.invariants', 'data-violations'), '0');
  // The run paused at the first violation, its servers ringed in red; a server it names
  // can be selected from the panel.
  await page.getByRole('button', { name: 'Play' }).waitFor();
  assert.match(await page.locator('.status').textContent(), /Paused: an invariant broke/);
  assert.ok((await page.locator('[data-alarm]').count()) >= 1, 'no server ringed');
  const named = page.locator('.invariants .sid-link').first();
  const sid = (await named.textContent()).slice(1);
  await named.click();
  assert.equal(await page.getAttribute(`[data-server="${sid}"] [aria-pressed]`, 'aria-pressed'), 'true');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-broken.png'), fullPage: true });
  assert.equal(await page.locator('#error-banner').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking a message shows its fields and pauses', async () => {
  const errors = [];
  const page = await open('./?servers=3&seed=2', errors);
  await page.waitForSelector('[data-msg]');
  await page.evaluate(() =>
    document.querySelector('[data-msg]').dispatchEvent(new MouseEvent('click', { bubbles: true })),
  );
  const card = page.getByRole('dialog', { name: /: its fields$/ });
  await card.waitFor();
  assert.match(await card.textContent(), /from → to\s*s\d → s\d/);
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.keyboard.press('Escape');
  await card.waitFor({ state: 'detached' });
  await noTrouble(page, errors);
  await page.close();
});

/** The smallest font size on screen, in CSS pixels, of any visible text (SVG text scaled by its
 *  transform to the screen), and which text it is. */
async function smallestText(page) {
  return page.evaluate(() => {
    let best = { px: Infinity, text: '' };
    const all = document.querySelectorAll('body *');
    for (const el of all) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own || el.closest('.sr, title, [hidden], [aria-hidden="true"] title') || el.tagName === 'TITLE') continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      const fs = parseFloat(style.fontSize);
      const px = el instanceof SVGElement ? fs * el.getScreenCTM().a : fs;
      if (px < best.px) best = { px, text: el.textContent.trim().slice(0, 40) };
    }
    return best;
  });
}

test('the embed fills 320x240, 640x420 and 800x580 frames without overflowing', async () => {
  for (const [width, height] of [[320, 240], [640, 420], [800, 580]]) {
    const errors = [];
    const page = await open('./?embed=1&servers=5', errors, (p) => p.setViewportSize({ width, height }));
    await page.waitForSelector('[data-server="5"]');
    await page.waitForTimeout(1500);
    const box = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth,
      h: document.documentElement.scrollHeight,
    }));
    assert.ok(box.w <= width && box.h <= height, `${width}x${height}: the page is ${box.w}x${box.h}`);
    // No text drawn smaller than 11 px, in the ring (SVG, scaled) or around it.
    const small = await smallestText(page);
    assert.ok(small.px >= 10.9, `${width}x${height}: "${small.text}" is drawn at ${small.px.toFixed(1)} px`);
    // Play, step and speed, and the way out to the full page, are in the frame.
    for (const name of ['Pause', 'Step to the next event']) {
      const b = await page.getByRole('button', { name }).boundingBox();
      assert.ok(b && b.y + b.height <= height && b.x + b.width <= width, `${name} at ${width}x${height}`);
    }
    await page.screenshot({ path: join(ARTIFACTS, `e2e-embed-${width}x${height}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('embed, dark theme, phone size and reduced motion', async () => {
  const errors = [];
  const embed = await open('./?embed=1&servers=7&speed=1&pace=0', errors);
  await embed.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  assert.equal(await embed.locator('[data-server]').count(), 7);
  assert.equal(await embed.locator('.feed').count(), 0, 'embed hides the feed');
  assert.equal(await embed.locator('.settings').count(), 0, 'embed hides the settings');
  await embed.getByRole('button', { name: 'Pause' }).waitFor();
  await embed.setViewportSize({ width: 800, height: 580 });
  await embed.screenshot({ path: join(ARTIFACTS, 'e2e-embed.png') });
  await embed.close();

  const dark = await open('./?servers=7&speed=0.1&writes=30', errors, (p) =>
    p.emulateMedia({ colorScheme: 'dark' }),
  );
  await dark.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  await dark.waitForSelector('[data-kind="PROPOSAL"], [data-kind="ACK"], [data-kind="COMMIT"]', { timeout: 30_000 });
  await dark.screenshot({ path: join(ARTIFACTS, 'e2e-dark-7.png'), fullPage: true });
  await dark.close();

  const phone = await open('./?speed=0.5&pace=0', errors, async (p) => {
    await p.setViewportSize({ width: 390, height: 844 });
    await p.emulateMedia({ reducedMotion: 'reduce' });
  });
  await phone.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  await phone.screenshot({ path: join(ARTIFACTS, 'e2e-phone.png'), fullPage: true });
  // Nothing overflows sideways.
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page is ${width}px wide on a 390px screen`);
  await phone.close();

  const reduced = await open('./', errors, (p) => p.emulateMedia({ reducedMotion: 'reduce' }));
  await reduced.waitForSelector('[data-server]');
  assert.equal(await reduced.locator('.speed-value').textContent(), '0.02×');
  await reduced.close();
  assert.deepEqual(errors, []);
});

test('protocol=paxos: the same ring runs Multi-Paxos; a write gets chosen', async () => {
  const errors = [];
  const page = await open('./?protocol=paxos&servers=5&seed=3&speed=0.5&pace=0', errors);
  await page.waitForSelector('[data-protocol="paxos"] [data-mode="leader"]', { timeout: 30_000 });
  assert.equal(await page.locator('[data-server]').count(), 5);
  const leader = await leaderId(page);
  // Every card shows the ballot it promised.
  assert.match(await page.getAttribute(`[data-server="${leader}"]`, 'data-promised'), /^\(\d+,\d+\)$/);
  // Paxos kinds in the legend (a tab of the side column).
  await page.getByRole('tab', { name: 'Legend' }).click();
  assert.match(await page.locator('.legend').textContent(), /PREPARE.*PROMISE.*ACCEPT/s);
  await page.selectOption('#client-at', String(leader));
  await page.fill('#client-path', '/px');
  await page.fill('#client-data', 'v1');
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  await page.waitForSelector('.req.committed', { timeout: 30_000 });
  assert.match(await page.locator('.req.committed').first().textContent(), /chosen in slot #\d+/);
  // The leader learns it: its card counts a chosen slot and marks it ✓.
  await page.waitForFunction(
    (l) => Number(document.querySelector(`[data-server="${l}"]`).getAttribute('data-chosen')) >= 1,
    leader,
    { timeout: 30_000 },
  );
  assert.match(await page.locator(`[data-server="${leader}"]`).textContent(), /\/px=v1 ✓|✓/);
  // The inspector of a Paxos server: promise and accepted values on disk, learned slots in memory.
  await page.click(`[data-server="${leader}"]`);
  await page.keyboard.press('Escape');
  const inspector = page.getByRole('region', { name: `Inspector: s${leader}` });
  await inspector.waitFor();
  const text = await inspector.textContent();
  assert.match(text, /promised ballot/);
  assert.match(text, /\/px=v1/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-paxos.png'), fullPage: true });
  await noTrouble(page, errors);
  await page.close();

  // A bad protocol is named, with what is allowed, and zab runs.
  const bad = await open('./?protocol=raft&servers=3&speed=1', errors);
  const notice = bad.locator('.notices');
  await notice.waitFor();
  assert.match(await notice.textContent(), /protocol=raft.*zab, paxos, paxos-single/);
  await bad.waitForSelector('[data-protocol="zab"] [data-mode="leader"]', { timeout: 30_000 });
  await bad.close();
  assert.deepEqual(errors, []);
});

test('compare=1: Zab and Multi-Paxos side by side, one crash acts on both', async () => {
  const errors = [];
  const page = await open('./?compare=1&servers=5&seed=3&speed=0.5&pace=0', errors);
  const zab = '[data-protocol="zab"]';
  const paxos = '[data-protocol="paxos"]';
  await page.waitForSelector(`${zab} [data-mode="leader"]`, { timeout: 30_000 });
  await page.waitForSelector(`${paxos} [data-mode="leader"]`, { timeout: 30_000 });
  assert.equal(await page.locator(`${zab} [data-server]`).count(), 5);
  assert.equal(await page.locator(`${paxos} [data-server]`).count(), 5);
  assert.match(await page.locator('.explanations .intro').textContent(), /ZooKeeper does not run Paxos/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-compare-1-leaders.png'), fullPage: true });

  // Crash the Zab side's leader once, through the shared controls: both sides lose that server.
  const victim = Number(await page.getAttribute(`${zab} [data-mode="leader"]`, 'data-server'));
  await page.getByRole('button', { name: `s${victim}`, exact: true }).click();
  await page.getByRole('button', { name: `Crash s${victim}`, exact: true }).click();
  await page.waitForSelector(`${zab} [data-server="${victim}"][data-mode="down"]`);
  await page.waitForSelector(`${paxos} [data-server="${victim}"][data-mode="down"]`);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-compare-2-crashed.png'), fullPage: true });

  // Both recover a leader (another server), and the explanation panel says what differs.
  for (const side of [zab, paxos]) {
    await page.waitForFunction(
      ([s, v]) => {
        const l = document.querySelector(`${s} [data-mode="leader"]`);
        return l && l.getAttribute('data-server') !== String(v);
      },
      [side, victim],
      { timeout: 60_000 },
    );
  }
  await page.waitForSelector('.explanation', { timeout: 30_000 });
  assert.ok((await page.locator('.explanation').count()) >= 1);
  assert.equal(await page.locator(`${zab} [data-server="${victim}"]`).getAttribute('data-mode'), 'down');
  assert.equal(await page.locator(`${paxos} [data-server="${victim}"]`).getAttribute('data-mode'), 'down');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-compare-3-recovered.png'), fullPage: true });

  // Restart it on both; a write at another server is taken by both.
  await page.getByRole('button', { name: `Restart s${victim}`, exact: true }).click();
  await page.waitForSelector(`${zab} [data-server="${victim}"]:not([data-mode="down"])`);
  await page.waitForSelector(`${paxos} [data-server="${victim}"]:not([data-mode="down"])`);
  // Steady writes go to both: Zab commits them (a leader's zxid moves past epoch start) and
  // Multi-Paxos chooses them (a leader learns slots).
  await page.getByRole('button', { name: 'Steady writes' }).click();
  await page.waitForFunction(
    ([z, p]) => {
      const zl = document.querySelector(`${z} [data-mode="leader"]`);
      const pl = document.querySelector(`${p} [data-mode="leader"]`);
      return zl && pl && (BigInt(zl.getAttribute('data-zxid')) & 0xffffffffn) >= 2n
        && Number(pl.getAttribute('data-chosen')) >= 2;
    },
    [zab, paxos],
    { timeout: 60_000 },
  );
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-compare-4-writes.png'), fullPage: true });
  for (const v of await page.locator('.invariants').evaluateAll((els) => els.map((e) => e.dataset.violations))) {
    assert.equal(v, '0', 'an invariant was violated');
  }
  assert.equal(await page.locator('#error-banner').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('paced at the default speed, every vote of the first election stays on screen >= 0.6 s', async () => {
  const errors = [];
  const page = await open('./?servers=5&seed=3', errors);
  await page.waitForSelector('[data-server="1"]');
  // Sample in the page, every animation frame, when each vote first and last showed.
  const seen = await page.evaluate(
    () =>
      new Promise((done) => {
        const spans = {};
        const start = performance.now();
        let first = null;
        const tick = (now) => {
          first ??= now;
          for (const g of document.querySelectorAll('[data-kind="NOTIFICATION"]')) {
            const id = g.getAttribute('data-msg');
            spans[id] ??= [now, now];
            spans[id][1] = now;
          }
          if (now - start < 12_000) requestAnimationFrame(tick);
          else done({ spans, first, end: now });
        };
        requestAnimationFrame(tick);
      }),
  );
  // Votes that arrived within the window (not still flying at its end), and were sent in it
  // (not already flying at its first frame).
  const votes = Object.values(seen.spans).filter(([a, b]) => b < seen.end - 200 && a > seen.first);
  assert.ok(votes.length >= 10, `only ${votes.length} votes seen`);
  const short = votes.filter(([a, b]) => b - a < 550);
  assert.deepEqual(short, [], `votes on screen less than 0.6 s: ${JSON.stringify(short)}`);
  await noTrouble(page, errors);
  await page.close();
});

test('protocol=paxos-single: it starts by itself, one decree chosen once and learned', async () => {
  const errors = [];
  const page = await open('./?protocol=paxos-single&servers=3&seed=2&speed=1&pace=0', errors);
  await page.waitForSelector('[data-protocol="paxos-single"] [data-server="1"]');
  assert.match(await page.locator('.protocol-tag').textContent(), /single-decree/);
  // No user action: two clients propose at once (the duel the mode is about) and one wins.
  await page.waitForFunction(
    () => document.querySelectorAll('[data-server][data-chosen="1"]').length === 3,
    null,
    { timeout: 30_000 },
  );
  await page.waitForSelector('.req.committed', { timeout: 30_000 });
  // A later proposal is refused: the single decree is decided.
  await page.selectOption('#client-at', '1');
  await page.fill('#client-path', '/decree');
  await page.fill('#client-data', 'late');
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  await page.waitForSelector('.req.refused', { timeout: 30_000 });
  // The comparison is one link away.
  assert.match(await page.locator('.compare-link').getAttribute('href'), /compare=1/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-paxos-single.png'), fullPage: true });
  await noTrouble(page, errors);
  await page.close();
});

test('message labels never overlap: 10 s at 7 servers under steady writes', async () => {
  const errors = [];
  const page = await open('./?servers=7&seed=4&writes=20&speed=0.3', errors);
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  let samples = 0;
  let labelled = 0;
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(250);
    const boxes = await page.locator('.ring .msg text').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { l: r.left, t: r.top, r: r.right, b: r.bottom, text: e.textContent };
      }),
    );
    samples++;
    labelled += boxes.length;
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [p, q] = [boxes[a], boxes[b]];
        const overlap = p.l < q.r - 0.5 && q.l < p.r - 0.5 && p.t < q.b - 0.5 && q.t < p.b - 0.5;
        assert.ok(!overlap, `"${p.text}" and "${q.text}" overlap`);
      }
    }
  }
  assert.ok(labelled > samples, `labels were drawn (${labelled} over ${samples} samples)`);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-labels-7.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first-run hint: on a bare URL only, follows what you do, ends for good', async () => {
  const errors = [];
  const page = await open('./', errors);
  const tour = page.getByRole('region', { name: 'Tour' });
  await tour.waitFor();
  assert.match(await tour.textContent(), /Crash the leader/);
  // Never over the ring or the controls.
  const [t, ring, bar] = await Promise.all(
    ['.tour', '.ring', '.controls'].map((s) => page.locator(s).boundingBox()),
  );
  for (const other of [ring, bar]) {
    const apart = t.x >= other.x + other.width || other.x >= t.x + t.width
      || t.y >= other.y + other.height || other.y >= t.y + t.height;
    assert.ok(apart, 'the tour card overlaps the ring or the controls');
  }
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  const leader = await leaderId(page);
  await page.click(`[data-server="${leader}"]`);
  await page.getByRole('dialog').getByRole('button', { name: /^Crash/ }).click();
  await page.waitForSelector('.tour[data-tour-step="1"]');
  assert.match(await tour.textContent(), /Cut a link/);
  await page.getByRole('button', { name: 'End the tour' }).click();
  assert.equal(await page.locator('.tour').count(), 0);
  // Ended: the bare URL shows it no more, in this browser.
  await page.goto(page.url());
  await page.waitForSelector('[data-server="1"]');
  assert.equal(await page.locator('.tour').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
  // Not on a shared link, not in an embed, unless tour=1; tour=0 never.
  for (const [query, shown] of [['./?seed=3', 0], ['./?embed=1&tour=1', 0], ['./?seed=3&tour=1', 1]]) {
    const p = await open(query, []);
    await p.waitForSelector('[data-server="1"]');
    assert.equal(await p.locator('.tour').count(), shown, query);
    await p.close();
  }
});

test('1280x800: nothing scrolls; the ring, grid, banner, controls and client box are in view', async () => {
  const errors = [];
  const page = await open('./?seed=2&servers=25&observers=5', errors, (p) => p.setViewportSize({ width: 1280, height: 800 }));
  await page.waitForSelector('[data-server="30"]');
  await page.waitForTimeout(1500);
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(h <= 800, `the page is ${h} px tall`);
  for (const sel of ['.ring', '.log-grid', '.banner', '.controls', '.client']) {
    const b = await page.locator(sel).first().boundingBox();
    assert.ok(b && b.y >= 0 && b.y + b.height <= 800, `${sel} out of view: ${JSON.stringify(b)}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('paint order: messages are drawn after every node, and a click on one reaches it', async () => {
  const errors = [];
  const page = await open('./?seed=5&servers=7&writes=10', errors, (p) => p.setViewportSize({ width: 1280, height: 800 }));
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  // The messages' layer follows the nodes' layer in the document, so it paints above it.
  const order = await page.evaluate(() => {
    const cards = document.querySelector('.ring .layer.cards');
    const moving = document.querySelector('.ring .layer.moving');
    return Boolean(cards.compareDocumentPosition(moving) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(order, 'the messages layer must come after the nodes layer');
  // Whatever a message's dot is over, it is the topmost thing at its centre.
  let checked = 0;
  for (let i = 0; i < 20 && checked < 30; i++) {
    await page.getByRole('button', { name: 'Pause' }).click();
    checked += await page.evaluate(() => {
      let n = 0;
      for (const c of document.querySelectorAll('.ring .msg circle')) {
        const r = c.getBoundingClientRect();
        const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (!top || !top.closest('.msg')) throw new Error(`a message is under ${top?.outerHTML.slice(0, 80)}`);
        n++;
      }
      return n;
    });
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(200);
  }
  assert.ok(checked >= 10, `only ${checked} messages seen`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('no layout shift over 20 s of play, and a paused page asks for no animation frames', async () => {
  const errors = [];
  const page = await open('./?seed=6&writes=10', errors, async (p) => {
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.addInitScript(() => {
      window.__cls = 0;
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.hadRecentInput) continue;
          window.__cls += e.value;
          window.__shifts.push(e.sources?.map((s) => s.node?.className?.baseVal ?? s.node?.className ?? s.node?.nodeName).join(' '));
        }
      }).observe({ type: 'layout-shift', buffered: true });
      window.__frames = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => { window.__frames++; return raf(cb); };
    });
  });
  await page.waitForSelector('[data-server="5"]');
  await page.waitForTimeout(1000);
  const start = await page.evaluate(() => window.__cls);
  await page.waitForTimeout(20_000);
  const { cls, shifts } = await page.evaluate(() => ({ cls: window.__cls, shifts: window.__shifts }));
  assert.equal(cls - start, 0, `layout shifted by ${cls - start}: ${shifts.join(' | ')}`);
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => window.__frames);
  await page.waitForTimeout(2000);
  const after = await page.evaluate(() => window.__frames);
  assert.ok(after - before <= 1, `${after - before} animation frames requested while paused`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone: tap a server, tap Crash, it goes down', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await phone.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('./?seed=1&tour=0', baseUrl).href);
  await page.waitForSelector('[data-mode="leader"]', { timeout: 30_000 });
  const leader = await leaderId(page);
  await page.tap(`[data-server="${leader}"] .card`);
  await page.getByRole('dialog').getByRole('button', { name: /^Crash/ }).tap();
  await page.waitForSelector(`[data-server="${leader}"][data-mode="down"]`);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-phone-crash.png') });
  assert.deepEqual(errors, []);
  await browser.close();
});

test('compare=1 has the main page controls: slider, step, one-way cuts on both sides, inspectors', async () => {
  const errors = [];
  const page = await open('./?compare=1&servers=3&seed=2', errors);
  const [zab, paxos] = ['[data-protocol="zab"]', '[data-protocol="paxos"]'];
  await page.waitForSelector(`${zab} [data-server="1"]`);
  // The same slider as the main page, with its spoken value.
  assert.match(await page.getAttribute('#speed', 'aria-valuetext'), /×/);
  await page.getByRole('button', { name: 'Step to the next event' }).waitFor();
  // A click on a link on the Paxos side opens its menu there; one direction is cut on both.
  await page.locator(`${paxos} [data-link="1-2"]`).dispatchEvent('click');
  const menu = page.getByRole('dialog', { name: 'Link s1–s2' });
  await menu.getByRole('button', { name: 'Cut s1→s2' }).click();
  await page.waitForSelector(`${zab} [data-link="1-2"][data-cut="a-b"]`);
  await page.waitForSelector(`${paxos} [data-link="1-2"][data-cut="a-b"]`);
  await page.keyboard.press('Escape');
  // Picking a server shows it in both inspectors.
  await page.locator(`${zab} [data-server="2"]`).click();
  await page.getByRole('region', { name: 'Inspector: s2' }).first().waitFor();
  assert.equal(await page.getByRole('region', { name: 'Inspector: s2' }).count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('opening the settings moves nothing: they open over the page', async () => {
  const errors = [];
  const page = await open('./?seed=1&tour=0', errors, (p) => p.setViewportSize({ width: 1280, height: 800 }));
  await page.waitForSelector('[data-server="5"]');
  const before = await page.locator('.ring').boundingBox();
  await page.getByText('Ensemble settings').click();
  await page.locator('#seed').waitFor();
  const after = await page.locator('.ring').boundingBox();
  assert.deepEqual(after, before, 'the ring moved when the settings opened');
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(h <= 800, `the page is ${h} px tall with the settings open`);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-settings.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('clients: connect from the Clients tab, a client drawn with its wire, moved with its session, crashed from its menu', async () => {
  const errors = [];
  const page = await open('./?seed=1&tour=0&speed=1&pace=0', errors);
  await page.waitForSelector('[data-mode="leader"]');
  await page.click('[data-tab=clients]');
  await page.click('.client-panel form.connect button');
  const c1 = page.locator('[data-client="c1"]');
  await page.waitForSelector('[data-client="c1"][data-state="connected"]', { timeout: 20000 });
  // Its wire runs to the server it is connected to (the first of its list: s1).
  assert.equal(await page.locator('.client-wire.up[data-link="c1-1"]').count(), 1);
  await page.waitForSelector('[data-session="c1"]');
  // A create from the panel, answered with its zxid.
  await page.selectOption('#req-op', 'create');
  await page.fill('#req-path', '/app');
  await page.click('.client-panel form.request button');
  await page.waitForSelector('.result:has-text("created /app")', { timeout: 20000 });
  // Moved to s2 (a new connect string), it resumes the same session there.
  const session = await page.locator('.client-list .pick.connected .session').first().textContent();
  await c1.locator('.node').click();
  await page.selectOption('#client-move-to', '2');
  await page.click('.client-menu button:has-text("Move")');
  await page.waitForSelector('.client-wire.up[data-link="c1-2"]', { timeout: 20000 });
  assert.equal(await page.locator('.client-list .pick.connected .session').first().textContent(), session);
  // The client's menu, from the keyboard: Enter on it, then Crash.
  await c1.locator('.node').focus();
  await page.keyboard.press('Enter');
  await page.click('.client-menu button:has-text("Crash")');
  await page.waitForSelector('[data-client="c1"][data-state="crashed"]');
  await page.screenshot({ path: join(ARTIFACTS, 'clients.png') });
  await noTrouble(page, errors);
});

test('a stale read made visible: the stale-read preset marks the old answer, sync fixes it', async () => {
  const errors = [];
  const page = await open('./?scenario=stale_read&tour=0&speed=5&pace=0', errors);
  await page.click('[data-tab=clients]');
  const stale = page.locator('.result[data-stale="stale"]');
  await stale.waitFor({ timeout: 60000 });
  assert.match(await stale.textContent(), /"old".*stale: leader s\d has mzxid 0x100000004/);
  await page.screenshot({ path: join(ARTIFACTS, 'stale-read.png') });
  await page.waitForSelector('.preset-state:has-text("is over")', { timeout: 60000 });
  // After sync the same read sees the new value, and is fresh (the panel follows within its
  // throttle).
  await page.locator('.result[data-stale="fresh"]', { hasText: '"new"' }).waitFor();
  const last = page.locator('.result').last();
  assert.equal(await last.getAttribute('data-stale'), 'fresh');
  assert.match(await last.textContent(), /"new"/);
  assert.match(await page.evaluate(() => location.search), /scenario=stale_read/);
  await noTrouble(page, errors);
});

test('the lock recipe: the holder crashes, the next one is shown holding; a paused holder is fenced off', async () => {
  const errors = [];
  const page = await open('./?scenario=lock&tour=0&speed=2&pace=0', errors);
  await page.click('[data-tab=clients]');
  // Who the ring shows holding /lock, sampled every 50 ms until the preset is over.
  const seen = [];
  const sample = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-holder="/lock"]')].map((e) => ({
        name: e.dataset.client,
        live: e.dataset.state === 'connected' && e.dataset.paused !== 'true',
      })),
    );
  let shot = 0;
  while (!(await page.locator('.preset-state:has-text("is over")').count())) {
    const holders = await sample();
    const names = holders.map((h) => h.name).join(',');
    if (seen.at(-1) !== names) seen.push(names);
    // Never two holders that both run with a live connection: the one asleep is the lesson.
    assert.ok(holders.filter((h) => h.live).length <= 1, `two live holders: ${JSON.stringify(holders)}`);
    if (names === 'c2' && !shot++) await page.screenshot({ path: join(ARTIFACTS, 'lock-c2.png') });
    await page.waitForTimeout(50);
  }
  // c1 held; its process died and, once its session expired, c2 held; c2 slept past its
  // session, c3 took the lock while c2 still believed it held; then only c3.
  assert.deepEqual(seen.filter((s) => s), ['c1', 'c2', 'c2,c3', 'c3']);
  assert.equal(await page.getAttribute('[data-client="c1"]', 'data-state'), 'crashed');
  // The paused c2 woke and wrote with its old token: the resource refused it.
  assert.ok(await page.locator('.resource [data-fenced="true"]').count() >= 1);
  await page.screenshot({ path: join(ARTIFACTS, 'lock-fenced.png') });
  await noTrouble(page, errors);
});

test('the inspector shows the tree against the leader, and srvr / cons / dump', async () => {
  const errors = [];
  const page = await open('./?seed=3&speed=1&writes=10&pace=0', errors, (p) => p.setViewportSize({ width: 1280, height: 800 }));
  await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  const leader = await leaderId(page);
  const follower = leader === 1 ? 2 : 1;
  // Let the steady writes reach /k0 … /k7, then select a follower and open its inspector.
  await page.waitForFunction(() => Number(document.querySelector('[data-mode="leader"]').getAttribute('data-zxid')) >= 0x100000010, null, { timeout: 30_000 });
  await page.keyboard.press(String(follower));
  await page.getByRole('tab', { name: 'Inspector' }).click();
  const inspector = page.getByRole('region', { name: `Inspector: s${follower}` });
  await inspector.waitFor();
  const tree = inspector.getByRole('region', { name: `Znode tree of s${follower}` });
  await tree.waitFor();
  const diffs = ['same', 'missing', 'only-here', 'differs'];
  for (let k = 0; k < 8; k++) {
    const row = tree.locator(`li[data-path="/k${k}"]`);
    await row.waitFor();
    assert.ok(diffs.includes(await row.getAttribute('data-diff')), `/k${k}`);
  }
  for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
    assert.equal(await tree.locator(`li[data-path="${p}"]`).count(), 1, p);
  }
  // srvr, as ZooKeeper prints it: 8 znodes of the writes, the root (counted twice, as
  // DataTree does) and ZooKeeper's own three.
  const words = inspector.locator('.words-text');
  await words.scrollIntoViewIfNeeded();
  const srvr = await words.textContent();
  assert.match(srvr, /^Zookeeper version: /);
  assert.match(srvr, /\nMode: follower\n/);
  assert.match(srvr, /\nNode count: 13\n/);
  await tree.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'tree-1-in-sync.png') });

  // Isolate the follower: the leader's writes go on without it, its tree falls behind and the
  // rows it has not seen change are marked; it serves no clients, so srvr says so.
  await page.keyboard.press('i');
  await page.waitForFunction(() => document.querySelectorAll('.tree li[data-diff="differs"]').length >= 2, null, { timeout: 30_000 });
  assert.match(await inspector.locator('.tree-summary').textContent(), /znodes? behind the leader s\d \(last processed 0x[0-9a-f]+ vs 0x[0-9a-f]+\)/);
  await page.waitForFunction(() => document.querySelector('.words-text').textContent.includes('not currently serving requests'), null, { timeout: 10_000 });
  await tree.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'tree-2-isolated.png') });

  // The switch works from the keyboard; the leader's dump shows its session tracker.
  await page.keyboard.press(String(leader));
  await page.getByRole('region', { name: `Inspector: s${leader}` }).waitFor();
  const dump = page.getByRole('button', { name: 'dump', exact: true });
  await dump.focus();
  await page.keyboard.press('Enter');
  assert.equal(await dump.getAttribute('aria-pressed'), 'true');
  const text = await page.locator('.words-text').textContent();
  assert.match(text, /^SessionTracker dump:\nSession Sets \(\d+\)\/\(\d+\):\n/);
  assert.match(text, /ephemeral nodes dump:\nSessions with Ephemerals \(0\):\n/);
  await page.getByRole('button', { name: 'cons', exact: true }).click();
  assert.equal(await page.locator('.words-text').getAttribute('data-word'), 'cons');
  // The leader has no other leader to compare with: every row is the same.
  assert.equal(await page.locator('.tree li:not([data-diff="same"])').count(), 0);
  await page.locator('.words').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'tree-3-leader-cons.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.keyboard.press(String(follower));
  await page.locator('.tree li[data-diff="differs"]').first().waitFor();
  await page.locator('.tree-section').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'tree-4-dark.png') });
  await noTrouble(page, errors);
  await page.close();
});

test('the timeline: scrub back (paused, hashed), fork with a crash, switch branches, go live', async () => {
  const errors = [];
  const page = await open('./?servers=5&seed=3&speed=0.5&pace=0&tour=0', errors);
  await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  await page.waitForFunction(() => Number(document.querySelector('.app').dataset.t) > 4000, null, { timeout: 30_000 });
  const app = page.locator('.app');
  assert.equal(await app.getAttribute('data-state-hash'), null, 'no hash while playing');

  // Scrub back: the page pauses at that moment and shows its state hash.
  const time = page.getByRole('slider', { name: 'Time' });
  await time.fill('2000');
  await page.waitForSelector('.timebar.past');
  assert.equal(await app.getAttribute('data-t'), '2000');
  const hash = await app.getAttribute('data-state-hash');
  assert.match(hash, /^[0-9a-f]{16}$/);
  // The same moment twice is the same state.
  await time.fill('3000');
  await time.fill('2000');
  assert.equal(await app.getAttribute('data-state-hash'), hash);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-timeline-past.png') });

  // Acting in the past forks a branch.
  await page.click('[data-server="1"]');
  await page.getByRole('dialog', { name: 'Server s1' }).getByRole('button', { name: /^Crash/ }).click();
  await page.waitForSelector('[data-branch="2"][aria-current="true"]');
  await page.waitForSelector('[data-server="1"][data-mode="down"]');
  assert.equal(await page.locator('.timebar.past').count(), 0, 'the new branch is at its live edge');

  // The first branch is whole: s1 never crashed there.
  await page.locator('[data-branch="1"] button.branch').click();
  await page.waitForSelector('[data-branch="1"][aria-current="true"]');
  assert.notEqual(await page.getAttribute('[data-server="1"]', 'data-mode'), 'down');
  await page.getByRole('button', { name: 'Live' }).click();
  await page.waitForFunction(() => !document.querySelector('.app').hasAttribute('data-state-hash'));
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-timeline-branches.png') });
  await noTrouble(page, errors);
  await page.close();
});

/** The CLI, built if needed (`cargo build --release --bin zabscope`, honouring CARGO_TARGET_DIR). */
function zabscopeCli() {
  execFileSync('cargo', ['build', '--release', '--bin', 'zabscope'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(process.env.CARGO_TARGET_DIR ?? 'target', 'release', 'zabscope');
}

/** What `zabscope run FILE --hash` prints last: the state hash at the script's end. */
function cliHash(cli, file) {
  const out = execFileSync(cli, ['run', file, '--hash'], { encoding: 'utf8' });
  return out.trim().split('\n').pop().replace(/^state-hash /, '');
}

test('run files: export the script and trace, open a script (the CLI hash), a bad one changes nothing', async () => {
  const cli = zabscopeCli();
  const dir = await mkdtemp(join(tmpdir(), 'zabscope-files-'));
  const errors = [];
  const page = await open('./?servers=3&seed=8&speed=1&pace=0&writes=10&tour=0', errors);
  const app = page.locator('.app');
  await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  await page.waitForFunction(() => Number(document.querySelector('.app').dataset.t) > 2000, null, { timeout: 30_000 });

  // Export while playing pauses first: the file ends where the page stands.
  const exportAs = async (label) => {
    const saved = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('button', { name: label }).click();
    const d = await saved;
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    return { path, name: d.suggestedFilename(), text: await readFile(path, 'utf8') };
  };
  const script = await exportAs('Script (.zs)');
  assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1, 'paused');
  const [t, hash] = [await app.getAttribute('data-t'), await app.getAttribute('data-state-hash')];
  assert.match(hash, /^[0-9a-f]{16}$/);
  assert.equal(script.name, `zabscope-run-${t}ms.zs`);
  assert.match(script.text, /^# Exported from ZabScope at t = /);
  assert.match(script.text, /\nwrites 10\n/);
  // The CLI replays the exported script to the state on show.
  assert.equal(cliHash(cli, script.path), hash);
  // The trace the page exports is what `zabscope run --trace` writes for that script.
  const trace = await exportAs('Trace (JSON lines)');
  const cliTrace = join(dir, 'cli.jsonl');
  execFileSync(cli, ['run', script.path, '--trace', cliTrace]);
  assert.equal(trace.text, await readFile(cliTrace, 'utf8'));
  assert.ok(trace.text.split('\n').length > 100);
  const shiviz = await exportAs('ShiViz log');
  assert.match(shiviz.text, /^(env|s\d) \{/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-files-exported.png') });

  // Open a known-good script through the file input: it replays to its end, paused, at the
  // state `zabscope run FILE --hash` prints.
  const good = 'tests/scenarios/leader_crash.zs';
  const want = cliHash(cli, good);
  const input = page.locator('input[type="file"]');
  await input.setInputFiles({ name: 'leader_crash.zs', mimeType: 'text/plain', buffer: await readFile(good) });
  await page.waitForFunction((h) => document.querySelector('.app').dataset.stateHash === h, want, { timeout: 30_000 });
  assert.equal(await app.getAttribute('data-t'), '2810');
  assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1, 'paused at its end');
  await page.waitForSelector('text=/Opened leader_crash.zs: \\d+ lines, 15 expectations held/');
  // Its timeline holds the run: scrub back into it and forth to its end again.
  const time = page.getByRole('slider', { name: 'Time' });
  await time.fill('1000');
  await page.waitForSelector('.timebar.past');
  assert.equal(await app.getAttribute('data-t'), '1000');
  await time.fill('2810');
  await page.waitForFunction((h) => document.querySelector('.app').dataset.stateHash === h, want);
  assert.equal(await page.locator('.timebar.past').count(), 0);

  // A bad file: the status names the file and the line, and nothing else changes.
  const bad = Buffer.from('servers 3\nstart all\nexplode 2\nrun 1s\n');
  await input.setInputFiles({ name: 'bad.zs', mimeType: 'text/plain', buffer: bad });
  await page.waitForSelector('.status:has-text("bad.zs line 3")');
  assert.equal(await app.getAttribute('data-state-hash'), want);
  assert.equal(await app.getAttribute('data-t'), '2810');

  // The menu without a mouse: Enter opens it on its first item, Escape closes it and gives
  // the focus back.
  const exportButton = page.getByRole('button', { name: 'Export' });
  await exportButton.focus();
  await page.keyboard.press('Enter');
  assert.equal(await exportButton.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.export), 'script');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.run-export-menu').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('run-export-button')), true);
  // A click anywhere else closes it too.
  await exportButton.click();
  await page.waitForSelector('.run-export-menu');
  await page.click('.banner');
  assert.equal(await page.locator('.run-export-menu').count(), 0);

  // The same script dropped on the page opens too.
  const text = await readFile(script.path, 'utf8');
  const dt = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.zs', { type: 'text/plain' }));
    return dt;
  }, text);
  await page.dispatchEvent('.layout', 'dragover', { dataTransfer: dt });
  await page.waitForSelector('.run-drop');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-files-drop.png') });
  await page.dispatchEvent('.layout', 'drop', { dataTransfer: dt });
  await page.waitForFunction((h) => document.querySelector('.app').dataset.stateHash === h, hash, { timeout: 30_000 });
  assert.equal(await app.getAttribute('data-t'), t);
  assert.equal(await page.locator('.run-drop').count(), 0);
  await noTrouble(page, errors);
  await page.close();
});

test('the space-time diagram: lanes and arrows, a click moves the page there, keys walk and zoom, filters hide', async () => {
  const errors = [];
  const page = await open('./?servers=5&seed=3&speed=0.5&pace=0&tour=0', errors);
  await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
  const app = page.locator('.app');
  const before = await page.evaluate(() => document.querySelector('.stage-wrap').getBoundingClientRect().top);
  await page.getByRole('button', { name: 'Diagram' }).click();
  await page.waitForSelector('[data-timeline] .arrow');
  // It opens in view, without scrolling the page and without moving the ring.
  const fit = await page.evaluate(() => ({
    bottom: document.querySelector('[data-timeline]').getBoundingClientRect().bottom,
    scroll: document.scrollingElement.scrollTop,
    overflow: document.documentElement.scrollHeight - innerHeight,
    ring: document.querySelector('.stage-wrap').getBoundingClientRect().top,
  }));
  assert.ok(fit.bottom <= 900 && fit.scroll === 0 && fit.overflow <= 0, JSON.stringify(fit));
  assert.equal(fit.ring, before, 'the ring stays where it was');
  const lanes = await page.$$eval('[data-timeline] [data-lane]', (ls) => ls.map((l) => l.dataset.lane));
  assert.deepEqual(lanes, ['1', '2', '3', '4', '5']);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-diagram.png') });

  // A click on an arrow: paused at the moment it was half way, and it is on the ring, highlighted.
  await page.locator('body').press('k');
  await page.getByRole('button', { name: 'Play' }).first().waitFor();
  const arrow = page.locator('[data-timeline] .arrow:not(.PING):not(.open)').last();
  const [id, jump] = [await arrow.getAttribute('data-msg-id'), await arrow.getAttribute('data-jump')];
  await arrow.click({ force: true });
  await page.waitForFunction(() => document.querySelector('.app').hasAttribute('data-state-hash'));
  assert.equal(await app.getAttribute('data-t'), jump);
  await page.waitForSelector(`[data-msg="${id}"].hot`);
  await page.waitForSelector(`[data-timeline] [data-msg-id="${id}"].hot`);

  // Hovering a message on the ring highlights its arrow.
  const other = page.locator('[data-msg]:not(.hot)').first();
  if (await other.count()) {
    const oid = await other.getAttribute('data-msg');
    await other.hover({ force: true });
    await page.waitForSelector(`[data-timeline] [data-msg-id="${oid}"].hot`);
  }

  // The keyboard walks from event to event and says each in words; Enter goes there.
  await page.locator('[data-timeline]').focus();
  await page.keyboard.press('ArrowRight');
  const said = await page.locator('[data-timeline] [aria-live]').textContent();
  assert.match(said, /(from s\d to s\d, sent at|: )/);
  await page.keyboard.press('ArrowRight');
  const said2 = await page.locator('[data-timeline] [aria-live]').textContent();
  assert.notEqual(said2, said);
  // Zoom in with the keyboard: the axis spans less.
  const span = async () => page.$$eval('[data-timeline] .axis text', (ts) => ts.map((t) => t.textContent));
  const wide = await span();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  assert.notDeepEqual(await span(), wide);
  // Ctrl + wheel zooms too; a plain wheel leaves the diagram alone.
  const box = await page.locator('[data-timeline]').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const zoomed = await span();
  await page.mouse.wheel(0, 300);
  assert.deepEqual(await span(), zoomed, 'a plain wheel does not zoom');
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 300);
  await page.keyboard.up('Control');
  await page.waitForFunction((z) => JSON.stringify([...document.querySelectorAll('[data-timeline] .axis text')].map((t) => t.textContent)) !== z, JSON.stringify(zoomed));

  // Filters: hide PINGs.
  await page.getByRole('button', { name: 'Follow the playhead' }).click();
  await page.locator('.kinds summary').click();
  const ping = page.getByRole('checkbox', { name: 'PING' });
  if (await ping.count()) {
    await ping.uncheck();
    assert.equal(await page.locator('[data-timeline] .arrow.PING').count(), 0);
  }
  // Jumps: the next election from the start.
  await page.getByRole('slider', { name: 'Time' }).fill('0');
  await page.getByRole('button', { name: 'Next election' }).click();
  await page.waitForFunction(() => Number(document.querySelector('.app').dataset.t) > 0);
  // The info tab tells the same state hash, what the seek replayed, and the wasm memory.
  await page.getByRole('tab', { name: 'Info' }).click();
  const infoHash = await page.locator('.info dd').first().textContent();
  assert.equal(infoHash, await app.getAttribute('data-state-hash'));
  const bytes = Number(await page.getAttribute('[data-wasm-bytes]', 'data-wasm-bytes'));
  assert.ok(bytes > 1e6 && bytes < 256 * 2 ** 20, `${bytes} bytes of wasm memory`);
  await noTrouble(page, errors);
  await page.close();
});

test('the space-time diagram exports as SVG and PNG: what is on show, standing alone, in either theme', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zabscope-diagram-'));
  for (const theme of ['light', 'dark']) {
    const errors = [];
    const page = await open(`./?servers=5&seed=3&speed=1&pace=0&writes=5&tour=0&theme=${theme}`, errors);
    const app = page.locator('.app');
    await page.waitForSelector('.banner.broadcast', { timeout: 30_000 });
    let downloads = 0;
    page.on('download', () => downloads++);
    const exportAs = async (label) => {
      const saved = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export' }).click();
      await page.getByRole('button', { name: label }).click();
      const d = await saved;
      const path = join(dir, `${theme}-${d.suggestedFilename()}`);
      await d.saveAs(path);
      return { path, name: d.suggestedFilename(), bytes: await readFile(path) };
    };

    // With the drawer closed there is nothing to draw: the status line says so, nothing saved.
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('button', { name: 'Diagram (SVG)' }).click();
    await page.waitForSelector('.status:has-text("Open the space-time diagram")');
    assert.equal(downloads, 0);

    // Open it, play a few seconds, filter a kind out: the export is what is on show, paused.
    await page.getByRole('button', { name: 'Diagram' }).click();
    await page.waitForSelector('[data-timeline] .arrow');
    await page.waitForFunction(() => Number(document.querySelector('.app').dataset.t) > 4000, null, { timeout: 30_000 });
    await page.locator('.kinds summary').click();
    await page.getByRole('checkbox', { name: 'PING' }).uncheck();
    await page.locator('.kinds summary').click();
    const svg = await exportAs('Diagram (SVG)');
    assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1, 'paused');
    const t = await app.getAttribute('data-t');
    assert.equal(svg.name, `zabscope-diagram-${t}ms.svg`);
    await page.waitForSelector(`.status:has-text("Exported zabscope-diagram-${t}ms.svg")`);
    const text = svg.bytes.toString('utf8');
    const live = await page.evaluate(() => {
      const root = document.querySelector('[data-timeline] svg');
      const r = root.getBoundingClientRect();
      return {
        ids: [...root.querySelectorAll('[data-msg-id]')].map((g) => g.dataset.msgId),
        strokes: [...root.querySelectorAll('[data-msg-id] path')].map((p) => getComputedStyle(p).stroke),
        width: r.width,
        height: r.height,
      };
    });
    assert.ok(live.ids.length > 10, `${live.ids.length} arrows on show`);
    const file = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      const arrows = [...doc.querySelectorAll('[data-msg-id]')];
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        ns: root.namespaceURI,
        tag: root.localName,
        viewBox: root.getAttribute('viewBox'),
        title: root.querySelector(':scope > title')?.textContent,
        background: root.querySelector(':scope > rect.background')?.style.fill,
        ids: arrows.map((g) => g.dataset.msgId),
        styled: arrows.every((g) => g.style.stroke && g.style.fill),
        pings: doc.querySelectorAll('.arrow.PING').length,
        lanes: [...doc.querySelectorAll('[data-lane]')].map((l) => l.dataset.lane),
        interactive: doc.querySelectorAll('[tabindex], [aria-live], [aria-hidden]').length,
      };
    }, text);
    assert.equal(file.error, null);
    assert.equal(file.ns, 'http://www.w3.org/2000/svg');
    assert.equal(file.tag, 'svg');
    assert.match(file.viewBox, /^0 0 \d/);
    assert.match(file.title, /^ZabScope space-time diagram: zab, 5 servers, seed 3, from [\d.]+ s to [\d.]+ s, the playhead at \d+ ms, hiding PING$/);
    assert.equal(file.background, theme === 'dark' ? 'rgb(26, 28, 34)' : 'rgb(255, 255, 255)');
    assert.deepEqual(file.ids, live.ids, 'the same arrows as on show');
    assert.ok(file.styled, 'every arrow carries its stroke and fill');
    assert.equal(file.pings, 0, 'the filter holds');
    assert.deepEqual(file.lanes, ['1', '2', '3', '4', '5']);
    assert.equal(file.interactive, 0);

    // It stands alone: in a page without the stylesheet it draws the same colours.
    const bare = await open('about:blank', errors);
    await bare.setContent(`<!doctype html><body style="margin:0">${text.replace(/^<\?xml[^>]*>/, '')}</body>`);
    const strokes = await bare.$$eval('[data-msg-id] path', (ps) => ps.map((p) => getComputedStyle(p).stroke));
    assert.deepEqual(strokes, live.strokes);
    await bare.screenshot({ path: join(ARTIFACTS, `e2e-diagram-export-${theme}.png`) });
    await bare.close();

    // The PNG: a PNG, at least as wide as the diagram on the page.
    const png = await exportAs('Diagram (PNG)');
    assert.equal(png.name, `zabscope-diagram-${t}ms.png`);
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    assert.ok(w >= live.width && h >= live.height, `${w}×${h} for ${live.width}×${live.height}`);
    assert.ok(png.bytes.length > 10_000, `${png.bytes.length} bytes`);
    await writeFile(join(ARTIFACTS, `e2e-diagram-export-${theme}-file.png`), png.bytes);
    assert.equal(downloads, 2);
    await noTrouble(page, errors);
    await page.close();
  }
});

test('the comparison: one space-time diagram per ensemble, one playhead, each with its own hash when paused', async () => {
  const errors = [];
  const page = await open('./?compare=1&servers=3&seed=2&speed=0.5&pace=0&tour=0', errors);
  await page.getByRole('button', { name: 'Diagram' }).click();
  await page.waitForSelector('[data-timeline][data-protocol="zab"] .arrow.NOTIFICATION', { timeout: 30_000 });
  await page.waitForSelector('[data-timeline][data-protocol="paxos"] .arrow.PREPARE', { timeout: 30_000 });
  const lanes = await page.$$eval('[data-timeline][data-protocol="paxos"] [data-lane]', (ls) => ls.map((l) => l.dataset.lane));
  assert.deepEqual(lanes, ['1', '2', '3']);
  await page.locator('body').press('k');
  await page.waitForSelector('[data-timeline][data-protocol="zab"][data-state-hash]');
  const [zab, paxos] = await Promise.all(['zab', 'paxos'].map((p) =>
    page.getAttribute(`[data-timeline][data-protocol="${p}"]`, 'data-state-hash')));
  assert.match(zab, /^[0-9a-f]{16}$/);
  assert.match(paxos, /^[0-9a-f]{16}$/);
  assert.notEqual(zab, paxos);
  const heads = await page.$$eval('[data-timeline] .playhead', (ps) => ps.map((p) => p.getAttribute('x1')));
  assert.equal(heads.length, 2);
  assert.equal(heads[0], heads[1], 'one playhead');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-compare-diagram.png') });
  await noTrouble(page, errors);
  await page.close();
});
