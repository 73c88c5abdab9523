// The Layerwise view: four pages on hash routes, each polling its JSON endpoint at most once a second.
// Text from the server only ever goes into textContent or attributes, never into HTML.
(function () {
  'use strict';
  const page = document.getElementById('page');
  const conn = document.getElementById('conn');
  let timer = null, last = null;

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'class') n.className = attrs[k]; else n.setAttribute(k, attrs[k]);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      n.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }
  const num = (v, d) => v === null || v === undefined || Number.isNaN(v) ? '' : (+v).toFixed(d === undefined ? 4 : d);
  const runLink = name => el('a', {href: '#/run/' + encodeURIComponent(name)}, name);

  async function get(url) {
    const r = await fetch(url, {cache: 'no-store'});
    if (!r.ok) { const e = new Error(url + ': ' + r.status); e.status = r.status; throw e; }
    return r.json();
  }

  // Polls load() every period ms until the route changes; a failed request (framework restarting) only marks
  // the connection lost and is tried again at the next tick.
  function poll(load, period) {
    const route = location.hash;
    const tick = async () => {
      try {
        await load();
        conn.textContent = 'live'; conn.className = 'conn live';
      } catch (e) {
        if (e.status === 404) { conn.textContent = 'not found'; conn.className = 'conn lost'; }
        else { conn.textContent = 'reconnecting'; conn.className = 'conn lost'; }
      }
      if (location.hash === route) timer = setTimeout(tick, period);
    };
    tick();
  }

  function table(headers, rows) {
    return el('table', {}, el('tr', {}, ...headers.map(h => el('th', {}, h))), ...rows);
  }

  // --- Jobs ---
  function jobsPage() {
    page.replaceChildren(el('h2', {}, 'Jobs'), el('div', {id: 'jobs'}), el('h2', {}, 'Runs'), el('div', {id: 'runs'}));
    let runsSeen = '';
    poll(async () => {
      const jobs = await get('/api/jobs');
      const rows = jobs.slice().reverse().map(j => {
        const pct = j.total > 0 ? Math.round(100 * j.done / j.total) : (j.state === 'DONE' ? 100 : 0);
        return el('tr', {'data-job': j.id, 'data-state': j.state},
          el('td', {class: 'num'}, j.id),
          el('td', {class: 'state-' + j.state}, j.state),
          el('td', {}, j.pipeline),
          el('td', {}, j.run ? runLink(j.run) : ''),
          el('td', {class: 'num'}, j.stage >= 0 ? (Math.min(j.stage + 1, j.stageCount) + '/' + j.stageCount) : ''),
          el('td', {}, j.stageType || ''),
          el('td', {class: 'num epoch', 'data-epoch': j.epoch}, j.epoch + '/' + j.epochs),
          el('td', {}, el('span', {class: 'bar'}, el('span', {style: 'width:' + pct + '%'}))),
          el('td', {class: 'num'}, num(j.meanLoss != null ? j.meanLoss : j.lastLoss)),
          el('td', {class: 'num'}, num(j.valLoss)),
          el('td', {class: 'num'}, j.etaSeconds == null ? '' : Math.round(j.etaSeconds) + ' s'),
          el('td', {class: 'muted'}, j.message || ''));
      });
      document.getElementById('jobs').replaceChildren(rows.length === 0 ? el('p', {class: 'muted'}, 'No job in this framework yet.')
        : table(['id', 'state', 'pipeline', 'run', 'stage', 'type', 'epoch', 'progress', 'loss', 'val_loss', 'ETA', ''], rows));
      const runs = await get('/api/runs');
      const key = JSON.stringify(runs);
      if (key !== runsSeen) {
        runsSeen = key;
        document.getElementById('runs').replaceChildren(runsTable(runs, true));
      }
    }, 1000);
  }

  function runsTable(runs, withCompare) {
    if (runs.length === 0) return el('p', {class: 'muted'}, 'No run under the runs folder.');
    const rows = runs.map(r => el('tr', {'data-run': r.name},
      withCompare ? el('td', {}, el('input', {type: 'checkbox', value: r.name, class: 'pick'})) : null,
      el('td', {}, runLink(r.name)), el('td', {}, r.pipeline || ''), el('td', {}, r.status || ''),
      el('td', {class: 'muted'}, new Date(r.modified).toLocaleString())));
    const t = table([withCompare ? '' : null, 'run', 'pipeline', 'status', 'changed'].filter(h => h !== null), rows);
    if (!withCompare) return t;
    const b = el('button', {}, 'Compare selected');
    b.onclick = () => {
      const picked = [...document.querySelectorAll('input.pick:checked')].map(i => i.value);
      location.hash = '#/compare/' + picked.map(encodeURIComponent).join(',');
    };
    return el('div', {}, t, el('p', {}, b));
  }

  // --- Run ---
  function stageSeries(stage, prefix) {
    const epochs = stage.epochs || [];
    const s = [{name: prefix + 'loss', points: epochs.map(e => [e.epoch, e.loss])}];
    if (epochs.some(e => e.val_loss !== undefined)) {
      s.push({name: prefix + 'val_loss', points: epochs.map(e => [e.epoch, e.val_loss === undefined ? NaN : e.val_loss]), dashed: true});
    }
    return s;
  }

  function finalMetrics(stage) {
    const epochs = stage.epochs || [];
    const m = Object.assign({}, epochs.length ? epochs[epochs.length - 1].metrics : {}, stage.metrics || {});
    if (epochs.length) {
      m.loss = epochs[epochs.length - 1].loss;
      if (epochs[epochs.length - 1].val_loss !== undefined) m.val_loss = epochs[epochs.length - 1].val_loss;
    }
    return m;
  }

  function stageName(s) { return 'stage ' + s.index + ' (' + (s.type || s.head || 'fine-tune') + ')'; }

  function runPage(name) {
    page.replaceChildren(el('h2', {}, 'Run ', el('span', {id: 'run-name'}, name)),
      el('p', {id: 'run-status', class: 'muted'}), el('div', {id: 'curves'}), el('h3', {}, 'Metrics'),
      el('div', {id: 'metrics'}), el('h3', {}, 'Pictures'), el('div', {id: 'pictures', class: 'pictures'}),
      el('h3', {}, 'Swap and resume events'), el('div', {id: 'events'}));
    let seen = '', picturesSeen = '';
    poll(async () => {
      const run = await get('/api/runs/' + encodeURIComponent(name));
      const key = JSON.stringify(run.history) + JSON.stringify(run.events);
      const stages = run.history.stages || [];
      const epochCount = stages.reduce((n, s) => n + (s.epochs || []).length, 0);
      if (key !== seen) {
        seen = key;
        const h = run.history;
        document.getElementById('run-status').replaceChildren(
          el('span', {id: 'status', 'data-status': h.status || ''}, (h.status || 'starting') + (h.message ? ': ' + h.message : '')),
          ' · pipeline ' + (h.pipeline || '?') + ' · ', el('span', {id: 'epoch-count', 'data-epochs': epochCount}, epochCount + ' epochs'));
        document.getElementById('curves').replaceChildren(...stages.map(s => {
          const series = stageSeries(s, '');
          const svg = LwChart.line(series, {height: 220});
          svg.setAttribute('data-stage', s.index);
          return el('div', {}, el('h3', {}, stageName(s)), svg, LwChart.legend(series));
        }));
        document.getElementById('metrics').replaceChildren(metricsTable(stages));
        const events = (run.events || []).map(e => el('tr', {}, el('td', {class: 'muted'}, e.at), el('td', {}, e.text)));
        (h.resumed || []).forEach(r => events.push(el('tr', {}, el('td', {class: 'muted'}, r.at), el('td', {}, 'resumed (was ' + r.was + ')'))));
        events.sort((a, b) => a.firstChild.textContent.localeCompare(b.firstChild.textContent));
        document.getElementById('events').replaceChildren(events.length ? table(['at', 'event'], events) : el('p', {class: 'muted'}, 'none'));
      }
      const pk = JSON.stringify(run.pictures) + epochCount;
      if (pk !== picturesSeen) {
        picturesSeen = pk;
        document.getElementById('pictures').replaceChildren(...run.pictures.map(p => el('figure', {},
          el('img', {class: 'picture', alt: p, src: '/api/runs/' + encodeURIComponent(name) + '/pictures/'
            + p.split('/').map(encodeURIComponent).join('/') + '?v=' + epochCount}), el('figcaption', {}, p))));
      }
    }, 1000);
  }

  function metricsTable(stages) {
    const keys = [...new Set(stages.flatMap(s => Object.keys(finalMetrics(s))))].filter(k => typeof stages.map(finalMetrics).find(m => m[k] !== undefined)[k] === 'number');
    const rows = stages.map(s => {
      const m = finalMetrics(s);
      return el('tr', {'data-stage': s.index}, el('td', {}, stageName(s)), el('td', {}, s.bundle || ''), el('td', {}, s.bundleVersion || ''),
        el('td', {class: 'num'}, (s.epochs || []).length), ...keys.map(k => el('td', {class: 'num'}, num(m[k]))));
    });
    return table(['stage', 'bundle', 'version', 'epochs', ...keys], rows);
  }

  // --- Compare ---
  async function comparePage(list) {
    const names = list ? list.split(',').map(decodeURIComponent).filter(n => n) : [];
    if (names.length < 2) {
      page.replaceChildren(el('h2', {}, 'Compare'), el('p', {class: 'muted'}, 'Pick two or more runs:'), el('div', {id: 'runs'}));
      poll(async () => document.getElementById('runs').replaceChildren(runsTable(await get('/api/runs'), true)), 5000);
      return;
    }
    page.replaceChildren(el('h2', {}, 'Compare'), el('div', {id: 'curves'}), el('h3', {}, 'Final metrics'), el('div', {id: 'metrics'}));
    let seen = '';
    poll(async () => {
      const data = await get('/api/compare?' + names.map(n => 'run=' + encodeURIComponent(n)).join('&'));
      const key = JSON.stringify(data);
      if (key === seen) return;
      seen = key;
      const series = data.runs.flatMap(r => (r.history.stages || []).flatMap(s => stageSeries(s, r.name + ' · stage ' + s.index + ' ')));
      const svg = LwChart.line(series, {height: 340, width: 900});
      document.getElementById('curves').replaceChildren(svg, LwChart.legend(series));
      const rows = [];
      const keys = new Set();
      data.runs.forEach(r => (r.history.stages || []).forEach(s => Object.keys(finalMetrics(s)).forEach(k => keys.add(k))));
      const ks = [...keys].sort();
      data.runs.forEach(r => (r.history.stages || []).forEach(s => {
        const m = finalMetrics(s);
        rows.push(el('tr', {}, el('td', {}, runLink(r.name)), el('td', {}, stageName(s)),
          ...ks.map(k => el('td', {class: 'num'}, typeof m[k] === 'number' ? num(m[k]) : ''))));
      }));
      document.getElementById('metrics').replaceChildren(table(['run', 'stage', ...ks], rows));
    }, 2000);
  }

  // --- Platform ---
  function platformPage() {
    page.replaceChildren(el('h2', {}, 'Platform'), el('div', {id: 'backend'}), el('div', {id: 'plugins'}));
    let seen = '';
    poll(async () => {
      const p = await get('/api/platform');
      const key = JSON.stringify(p);
      if (key === seen) return;
      seen = key;
      const b = p.backend;
      document.getElementById('backend').replaceChildren(el('h3', {}, 'Backend'), b == null ? el('p', {class: 'muted'}, 'no backend')
        : table(['flavour', 'OpenMP threads', 'BLAS threads', 'OpenBLAS kernel', 'GEMM GFLOP/s'], [el('tr', {},
          el('td', {id: 'flavour'}, b.flavour), el('td', {class: 'num'}, b.ompThreads), el('td', {class: 'num'}, b.blasThreads),
          el('td', {}, b.openblasCoretype), el('td', {class: 'num', title: b.gemmShape}, b.gemmGflops == null ? 'measuring' : num(b.gemmGflops, 1)))]));
      const section = (title, kind, list) => [el('h3', {}, title), table(['name', 'bundle', 'version', 'id'],
        list.map(x => el('tr', {'data-kind': kind, 'data-name': x.name, 'data-bundle': x.bundle},
          el('td', {}, x.name), el('td', {}, x.bundle), el('td', {}, x.version), el('td', {class: 'num'}, x.bundleId))))];
      document.getElementById('plugins').replaceChildren(...section('Stage types', 'stage', p.stageTypes),
        ...section('Regularizers', 'regularizer', p.regularizers), ...section('Data sources', 'data', p.dataSources));
    }, 1000);
  }

  function route() {
    clearTimeout(timer);
    const h = location.hash.replace(/^#\/?/, '');
    const [head, ...rest] = h.split('/');
    const arg = rest.join('/');
    if (head === 'run' && arg) runPage(decodeURIComponent(arg));
    else if (head === 'runs') { jobsPage(); }
    else if (head === 'compare') comparePage(arg);
    else if (head === 'platform') platformPage();
    else jobsPage();
  }
  window.addEventListener('hashchange', route);
  route();
})();
