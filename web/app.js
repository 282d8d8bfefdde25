// The page's behaviour: fills the controls from /api/model, asks /api/generate, shows a tune as
// notation (abcjs) beside its editable ABC, plays the WAV the server renders, offers downloads,
// and lists, searches, stars and deletes the archive. Talks only to the server that served it.
'use strict';

const $ = (id) => document.getElementById(id);
let current = null;  // the tune shown: {id, title, abc, ...}

async function api(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const data = await res.json().catch(() => ({ error: 'the server sent no JSON (' + res.status + ')' }));
  if (!res.ok) throw new Error(data.error || 'request failed (' + res.status + ')');
  return data;
}

function showError(e) { $('error').textContent = e ? String(e.message || e) : ''; }

function fill(select, values) {
  for (const v of values || []) {
    const o = document.createElement('option');
    o.value = o.textContent = v;
    select.appendChild(o);
  }
}

// The form picker: the model's forms whose parts are of one length ("8+8 AABB"), one option per
// parts x bars (the repeats are the model's), most common first. Choosing one fills Parts and Bars.
function fillForms(select, forms) {
  const seen = new Map();
  for (const f of forms || []) {
    const lengths = f.split(' ')[0].split('+');
    if (lengths.some((b) => b !== lengths[0])) continue;
    const key = lengths.length + 'x' + lengths[0];
    if (!seen.has(key)) seen.set(key, []);
    if (seen.get(key).length < 3) seen.get(key).push(f);
  }
  for (const [key, examples] of seen) {
    const [parts, bars] = key.split('x');
    const o = document.createElement('option');
    o.value = key;
    o.textContent = (parts === '1' ? '1 part' : parts + ' parts') + ' of ' + bars + ' bars (' + examples.join(', ') + ')';
    select.appendChild(o);
  }
  select.onchange = () => {
    const [parts, bars] = select.value ? select.value.split('x') : ['', ''];
    $('parts').value = parts;
    $('bars').value = bars;
  };
}

function render() {
  if (typeof ABCJS === 'undefined') {
    $('notation').textContent = 'Notation needs abcjs: run scripts/setup.sh.';
    return;
  }
  ABCJS.renderAbc('notation', $('abc').value, { responsive: 'resize', add_classes: true });
}

function show(tune) {
  current = tune;
  $('title').textContent = tune.title + ' (#' + tune.id + ')';
  $('abc').value = tune.abc;
  render();
  $('playbutton').disabled = false;
  $('player').removeAttribute('src');
  const links = ['abc', 'mid', 'wav', 'svg'].map((f) =>
    '<a href="/api/tunes/' + tune.id + '/' + f + '?download=1' + (f === 'mid' || f === 'wav' ? '&' + playQuery() : '') +
    '" download="tune-' + tune.id + '.' + f + '">' + f.toUpperCase() + '</a>');
  $('downloads').innerHTML = 'Download: ' + links.join(' ');
}

function playQuery() {
  return 'tempo=' + encodeURIComponent($('tempo').value) + '&program=' + encodeURIComponent($('program').value);
}

function number(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : Number(v);
}

async function generate() {
  showError(null);
  const body = {
    type: $('type').value || undefined, meter: $('meter').value || undefined, key: $('key').value || undefined,
    style: $('style').value || undefined, unit: $('unit').value || undefined, parts: number('parts'), bars: number('bars'),
    final: $('final').value || undefined, beat: $('beat').value || undefined,
    temperature: number('temperature'), num: number('num'), prime: $('prime').value || undefined,
  };
  if ($('lock').checked && $('seed').value.trim() !== '') body.seed = number('seed');
  $('generate').disabled = true;
  try {
    const out = await api('POST', '/api/generate', body);
    $('seed').value = out.seed;
    $('made').innerHTML = '';
    for (const t of out.tunes) {
      const b = document.createElement('button');
      b.textContent = t.title;
      b.onclick = () => show(t);
      $('made').appendChild(b);
    }
    if (out.cut) showError('The time limit cut the request: ' + out.tunes.length + ' tune(s) finished.');
    show(out.tunes[0]);
    await list();
  } catch (e) {
    showError(e);
  } finally {
    $('generate').disabled = false;
  }
}

// Plays the tune as shown: the archived tune's WAV, or the edited text rendered by the server.
let edited = null;  // the object URL of the last edited rendering
async function play() {
  if (!current) return;
  showError(null);
  const player = $('player');
  try {
    if ($('abc').value === current.abc) {
      player.src = '/api/tunes/' + current.id + '/wav?' + playQuery();
    } else {
      const res = await fetch('/api/render', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ abc: $('abc').value, format: 'wav', tempo: number('tempo'), program: number('program') }),
      });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || 'render failed (' + res.status + ')');
      if (edited) URL.revokeObjectURL(edited);
      edited = URL.createObjectURL(await res.blob());
      player.src = edited;
    }
    await player.play();
  } catch (e) {
    showError('Playback: ' + e.message);
  }
}

let listed = 0;  // the latest list request: answers to earlier ones (slower) are dropped
async function list() {
  const q = new URLSearchParams({ q: $('search').value, starred: $('starred').checked ? '1' : '0' });
  const mine = ++listed;
  try {
    const out = await api('GET', '/api/tunes?' + q);
    if (mine !== listed) return;
    const ul = $('list');
    ul.innerHTML = '';
    for (const t of out.tunes) {
      const li = document.createElement('li');
      li.dataset.id = t.id;
      const star = document.createElement('button');
      star.className = 'star';
      star.title = t.starred ? 'unstar' : 'star';
      star.textContent = t.starred ? '\u2605' : '\u2606';
      star.onclick = async () => { await api('POST', '/api/tunes/' + t.id + '/star', { starred: !t.starred }).catch(showError); list(); };
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = '#' + t.id + ' ' + t.title;
      name.title = t.command;
      name.onclick = () => show(t);
      const del = document.createElement('button');
      del.className = 'delete';
      del.title = 'delete';
      del.textContent = '\u2715';
      del.onclick = async () => { await api('DELETE', '/api/tunes/' + t.id).catch(showError); list(); };
      li.append(star, name, del);
      ul.appendChild(li);
    }
  } catch (e) {
    showError(e);
  }
}

async function start() {
  $('generate').onclick = generate;
  $('playbutton').onclick = play;
  $('abc').oninput = render;
  const formless = () => { $('form').value = ''; };  // a part or bar count typed by hand
  $('parts').oninput = formless;
  $('bars').oninput = formless;
  $('search').oninput = list;
  $('starred').onchange = list;
  try {
    const m = await api('GET', '/api/model');
    $('model').textContent = 'model ' + m.model;
    for (const c of ['type', 'meter', 'key', 'style', 'unit', 'final', 'beat']) fill($(c), m.controls[c]);
    $('final').parentElement.hidden = !(m.controls.final || []).length;  // a model trained without --final
    $('beat').parentElement.hidden = !(m.controls.beat || []).length;    // or without --beat
    fillForms($('form'), m.controls.form);
    $('num').max = m.limits.num;
    $('temperature').min = m.limits.temperature[0];
    $('temperature').max = m.limits.temperature[1];
    $('temperature').value = m.defaults.temperature;
    $('prime').maxLength = m.limits.prime_bytes;
  } catch (e) {
    showError(e);
  }
  await list();
}

start();
