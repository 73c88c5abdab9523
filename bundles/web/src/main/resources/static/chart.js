// A small SVG line chart: the view's only chart, served from the bundle (no library, no network).
// LwChart.line(series, options) -> <svg>; series: [{name, points: [[x, y], ...], dashed}]; each line is a
// <polyline data-series=NAME data-points=COUNT>, which the browser test reads.
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const COLOURS = ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa', '#00897b', '#6d4c41', '#3949ab'];

  function node(tag, attrs) {
    const n = document.createElementNS(NS, tag);
    for (const k in attrs) n.setAttribute(k, attrs[k]);
    return n;
  }

  function fmt(v) {
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : +v.toPrecision(4) + '';
  }

  function line(series, opts) {
    opts = opts || {};
    const W = opts.width || 720, H = opts.height || 300, L = 64, R = 12, T = 10, B = 32;
    const svg = node('svg', {width: W, height: H, class: 'chart', viewBox: `0 0 ${W} ${H}`});
    const all = series.flatMap(s => s.points).filter(p => Number.isFinite(p[1]));
    if (all.length === 0) {
      const t = node('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle'});
      t.textContent = 'no finished epoch yet';
      svg.appendChild(t);
      return svg;
    }
    let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
    let y0 = Math.min(...all.map(p => p[1])), y1 = Math.max(...all.map(p => p[1]));
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y1 += Math.abs(y1) * 0.05 || 1; y0 -= Math.abs(y0) * 0.05 || 1; }
    const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
    const sy = y => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
    for (let i = 0; i <= 4; i++) {
      const y = y0 + (y1 - y0) * i / 4;
      svg.appendChild(node('line', {x1: L, x2: W - R, y1: sy(y), y2: sy(y), stroke: '#eee'}));
      const t = node('text', {x: L - 6, y: sy(y) + 4, 'text-anchor': 'end'});
      t.textContent = fmt(y);
      svg.appendChild(t);
    }
    // epochs are whole numbers: whole-number ticks, at most six
    const step = Math.max(1, Math.ceil((x1 - x0) / 5));
    for (let x = Math.ceil(x0); x <= x1; x += step) {
      const t = node('text', {x: sx(x), y: H - B + 16, 'text-anchor': 'middle'});
      t.textContent = fmt(x);
      svg.appendChild(t);
    }
    const xl = node('text', {x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle'});
    xl.textContent = opts.xLabel || 'epoch';
    svg.appendChild(xl);
    series.forEach((s, i) => {
      const pts = s.points.filter(p => Number.isFinite(p[1]));
      const colour = s.colour || COLOURS[i % COLOURS.length];
      const pl = node('polyline', {
        points: pts.map(p => sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1)).join(' '),
        fill: 'none', stroke: colour, 'stroke-width': 2, 'data-series': s.name, 'data-points': pts.length
      });
      if (s.dashed) pl.setAttribute('stroke-dasharray', '5,4');
      svg.appendChild(pl);
      if (pts.length === 1) svg.appendChild(node('circle', {cx: sx(pts[0][0]), cy: sy(pts[0][1]), r: 3, fill: colour}));
      s.colour = colour;
    });
    return svg;
  }

  function legend(series) {
    const d = document.createElement('div');
    d.className = 'legend';
    for (const s of series) {
      const span = document.createElement('span');
      const i = document.createElement('i');
      i.style.background = s.colour;
      span.appendChild(i);
      span.appendChild(document.createTextNode(s.name));
      d.appendChild(span);
    }
    return d;
  }

  window.LwChart = {line, legend};
})();
