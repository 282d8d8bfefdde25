// Browser test of `abcrnn serve`'s page: Debian's chromium, driven headless by playwright-core,
// against a server started here on 127.0.0.1. A locked seed gives the same tune; the notation
// renders (SVG notes); a bad input shows the server's message; playback starts, and plays the ABC
// as edited (the notation follows the edit too); downloads parse (`abcrnn check`, the MIDI
// header); the archive keeps tunes (and stars) across a restart; no request leaves 127.0.0.1.
// Screenshots go to OUT_DIR. Exit 77 (CTest: skipped) without chromium or playwright-core.
//   node tests/browser/serve_browser.mjs SAMPLE_PROGRAM ABCRNN_PROGRAM SOURCE_DIR OUT_DIR
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [sample, abcrnn, source, out] = process.argv.slice(2);
const chromiumPath = process.env.ABCRNN_CHROMIUM || '/usr/bin/chromium';
const skip = (why) => { console.log('SKIPPED: ' + why); process.exit(77); };
if (!fs.existsSync(chromiumPath)) skip(chromiumPath + ' not found (apt-get install chromium; scripts/setup.sh does)');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  skip('playwright-core not installed (npm ci in the source tree; scripts/setup.sh does)');
}
fs.mkdirSync(out, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abcrnn-browser-'));
const db = path.join(work, 'tunes.sqlite');
let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures++;
}
// Checks that the page reaches a state (fn true in the page) within 30 s.
async function checkReaches(page, fn, what) {
  check(await page.waitForFunction(fn, null, { timeout: 30000 }).then(() => true, () => false), what);
}

// Starts the server on a free port; resolves with {proc, port}.
function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(sample, ['serve', '--port', '0', '--db', db, '--model', path.join(source, 'models/default.ckpt')],
                       { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    const timer = setTimeout(() => reject(new Error('no address from the server in 30 s: ' + text)), 30000);
    proc.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/open http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc, port: Number(m[1]) }); }
    });
    proc.on('exit', (code) => reject(new Error('server exited (' + code + '): ' + text)));
  });
}
const stopServer = (s) => new Promise((resolve) => { s.proc.removeAllListeners('exit'); s.proc.on('exit', resolve); s.proc.kill('SIGTERM'); });

const args = ['--autoplay-policy=no-user-gesture-required', '--mute-audio'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args });
const offsite = [];
let server = await startServer();
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  // Every request the page makes: those not to 127.0.0.1 are recorded and refused.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url().replace(/^blob:/, ''));
    if (url.hostname !== '127.0.0.1') { offsite.push(url.href); return route.abort(); }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, 'page error: ' + e.message));
  const base = () => 'http://127.0.0.1:' + server.port + '/';
  await page.goto(base());
  await page.waitForFunction(() => document.getElementById('model').textContent.startsWith('model '));
  check(await page.evaluate(() => typeof ABCJS !== 'undefined'), 'abcjs is served by the server');
  // The page starts at the model's recommended temperature (its input is empty until the page sets it).
  const temperature = await page.inputValue('#temperature');
  const recommended = (await (await fetch(base() + 'api/model')).json()).defaults.temperature;
  check(temperature !== '' && Number(temperature) === recommended,
        'the temperature starts at the model\'s recommendation (' + temperature + ', the model says ' + recommended + ')');

  // A jig in D in two parts of 8 bars (the form picker), L:1/8, with a locked seed, twice.
  const make = async () => {
    const before = await page.textContent('#title');
    await page.click('#generate');
    await page.waitForFunction((b) => document.getElementById('title').textContent !== b ||
                                      document.getElementById('error').textContent !== '', before, { timeout: 60000 });
    return { title: await page.textContent('#title'), abc: await page.inputValue('#abc'), error: await page.textContent('#error') };
  };
  await page.selectOption('#type', 'jig');
  await page.selectOption('#key', 'D');
  await page.selectOption('#form', '2x8');
  check(await page.inputValue('#parts') === '2' && await page.inputValue('#bars') === '8', 'the form picker fills Parts and Bars');
  await page.selectOption('#unit', '1/8');
  // The shipped model was trained with --final: the page offers the degrees its tunes end on.
  check(await page.isVisible('#final'), 'the final list shows for a model trained with --final');
  await page.selectOption('#final', '1');
  await page.fill('#seed', '2026');
  await page.check('#lock');
  const first = await make();
  check(first.error === '', 'generate: no error (' + first.error + ')');
  check(/R:jig/.test(first.abc) && /K:D/.test(first.abc), 'the tune is a jig in D');
  check(/^N:form 8\+8 /m.test(first.abc) && /^L:1\/8$/m.test(first.abc) && /--unit 1\/8 /.test(first.abc), 'in two parts of 8 bars, L:1/8 (' + first.abc.split('\n').slice(0, 8).join(' ') + ')');
  check(/^N:final 1$/m.test(first.abc) && / --final 1( |$)/m.test(first.abc), 'asked to end on the tonic, and the remake line says so');
  const notes = await page.locator('#notation svg .abcjs-note').count();
  check(notes > 10, 'notation renders: ' + notes + ' SVG notes');
  await page.screenshot({ path: path.join(out, 'serve-generated.png'), fullPage: true });
  const second = await make();
  check(second.title !== first.title && second.abc === first.abc, 'a locked seed gives the same tune again');

  // A value out of range: the server's message in the page, and the page still works.
  await page.fill('#temperature', '9');
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('error').textContent !== '');
  const refused = await page.textContent('#error');
  check(refused.includes('temperature: expected 0.05 to 2'), 'a bad input is refused with the server\'s message (' + refused + ')');
  await page.fill('#temperature', '0.9');

  // Playback: the WAV the server renders, from 127.0.0.1.
  await page.fill('#tempo', '140');
  await page.selectOption('#program', '74');
  await page.click('#playbutton');
  const playing = await page.waitForFunction(() => { const a = document.getElementById('player'); return !a.paused && a.currentTime > 0; },
                                             null, { timeout: 30000 }).then(() => true, () => false);
  const src = await page.evaluate(() => document.getElementById('player').currentSrc);
  check(playing, 'playback starts (' + src + ')');
  check(src.startsWith(base()) && src.includes('tempo=140') && src.includes('program=74'), 'it plays the server\'s WAV at the tempo and instrument chosen');

  // The ABC is editable; the notation follows and Play plays the text as edited.
  await page.fill('#abc', first.abc.replace(/^T:.*$/m, 'T:Edited In The Browser'));
  await checkReaches(page, () => document.getElementById('notation').textContent.includes('Edited In The Browser'),
                     'an edited ABC is rendered again');
  await page.evaluate(() => document.getElementById('player').pause());
  await page.click('#playbutton');
  const playingEdit = await page.waitForFunction(() => { const a = document.getElementById('player'); return a.currentSrc.startsWith('blob:') && !a.paused && a.currentTime > 0; },
                                                 null, { timeout: 30000 }).then(() => true, () => false);
  check(playingEdit, 'the edited text plays (rendered by the server, POST /api/render)');

  // Downloads parse.
  for (const [format, test] of [['abc', (f) => execFileSync(abcrnn, ['check', f]) !== null],
                                ['mid', (f) => fs.readFileSync(f).subarray(0, 4).toString() === 'MThd']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a:text-is("' + format.toUpperCase() + '")')]);
    const file = path.join(out, 'download.' + format);
    await download.saveAs(file);
    let ok = false;
    try { ok = test(file); } catch (e) { console.log(String(e.stdout || e)); }
    check(ok, 'the ' + format + ' download parses (' + download.suggestedFilename() + ')');
  }

  // The archive: star the newest, search, then restart the server.
  await page.locator('#list li').first().locator('button.star').click();
  await page.waitForFunction(() => document.querySelector('#list li button.star').textContent === '\u2605');
  await page.fill('#search', 'R:jig');
  await checkReaches(page, () => document.querySelectorAll('#list li').length === 2, 'a search finds both jigs');
  await page.fill('#search', 'no such tune anywhere');
  await checkReaches(page, () => document.querySelectorAll('#list li').length === 0, 'a search for nothing lists none');
  await stopServer(server);
  server = await startServer();
  await page.goto(base());
  await page.waitForFunction(() => document.querySelectorAll('#list li').length === 2);
  const starred = await page.locator('#list li').first().locator('button.star').textContent();
  check(starred === '\u2605', 'the archive keeps both tunes and the star across a restart');
  await page.locator('#list li').first().locator('.name').click();
  await page.waitForFunction(() => document.querySelectorAll('#notation svg .abcjs-note').length > 10);
  await page.screenshot({ path: path.join(out, 'serve-archive-after-restart.png'), fullPage: true });
  // Delete one.
  await page.locator('#list li').last().locator('button.delete').click();
  await checkReaches(page, () => document.querySelectorAll('#list li').length === 1, 'a tune is deleted from the archive');
} catch (e) {
  check(false, 'unexpected: ' + (e.stack || e));
} finally {
  await browser.close();
  await stopServer(server);
  fs.rmSync(work, { recursive: true, force: true });
}
check(offsite.length === 0, 'no request left 127.0.0.1' + (offsite.length ? ': ' + offsite.join(' ') : ''));
console.log(failures ? failures + ' check(s) failed' : 'all checks passed; screenshots in ' + out);
process.exit(failures ? 1 : 0);
