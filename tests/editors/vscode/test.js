// node test.js URL OUTDIR  (PLAYWRIGHT = path to playwright-core)
// Drives code-server in headless Chromium: opens readiness.md, checks the Problems panel lists the
// fixture's findings, hovers a task, checks the status bar count, and saves screenshots.
'use strict';
const path = require('path');
const { chromium } = require(process.env.PLAYWRIGHT || 'playwright-core');

const [url, out] = process.argv.slice(2);
const WANT = ['env-mismatch', 'missing-evidence', 'broken-link'];
let failures = 0;
const pending = [];
const say = (s) => process.stdout.write(s + '\n');
function check(ok, what, detail) {
  if (ok) say('ok    ' + what);
  else {
    failures++;
    say('FAIL  ' + what + (detail ? ': ' + detail : ''));
  }
  return ok;
}
// The task hover: a failure, unless READINESS_EDITOR_STRICT=0 (a server without hovers yet).
function expectServer(ok, what, detail) {
  if (ok || process.env.READINESS_EDITOR_STRICT !== '0') return check(ok, what, detail);
  pending.push(what);
  say('PENDING ' + what + ': ' + (detail || 'the server returns nothing yet'));
  return false;
}

async function poll(fn, ms, step = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, step));
  }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shot = (name) => page.screenshot({ path: path.join(out, name) }).catch(() => {});
  try {
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    const row = page.locator('.explorer-folders-view .monaco-list-row[aria-label^="readiness.md"]');
    check(await poll(async () => (await row.count()) > 0, 60000), 'the workbench shows the fixture workspace');
    await row.first().dblclick();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 20000 });
    check(true, 'readiness.md opened');

    // Squiggles mean the extension activated, found the server and got diagnostics.
    const squiggles = await poll(async () =>
      (await page.locator('.squiggly-warning, .squiggly-error, .squiggly-info').count()) >= 3, 60000);
    check(squiggles, 'diagnostics drawn in the editor');

    // Problems panel.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+M');
    let panel = await poll(async () => (await page.locator('.markers-panel .monaco-list-row').count()) > 0, 10000);
    if (!panel) {
      await page.keyboard.press('F1');
      await page.keyboard.type('Problems: Focus on Problems View');
      await page.keyboard.press('Enter');
      panel = await poll(async () => (await page.locator('.markers-panel .monaco-list-row').count()) > 0, 10000);
    }
    check(panel, 'the Problems panel lists findings');
    // The list is virtual: rows scrolled out of view are not in the page, so page through it.
    let problems = '';
    await poll(async () => {
      problems = await page.locator('.markers-panel').innerText();
      if (WANT.every((c) => problems.includes(c))) return true;
      await page.locator('.markers-panel .monaco-list-row').first().click();
      for (let i = 0; i < 6 && !WANT.every((c) => problems.includes(c)); i++) {
        await page.keyboard.press('PageDown');
        await page.waitForTimeout(200);
        problems += '\n' + (await page.locator('.markers-panel').innerText());
      }
      await page.keyboard.press('Home');
      return WANT.every((c) => problems.includes(c));
    }, 20000, 1000);
    for (const c of WANT) check(problems.includes(c), `Problems panel shows ${c}`);
    say('      ' + problems.replace(/\n+/g, ' | ').slice(0, 600));

    // Status bar: tasks done / total in the checklist (2 of 5 in the fixture).
    const status = await poll(async () => {
      const t = await page.locator('.statusbar').innerText();
      return /\b2\/5\b/.test(t) ? t : undefined;
    }, 15000);
    check(!!status, 'status bar shows 2/5 tasks done', (await page.locator('.statusbar').innerText()).replace(/\n/g, ' '));

    // Paging the Problems panel may have revealed a related location in another file
    // (.env.production): bring the checklist back to the front before looking for its lines.
    const tab = page.locator('.tabs-container .tab', { hasText: 'readiness.md' }).first();
    if ((await tab.count()) > 0) await tab.click();
    else await row.first().dblclick();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 20000 });

    // Hover a task: the server's docs for it (a markdown hover part, not only the diagnostics).
    const task = page.locator('.monaco-editor .view-line', { hasText: 'Backups scripted' }).first();
    const box = await task.boundingBox();
    let hoverText = '';
    if (check(!!box, 'the task line is on screen')) {
      // On the word "Backups", clear of the squiggle on the evidence path.
      // A hover opens on mouse movement; if it does not open (the editor was still busy),
      // move away and back again, a few times, as a person would.
      let attempt = 0;
      // "Loading..." stands until every hover provider (the server among them) has answered.
      hoverText = (await poll(async () => {
        if (attempt % 12 === 0) {
          // Code lenses arriving above the headings move the line: find it again.
          const b = (await task.boundingBox()) || box;
          await page.mouse.move(b.x + 40, b.y + b.height / 2 + 80);
          await page.mouse.move(b.x + 40, b.y + b.height / 2);
          await page.mouse.move(b.x + 75, b.y + b.height / 2);
        }
        attempt += 1;
        const h = page.locator('.monaco-hover:not(.hidden)').first();
        const t = (await h.isVisible()) ? await h.innerText() : '';
        return t && !/^\s*Loading\.\.\.\s*$/.test(t) ? t : undefined;
      }, 30000)) || '';
      // No diagnostic covers this spot, so any hover here is the server's.
      if (expectServer(hoverText !== '', 'a hover with the task\'s docs opens on the task', 'no hover')) {
        say('      hover: ' + hoverText.replace(/\n+/g, ' | ').slice(0, 400));
      } else {
        // For the screenshot, at least the hover of a finding (its message and quick fixes).
        let eb;
        for (const sq of await page.locator('.monaco-editor .squiggly-error').all()) {
          const b = await sq.boundingBox();
          if (b && Math.abs(b.y + b.height / 2 - (box.y + box.height / 2)) < box.height) eb = b;
        }
        if (eb) {
          await page.mouse.move(eb.x + eb.width / 2 - 10, eb.y + eb.height / 2);
          await page.mouse.move(eb.x + eb.width / 2, eb.y + eb.height / 2);
          const shown = await poll(async () => page.locator('.monaco-hover:not(.hidden)').first().isVisible(), 10000);
          say('      ' + (shown ? 'showing the hover of the missing-evidence finding instead' : 'no hover on the finding either'));
          await page.waitForTimeout(500);
        }
      }
    }
    await shot('screenshot.png');
  } catch (e) {
    failures++;
    say('FAIL  ' + (e && e.stack ? e.stack.split('\n').slice(0, 3).join(' ') : e));
    await shot('failure.png');
  } finally {
    await browser.close();
  }
  if (pending.length) say(`pending server features: ${pending.join(', ')} (READINESS_EDITOR_STRICT=0 let them pass)`);
  say(`${failures} failed`);
  process.exit(failures ? 1 : 0);
})();
