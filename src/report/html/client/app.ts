/**
 * The page's script, shipped as source text and allowed by its hash in the CSP. It reads the data
 * from `<script type="application/json" id="report-data">` and builds every view with DOM calls:
 * all data reaches the page through `textContent` or attribute values (never `innerHTML`, never
 * `href`/`src`/event attributes), so no output, prompt or case text can run as code.
 * Written without template literals so it can live inside this TypeScript string.
 */
export const APP_JS = String.raw`
var data = JSON.parse(document.getElementById('report-data').textContent);
var FLAG = { regressed: 1, improved: 2, flaky: 4, failing: 8, errored: 16 };
var PAGE_SIZE = 100;
var isCompare = data.mode === 'comparison';
var SVG_NS = 'http://www.w3.org/2000/svg';

/* ---------- small DOM helpers: text only ---------- */
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function svg(tag, attrs, children) {
  var node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function setAttrs(node, attrs) {
  if (!attrs) return;
  for (var name in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
    var value = attrs[name];
    if (value === null || value === undefined || value === false) continue;
    if (/^on|^href$|^src$|^xlink:/i.test(name)) throw new Error('refusing attribute ' + name);
    node.setAttribute(name, value === true ? '' : String(value));
  }
}
function append(node, children) {
  if (children === null || children === undefined) return;
  if (!Array.isArray(children)) children = [children];
  for (var i = 0; i < children.length; i++) {
    var child = children[i];
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function byId(id) { return document.getElementById(id); }

/* ---------- formatting ---------- */
function pct(x) { return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%'; }
function num(x, digits) { return x === null || x === undefined ? '—' : x.toFixed(digits === undefined ? 3 : digits); }
function signed(x, digits) { if (x === null || x === undefined) return '—'; var s = x.toFixed(digits === undefined ? 3 : digits); return x > 0 ? '+' + s : s; }
function signedPct(x) { if (x === null || x === undefined) return '—'; var s = (x * 100).toFixed(1) + ' pp'; return x > 0 ? '+' + s : s; }
function usd(x) { return x === null || x === undefined ? '—' : '$' + (x >= 1 ? x.toFixed(2) : x.toFixed(4)); }
function int(x) { return x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'); }
function ms(x) { return x === null || x === undefined ? '—' : int(x) + ' ms'; }
function rel(x) { if (x === null || x === undefined) return ''; var s = (x * 100).toFixed(1) + '%'; return x > 0 ? '+' + s : s; }
function pval(p) { return p === null || p === undefined ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3); }
function cellLabel(index) {
  var c = data.cells[index];
  if (!c) return '?';
  var prefix = data.runs.length > 1 ? data.runs[c.run].label + ': ' : '';
  return prefix + c.version + ' × ' + c.model;
}
var STATUS_TEXT = { 'unchanged-pass': 'unchanged pass', 'unchanged-fail': 'unchanged fail', 'error-changed': 'error changed', 'flaky-run': 'flaky' };
function statusText(s) { return STATUS_TEXT[s] || s; }
function badge(s) { return el('span', { class: 'badge b-' + s }, statusText(s)); }
function deltaSpan(x, text) { return el('span', { class: x > 0 ? 'pos' : x < 0 ? 'neg' : '' }, text); }

/* ---------- header, verdict, tabs ---------- */
function renderHeader() {
  byId('title').textContent = data.title;
  var parts = data.runs.map(function (r) {
    return r.label + ': ' + r.source + ' (' + int(r.samples) + ' samples' + (r.commit ? ', ' + r.commit.slice(0, 8) : '') + (r.complete ? '' : ', incomplete') + ')';
  });
  byId('subtitle').textContent = parts.join(' · ');
}
function renderVerdict(container) {
  var v = data.verdict;
  var reasons = el('ul', null, v.reasons.map(function (r) { return el('li', null, r); }));
  var needed = null;
  if (v.needed && (v.needed.cases || v.needed.repeats)) {
    needed = el('p', null, 'To settle it: ' + [v.needed.cases ? int(v.needed.cases) + ' cases' : null, v.needed.repeats ? v.needed.repeats + ' repeats' : null].filter(Boolean).join(' or ') + '.');
  }
  container.appendChild(el('section', { class: 'verdict verdict-' + v.verdict, 'aria-label': 'verdict' }, [
    el('div', { class: 'word', id: 'verdict-word' }, v.verdict),
    el('div', null, [el('strong', null, isCompare ? 'Regression verdict' : 'Run verdict'), reasons, needed]),
  ]));
  if (data.warnings.length) {
    container.appendChild(el('div', { class: 'warnings', role: 'note' }, [el('strong', null, 'Warnings'), el('ul', null, data.warnings.map(function (w) { return el('li', null, w); }))]));
  }
}
var TABS = ['overview', 'matrix', 'cases', 'charts', 'robustness', 'calibration'];
function showTab(name, focusTab) {
  TABS.forEach(function (tab) {
    var button = byId('tab-' + tab), panel = byId(tab);
    if (!button || !panel) return;
    var on = tab === name;
    button.setAttribute('aria-selected', on ? 'true' : 'false');
    button.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && focusTab) button.focus();
  });
  if (name === 'charts' && !chartsDrawn) { chartsDrawn = true; renderCharts(); }
}
function setupTabs() {
  if (!data.robustness.length) { byId('tab-robustness').remove(); byId('robustness').remove(); }
  if (!data.calibration) { byId('tab-calibration').remove(); byId('calibration').remove(); }
  var nav = byId('tabs');
  nav.addEventListener('click', function (event) {
    var button = event.target.closest('button[role=tab]');
    if (button) showTab(button.id.slice(4));
  });
  nav.addEventListener('keydown', function (event) {
    var tabs = Array.prototype.slice.call(nav.querySelectorAll('button[role=tab]'));
    var at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    var next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : null;
    if (next === null) return;
    event.preventDefault();
    showTab(tabs[(next + tabs.length) % tabs.length].id.slice(4), true);
  });
}

/* ---------- overview ---------- */
function renderOverview() {
  var root = byId('overview');
  renderVerdict(root);
  root.appendChild(summaryCards());
  if (isCompare) root.appendChild(pairsTable());
  root.appendChild(el('h2', null, 'Cells (prompt version × model)'));
  root.appendChild(cellsTable());
  var notes = [];
  if (data.limits.truncatedOutputs) notes.push(int(data.limits.truncatedOutputs) + ' outputs longer than ' + int(data.limits.outputChars) + ' characters are cut in this report (marked where shown).');
  if (data.limits.truncatedPrompts) notes.push(int(data.limits.truncatedPrompts) + ' prompts longer than ' + int(data.limits.promptChars) + ' characters are cut.');
  notes.forEach(function (n) { root.appendChild(el('p', { class: 'sub' }, n)); });
  root.appendChild(el('div', { class: 'overview-chart' }, figure('Pass rate per cell, with 95% intervals', passRateChart())));
}
function card(label, value, id) {
  return el('div', { class: 'card' }, [el('div', { class: 'label' }, label), el('div', { class: 'value', id: id }, value)]);
}
function summaryCards() {
  var cards = [];
  var total = { samples: 0, scored: 0, passed: 0, cost: 0, errors: 0 };
  data.cells.forEach(function (c) {
    total.samples += c.samples; total.scored += c.scored; total.passed += c.passed; total.cost += c.costUsd;
    Object.keys(c.errors).forEach(function (k) { total.errors += c.errors[k]; });
  });
  if (isCompare) {
    var counts = { regressed: 0, improved: 0, flaky: 0 };
    data.pairs.forEach(function (p) { Object.keys(counts).forEach(function (k) { counts[k] += p.counts[k] || 0; }); });
    cards.push(card('regressed cases', int(counts.regressed), 'card-regressed'), card('improved cases', int(counts.improved), 'card-improved'), card('flaky cases', int(counts.flaky), 'card-flaky'));
  }
  cards.push(
    card('samples', int(total.samples), 'card-samples'),
    card('pass rate', pct(total.scored ? total.passed / total.scored : null), 'card-pass-rate'),
    card('cost', usd(total.cost), 'card-cost'),
    card('errors', int(total.errors), 'card-errors'));
  return el('div', { class: 'cards' }, cards);
}
function interval(x, low, high, format) {
  return [format(x), ' ', el('span', { class: 'ci' }, '[' + format(low) + '–' + format(high) + ']')];
}
function pairsTable() {
  var wrap = el('div', null, el('h2', null, 'Compared cells'));
  var head = ['cells', 'verdict', 'cases', 'pass rate', 'Δ pass rate [95% CI]', 'Δ mean score [95% CI]', 'regressed / improved', 'cost', 'p95 latency'];
  var rows = data.pairs.map(function (p, i) {
    var s = p.stats, o = p.operational;
    return el('tr', { 'data-pair': i }, [
      el('td', { class: 'label' }, p.label.split(' → ').map(function (part, i) { return i ? [el('br'), '→ ' + part] : [part]; }).reduce(function (a, b) { return a.concat(b); }, [])),
      el('td', null, badge(p.verdict === 'fail' ? 'fail' : p.verdict === 'pass' ? 'pass' : 'inconclusive')),
      el('td', { class: 'num' }, int(s.n)),
      el('td', { class: 'num' }, pct(s.baselinePassRate.estimate) + ' → ' + pct(s.candidatePassRate.estimate)),
      el('td', { class: 'num' }, [deltaSpan(s.passRateDiff.estimate, signedPct(s.passRateDiff.estimate)), ' ', el('span', { class: 'ci' }, '[' + signedPct(s.passRateDiff.low) + ', ' + signedPct(s.passRateDiff.high) + '] p ' + pval(s.passRateDiff.pValue))]),
      el('td', { class: 'num' }, [deltaSpan(s.scoreDiff.estimate, signed(s.scoreDiff.estimate)), ' ', el('span', { class: 'ci' }, '[' + signed(s.scoreDiff.low) + ', ' + signed(s.scoreDiff.high) + ']')]),
      el('td', { class: 'num' }, [(p.counts.regressed || 0) + ' / ' + (p.counts.improved || 0) + ' ', el('span', { class: 'ci' }, 'McNemar p ' + pval(s.mcnemar.pExact))]),
      el('td', { class: 'num' }, [usd(o.costUsd.baseline) + ' → ' + usd(o.costUsd.candidate), el('span', { class: 'ci' }, rel(o.costUsd.relative))]),
      el('td', { class: 'num' }, [ms(o.latencyP95Ms.baseline) + ' → ' + ms(o.latencyP95Ms.candidate), el('span', { class: 'ci' }, rel(o.latencyP95Ms.relative))]),
    ]);
  });
  wrap.appendChild(el('div', { class: 'scroll' }, el('table', { id: 'pairs-table' }, [
    el('thead', null, el('tr', null, head.map(function (h, i) { return el('th', { scope: 'col', class: i > 1 ? 'num' : null }, h); }))),
    el('tbody', null, rows),
  ])));
  data.pairs.forEach(function (p) {
    // Pair reasons usually reappear in the overall verdict; only say what it did not.
    var untold = p.reasons.filter(function (r) { return !data.verdict.reasons.some(function (v) { return v.indexOf(r) >= 0; }); });
    if (untold.length) wrap.appendChild(el('p', { class: 'sub' }, p.label + ': ' + untold.join(' ')));
  });
  return wrap;
}
function cellsTable() {
  var multi = data.runs.length > 1;
  var head = (multi ? ['run'] : []).concat(['version', 'model', 'samples', 'pass rate [95% CI]', 'mean score [95% CI]', 'cost', 'tokens in / out', 'p50', 'p95', 'errors']);
  var rows = data.cells.map(function (c, i) {
    var errors = Object.keys(c.errors).map(function (k) { return k + ': ' + c.errors[k]; }).join(', ');
    return el('tr', { 'data-cell': i }, (multi ? [el('td', null, data.runs[c.run].label)] : []).concat([
      el('td', null, c.version),
      el('td', null, c.model),
      el('td', { class: 'num' }, int(c.samples)),
      el('td', { class: 'num pass-rate' }, interval(c.passRate, c.passRateLow, c.passRateHigh, pct).concat(c.failing ? [' ', badge('fail')] : [])),
      el('td', { class: 'num mean-score' }, interval(c.meanScore, c.meanScoreLow, c.meanScoreHigh, function (x) { return num(x); })),
      el('td', { class: 'num cost' }, usd(c.costUsd)),
      el('td', { class: 'num' }, int(c.inputTokens) + ' / ' + int(c.outputTokens)),
      el('td', { class: 'num p50' }, ms(c.p50Ms)),
      el('td', { class: 'num p95' }, ms(c.p95Ms)),
      el('td', { class: errors ? 'err errors' : 'errors' }, errors || '0'),
    ]));
  });
  return el('div', { class: 'scroll' }, el('table', { id: 'cells-table' }, [
    el('thead', null, el('tr', null, head.map(function (h, i) { return el('th', { scope: 'col', class: i >= (multi ? 3 : 2) && i < head.length - 1 ? 'num' : null }, h); }))),
    el('tbody', null, rows),
  ]));
}

/* ---------- matrix ---------- */
function renderMatrix() {
  var root = byId('matrix');
  root.appendChild(el('p', { class: 'sub' }, 'Pass rate per prompt version × model. Choose a cell to list its cases.'));
  data.runs.forEach(function (run, runIndex) {
    var cells = [];
    data.cells.forEach(function (c, i) { if (c.run === runIndex) cells.push(i); });
    if (!cells.length) return;
    var versions = unique(cells.map(function (i) { return data.cells[i].version; }));
    var models = unique(cells.map(function (i) { return data.cells[i].model; }));
    if (data.runs.length > 1) root.appendChild(el('h3', null, run.label + ' (' + run.source + ')'));
    var grid = el('div', { class: 'matrix', role: 'grid', 'aria-label': 'versions by models' });
    grid.style.gridTemplateColumns = 'auto repeat(' + models.length + ', minmax(150px, auto))';
    grid.appendChild(el('div', { class: 'head' }, 'version \\ model'));
    models.forEach(function (m) { grid.appendChild(el('div', { class: 'head', role: 'columnheader' }, m)); });
    versions.forEach(function (v) {
      grid.appendChild(el('div', { class: 'head', role: 'rowheader' }, v));
      models.forEach(function (m) {
        var index = cells.filter(function (i) { return data.cells[i].version === v && data.cells[i].model === m; })[0];
        if (index === undefined) { grid.appendChild(el('div', null, '—')); return; }
        var c = data.cells[index];
        var button = el('button', { class: 'cell ' + (c.passRate >= 0.85 ? 'hi' : c.passRate >= 0.6 ? 'mid' : 'lo'), 'data-cell': index, type: 'button',
          'aria-label': cellLabel(index) + ': pass rate ' + pct(c.passRate) + ', show its cases' }, [
          el('span', { class: 'rate' }, pct(c.passRate)),
          el('span', { class: 'ci' }, '[' + pct(c.passRateLow) + '–' + pct(c.passRateHigh) + ']'), el('br'),
          'score ' + num(c.meanScore) + ' · ' + int(c.samples) + ' samples',
        ]);
        grid.appendChild(button);
      });
    });
    root.appendChild(grid);
  });
  root.addEventListener('click', function (event) {
    var button = event.target.closest('button.cell');
    if (!button) return;
    state.cell = Number(button.getAttribute('data-cell'));
    state.page = 0;
    showTab('cases');
    applyFilters();
  });
}
function unique(xs) { var seen = {}, out = []; xs.forEach(function (x) { if (!seen['$' + x]) { seen['$' + x] = 1; out.push(x); } }); return out; }

/* ---------- cases: filter, sort, page ---------- */
var state = { flag: 0, tag: '', scorer: -1, text: '', cell: -1, sort: 'order', page: 0, selected: -1 };
var visible = [];
var haystacks = null;
var renders = 0;
function haystack(i) {
  if (!haystacks) haystacks = new Array(data.cases.length);
  var h = haystacks[i];
  if (h === undefined) {
    var row = data.cases[i], parts = [row.id, row.tags.join(' ')];
    [row.baseline, row.candidate].forEach(function (side) {
      if (!side) return;
      side.repeats.forEach(function (r) { if (r.o) parts.push(r.o); if (r.err) parts.push(r.err.kind, r.err.message); });
    });
    h = haystacks[i] = parts.join('\n').toLowerCase();
  }
  return h;
}
function scorerFailed(side, scorer) {
  if (!side) return false;
  for (var i = 0; i < side.repeats.length; i++) {
    var s = side.repeats[i].s;
    for (var j = 0; j < s.length; j++) if (s[j][0] === scorer && !s[j][2]) return true;
  }
  return false;
}
function matches(row, i) {
  if (state.flag && !(row.flags & state.flag)) return false;
  if (state.cell >= 0 && !((row.candidate && row.candidate.cell === state.cell) || (row.baseline && row.baseline.cell === state.cell))) return false;
  if (state.tag && row.tags.indexOf(state.tag) < 0) return false;
  if (state.scorer >= 0 && !scorerFailed(row.candidate, state.scorer)) return false;
  if (state.text && haystack(i).indexOf(state.text) < 0) return false;
  return true;
}
function sortKey(row) {
  if (isCompare) return row.delta === null ? 0 : row.delta;
  return row.candidate ? row.candidate.score : 0;
}
function applyFilters() {
  var rows = data.cases, out = [];
  for (var i = 0; i < rows.length; i++) if (matches(rows[i], i)) out.push(i);
  if (state.sort !== 'order') {
    var dir = state.sort === 'asc' ? 1 : -1;
    out.sort(function (a, b) { return dir * (sortKey(rows[a]) - sortKey(rows[b])) || a - b; });
  }
  visible = out;
  var pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  if (state.page >= pages) state.page = pages - 1;
  renderCaseRows();
}
function renderCaseFilters() {
  var root = byId('case-filters');
  var counts = {};
  Object.keys(FLAG).forEach(function (k) { counts[k] = 0; });
  data.cases.forEach(function (row) { Object.keys(FLAG).forEach(function (k) { if (row.flags & FLAG[k]) counts[k]++; }); });
  var chipNames = isCompare ? ['regressed', 'improved', 'flaky', 'failing', 'errored'] : ['failing', 'flaky', 'errored'];
  var chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'status' }, [el('button', { type: 'button', 'data-flag': 'all', 'aria-pressed': 'true' }, 'all ' + int(data.cases.length))].concat(
    chipNames.map(function (name) { return el('button', { type: 'button', 'data-flag': name, 'aria-pressed': 'false' }, name + ' ' + int(counts[name])); })));
  chips.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-flag]');
    if (!button) return;
    var name = button.getAttribute('data-flag');
    state.flag = name === 'all' ? 0 : FLAG[name];
    state.page = 0;
    chips.querySelectorAll('button').forEach(function (b) { b.setAttribute('aria-pressed', b === button ? 'true' : 'false'); });
    applyFilters();
  });
  var tag = el('select', { id: 'filter-tag' }, [el('option', { value: '' }, 'any tag')].concat(data.tags.map(function (t) { return el('option', { value: t }, t); })));
  tag.addEventListener('change', function () { state.tag = tag.value; state.page = 0; applyFilters(); });
  var scorer = el('select', { id: 'filter-scorer' }, [el('option', { value: '-1' }, 'any scorer')].concat(data.scorers.map(function (s, i) { return el('option', { value: String(i) }, s); })));
  scorer.addEventListener('change', function () { state.scorer = Number(scorer.value); state.page = 0; applyFilters(); });
  var text = el('input', { type: 'search', id: 'filter-text', placeholder: 'case id, tag or output text', 'aria-label': 'search cases' });
  var timer = null;
  text.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.text = text.value.trim().toLowerCase(); state.page = 0; applyFilters(); }, 150);
  });
  var sort = el('select', { id: 'sort' }, [
    el('option', { value: 'order' }, 'record order'),
    el('option', { value: 'asc' }, isCompare ? 'score delta, worst first' : 'score, lowest first'),
    el('option', { value: 'desc' }, isCompare ? 'score delta, best first' : 'score, highest first'),
  ]);
  sort.addEventListener('change', function () { state.sort = sort.value; state.page = 0; applyFilters(); });
  append(root, [chips, el('label', null, ['tag', tag]), el('label', null, ['failed scorer', scorer]), el('label', null, ['sort', sort]), text]);
}
function renderCaseRows() {
  var body = byId('case-rows');
  clear(body);
  var start = state.page * PAGE_SIZE, end = Math.min(visible.length, start + PAGE_SIZE);
  var fragment = document.createDocumentFragment();
  for (var at = start; at < end; at++) fragment.appendChild(caseRow(visible[at], at === start));
  body.appendChild(fragment);
  var pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  byId('case-count').textContent = int(visible.length) + ' of ' + int(data.cases.length) + ' cases' + (visible.length ? ' · showing ' + int(start + 1) + '–' + int(end) : '');
  byId('page-info').textContent = 'page ' + (state.page + 1) + ' of ' + pages;
  byId('page-prev').disabled = state.page === 0;
  byId('page-next').disabled = state.page >= pages - 1;
  var cellNote = byId('cell-filter');
  clear(cellNote);
  if (state.cell >= 0) {
    var clearButton = el('button', { type: 'button', class: 'link' }, 'show all cells');
    clearButton.addEventListener('click', function () { state.cell = -1; state.page = 0; applyFilters(); });
    append(cellNote, ['cell: ' + cellLabel(state.cell) + ' ', clearButton]);
  }
  renders++;
  document.documentElement.setAttribute('data-renders', String(renders));
}
function sideScore(side) {
  return side ? num(side.score) + ' (' + side.passes + '/' + side.repeats.length + ')' : '—';
}
function caseRow(index, first) {
  var row = data.cases[index];
  var cells = [
    el('td', { class: 'mono case-id' }, row.id),
    el('td', null, row.pair !== null ? data.pairs[row.pair].label : cellLabel(row.candidate ? row.candidate.cell : -1)),
    el('td', { class: 'status' }, badge(row.status)),
    el('td', null, row.tags.map(function (t) { return el('span', { class: 'tag' }, t); }).concat(row.chaos ? [el('span', { class: 'tag' }, 'chaos: ' + row.chaos.operators.join('+'))] : [])),
  ];
  if (isCompare) cells.push(el('td', { class: 'num' }, sideScore(row.baseline)));
  cells.push(el('td', { class: 'num' }, sideScore(row.candidate)));
  if (isCompare) cells.push(el('td', { class: 'num delta' }, row.delta === null ? '—' : deltaSpan(row.delta, signed(row.delta))));
  return el('tr', { tabindex: first ? '0' : '-1', 'data-index': index, 'aria-selected': index === state.selected ? 'true' : 'false' }, cells);
}
function setupCaseTable() {
  var head = ['case', isCompare ? 'cells' : 'cell', 'status', 'tags'].concat(isCompare ? ['baseline score (passes)', 'candidate score (passes)', 'Δ score'] : ['score (passes)']);
  var headRow = byId('case-head');
  head.forEach(function (h, i) { headRow.appendChild(el('th', { scope: 'col', class: i >= 4 ? 'num' : null }, h)); });
  var body = byId('case-rows');
  body.addEventListener('click', function (event) {
    var tr = event.target.closest('tr[data-index]');
    if (tr) openCase(Number(tr.getAttribute('data-index')), false);
  });
  body.addEventListener('keydown', function (event) {
    var tr = event.target.closest('tr[data-index]');
    if (!tr) return;
    var target = null;
    if (event.key === 'ArrowDown') target = tr.nextElementSibling;
    else if (event.key === 'ArrowUp') target = tr.previousElementSibling;
    else if (event.key === 'Home') target = body.firstElementChild;
    else if (event.key === 'End') target = body.lastElementChild;
    else if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); openCase(Number(tr.getAttribute('data-index')), true); return; }
    else if (event.key === 'PageDown' && !byId('page-next').disabled) { event.preventDefault(); turnPage(1); return; }
    else if (event.key === 'PageUp' && !byId('page-prev').disabled) { event.preventDefault(); turnPage(-1); return; }
    else return;
    event.preventDefault();
    if (target) focusRow(target);
  });
  byId('page-prev').addEventListener('click', function () { turnPage(-1); });
  byId('page-next').addEventListener('click', function () { turnPage(1); });
}
function focusRow(tr) {
  var current = byId('case-rows').querySelector('tr[tabindex="0"]');
  if (current) current.tabIndex = -1;
  tr.tabIndex = 0;
  tr.focus();
}
function turnPage(step) {
  state.page += step;
  renderCaseRows();
  var first = byId('case-rows').firstElementChild;
  if (first) focusRow(first);
}

/* ---------- one case ---------- */
function openCase(index, moveFocus) {
  state.selected = index;
  byId('case-rows').querySelectorAll('tr[aria-selected="true"]').forEach(function (tr) { tr.setAttribute('aria-selected', 'false'); });
  var tr = byId('case-rows').querySelector('tr[data-index="' + index + '"]');
  if (tr) { tr.setAttribute('aria-selected', 'true'); focusRow(tr); }
  var root = byId('case-detail');
  clear(root);
  root.hidden = false;
  var row = data.cases[index];
  var heading = el('h2', { tabindex: '-1', id: 'case-title' }, ['Case ', el('span', { class: 'mono' }, row.id), ' ', badge(row.status)]);
  var back = el('button', { type: 'button', class: 'link no-print' }, 'back to the list (Esc)');
  back.addEventListener('click', function () { returnToList(); });
  append(root, [heading, back]);
  var facts = [];
  if (row.pair !== null) facts.push('cells: ' + data.pairs[row.pair].label);
  else if (row.candidate) facts.push('cell: ' + cellLabel(row.candidate.cell));
  if (row.delta !== null) facts.push('Δ mean score ' + signed(row.delta));
  if (row.tags.length) facts.push('tags: ' + row.tags.join(', '));
  root.appendChild(el('p', { class: 'sub' }, facts.join(' · ')));
  if (row.chaos) root.appendChild(chaosNote(row));
  if (row.expected !== undefined) root.appendChild(el('details', null, [el('summary', null, 'Expected'), el('pre', { class: 'out' }, row.expected)]));
  root.appendChild(scorerTable(row));
  var sides = [];
  if (row.baseline) sides.push({ name: isCompare ? 'baseline' : 'run', side: row.baseline });
  if (row.candidate) sides.push({ name: isCompare ? 'candidate' : 'run', side: row.candidate });
  var repeats = Math.max.apply(null, sides.map(function (s) { return s.side.repeats.length; }).concat([0]));
  for (var r = 0; r < repeats; r++) root.appendChild(repeatBlock(r, row));
  root.appendChild(promptBlock(row));
  if (moveFocus) heading.focus();
  else root.scrollIntoView({ block: 'start' });
}
function returnToList() {
  var tr = byId('case-rows').querySelector('tr[data-index="' + state.selected + '"]') || byId('case-rows').firstElementChild;
  if (tr) focusRow(tr);
}
function chaosNote(row) {
  var source = data.cases.map(function (r, i) { return i; }).filter(function (i) {
    var other = data.cases[i];
    return other.id === row.chaos.source && other.pair === row.pair && (row.pair !== null || (other.candidate && row.candidate && other.candidate.cell === row.candidate.cell));
  })[0];
  var parts = ['chaos operator: ' + row.chaos.operators.join(' + ') + ' · source case: '];
  if (source !== undefined) {
    var link = el('button', { type: 'button', class: 'link mono' }, row.chaos.source);
    link.addEventListener('click', function () { openCase(source, true); });
    parts.push(link);
  } else parts.push(el('span', { class: 'mono' }, row.chaos.source + ' (not in this report)'));
  return el('p', { class: 'chaos' }, parts);
}
function scorerMeans(side) {
  var sums = {}, counts = {};
  if (!side) return sums;
  side.repeats.forEach(function (r) { r.s.forEach(function (t) { sums[t[0]] = (sums[t[0]] || 0) + t[1]; counts[t[0]] = (counts[t[0]] || 0) + 1; }); });
  Object.keys(sums).forEach(function (k) { sums[k] = sums[k] / counts[k]; });
  return sums;
}
function scorerTable(row) {
  var base = scorerMeans(row.baseline), cand = scorerMeans(row.candidate);
  var ids = unique(Object.keys(base).concat(Object.keys(cand))).map(Number).sort(function (a, b) { return a - b; });
  if (!ids.length) return el('p', { class: 'sub' }, 'No scores.');
  var head = isCompare ? ['scorer', 'baseline (mean over repeats)', 'candidate', 'Δ'] : ['scorer', 'mean over repeats'];
  return el('div', { class: 'scroll' }, el('table', { class: 'scorer-table' }, [
    el('thead', null, el('tr', null, head.map(function (h, i) { return el('th', { scope: 'col', class: i ? 'num' : null }, h); }))),
    el('tbody', null, ids.map(function (id) {
      var cells = [el('td', null, data.scorers[id])];
      if (isCompare) {
        cells.push(el('td', { class: 'num' }, num(base[id])), el('td', { class: 'num' }, num(cand[id])));
        var d = base[id] !== undefined && cand[id] !== undefined ? cand[id] - base[id] : null;
        cells.push(el('td', { class: 'num' }, d === null ? '—' : deltaSpan(d, signed(d))));
      } else cells.push(el('td', { class: 'num' }, num(cand[id])));
      return el('tr', null, cells);
    })),
  ]));
}
function repeatBlock(r, row) {
  var a = row.baseline ? row.baseline.repeats[r] : undefined, b = row.candidate ? row.candidate.repeats[r] : undefined;
  var ops = a && b && a.o !== null && b.o !== null ? wordDiff(a.o, b.o) : null;
  var columns = [];
  if (isCompare) columns.push(sideColumn('baseline', a, ops, '-'));
  columns.push(sideColumn(isCompare ? 'candidate' : 'output', b, ops, '+'));
  return el('section', { class: 'repeat' }, [
    el('h3', null, 'Repeat ' + (r + 1) + (ops ? ' — word diff' : '')),
    el('div', { class: 'sides' + (isCompare ? '' : ' one') }, columns),
  ]);
}
function sideColumn(name, repeat, ops, keep) {
  var column = el('div', { class: 'side side-' + name }, el('h4', null, name));
  if (!repeat) { column.appendChild(el('p', { class: 'sub' }, 'no sample')); return column; }
  column.appendChild(el('div', { class: 'meta' }, [
    el('span', null, ['score ', el('strong', null, num(repeat.score))]), badge(repeat.pass ? 'pass' : 'fail'), ' ',
    el('span', null, 'tokens ' + int(repeat.in) + ' in / ' + int(repeat.out) + ' out'),
    el('span', null, usd(repeat.usd)), el('span', null, ms(repeat.ms)), el('span', null, 'stop: ' + (repeat.stop || '—')),
    repeat.cached ? el('span', null, 'cached') : null,
  ]));
  if (repeat.err) column.appendChild(el('p', { class: 'err' }, 'error ' + repeat.err.kind + ': ' + repeat.err.message));
  if (repeat.o !== null) {
    var pre = el('pre', { class: 'out', 'data-side': name });
    if (ops) {
      ops.forEach(function (op) {
        if (op[0] === '=') pre.appendChild(document.createTextNode(op[1]));
        else if (op[0] === keep) pre.appendChild(el(keep === '-' ? 'del' : 'ins', null, op[1]));
      });
    } else pre.textContent = repeat.o;
    if (repeat.cut) pre.appendChild(el('span', { class: 'cut' }, '… cut: showing ' + int(repeat.o.length) + ' of ' + int(repeat.cut) + ' characters'));
    column.appendChild(pre);
  }
  column.appendChild(el('ul', { class: 'scores' }, repeat.s.map(function (t) {
    return el('li', null, [el('strong', null, data.scorers[t[0]]), ' ', num(t[1]), ' ', badge(t[2] ? 'pass' : 'fail'), ' ', data.strings[t[3]],
      t[4] ? el('span', { class: 'err' }, ' — scorer error: ' + t[4]) : null]);
  })));
  return column;
}
function promptText(lines) { return lines.map(function (i) { return data.strings[i]; }).join('\n'); }
function promptBlock(row) {
  var wrap = el('div', { class: 'prompts' });
  var seen = {};
  [['baseline', row.baseline], [isCompare ? 'candidate' : 'run', row.candidate]].forEach(function (pair) {
    var side = pair[1];
    if (!side) return;
    side.repeats.forEach(function (r) {
      var hash = r.p || side.p;
      if (seen['$' + hash]) return;
      seen['$' + hash] = 1;
      var prompt = Object.prototype.hasOwnProperty.call(data.prompts, hash) ? data.prompts[hash] : null;
      var body = [];
      if (!prompt) body.push(el('p', { class: 'sub' }, 'The prompt text is not stored with this record (hash ' + hash.slice(0, 12) + ').'));
      else {
        if (prompt.system !== undefined) body.push(el('h4', null, 'system'), el('pre', { class: 'out' }, [promptText(prompt.system), prompt.systemCut ? el('span', { class: 'cut' }, '… cut: ' + int(prompt.systemCut) + ' characters in full') : null]));
        body.push(el('h4', null, 'user'), el('pre', { class: 'out' }, [promptText(prompt.user), prompt.userCut ? el('span', { class: 'cut' }, '… cut: ' + int(prompt.userCut) + ' characters in full') : null]));
      }
      wrap.appendChild(el('details', null, [el('summary', null, 'Rendered prompt (' + pair[0] + ')')].concat(body)));
    });
  });
  return wrap;
}

/* ---------- charts (inline SVG) ---------- */
var chartsDrawn = false;
function renderCharts() {
  var root = byId('chart-grid');
  root.appendChild(figure('Pass rate per cell, with 95% intervals', passRateChart()));
  root.appendChild(figure(isCompare ? 'Distribution of score deltas (candidate − baseline, per case)' : 'Distribution of case scores', histogramChart()));
  root.appendChild(figure('Cost per sample against mean score, per cell', costQualityChart()));
}
function figure(caption, chart) {
  return el('figure', null, [el('figcaption', null, caption), chart]);
}
function chartFrame(width, height, label) {
  return svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', 'aria-label': label }, svg('title', null, label));
}
function passRateChart() {
  var labelWidth = 210, width = 560, rowHeight = 26, top = 10, plot = width - labelWidth - 60;
  var height = top + data.cells.length * rowHeight + 30;
  var chart = chartFrame(width, height, 'pass rate per cell with 95% intervals');
  [0, 0.25, 0.5, 0.75, 1].forEach(function (t) {
    var x = labelWidth + t * plot;
    chart.appendChild(svg('line', { class: 'grid', x1: x, x2: x, y1: top, y2: height - 22 }));
    chart.appendChild(svg('text', { x: x, y: height - 8, 'text-anchor': 'middle' }, pct(t).replace('.0', '')));
  });
  data.cells.forEach(function (c, i) {
    var y = top + i * rowHeight;
    chart.appendChild(svg('text', { x: labelWidth - 8, y: y + 16, 'text-anchor': 'end' }, truncateLabel(cellLabel(i), 34)));
    chart.appendChild(svg('rect', { class: 'bar' + (c.run === 0 && isCompare && data.runs.length > 1 ? ' alt' : ''), x: labelWidth, y: y + 5, width: Math.max(0, c.passRate * plot), height: rowHeight - 10 }));
    var x1 = labelWidth + c.passRateLow * plot, x2 = labelWidth + c.passRateHigh * plot, mid = y + rowHeight / 2;
    chart.appendChild(svg('line', { class: 'whisker', x1: x1, x2: x2, y1: mid, y2: mid }));
    chart.appendChild(svg('line', { class: 'whisker', x1: x1, x2: x1, y1: mid - 5, y2: mid + 5 }));
    chart.appendChild(svg('line', { class: 'whisker', x1: x2, x2: x2, y1: mid - 5, y2: mid + 5 }));
    chart.appendChild(svg('text', { x: labelWidth + plot + 6, y: y + 16 }, pct(c.passRate)));
  });
  return chart;
}
function truncateLabel(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }
function histogramChart() {
  var values = [], lo = isCompare ? -1 : 0, hi = 1, bins = 20;
  data.cases.forEach(function (row) {
    var v = isCompare ? row.delta : row.candidate ? row.candidate.score : null;
    if (v !== null && v !== undefined) values.push(v);
  });
  var counts = new Array(bins).fill(0);
  values.forEach(function (v) { var b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / (hi - lo) * bins))); counts[b]++; });
  var width = 560, height = 240, left = 50, bottom = 30, top = 10, plotW = width - left - 15, plotH = height - top - bottom;
  var max = Math.max.apply(null, counts.concat([1]));
  var chart = chartFrame(width, height, (isCompare ? 'histogram of score deltas, ' : 'histogram of case scores, ') + values.length + ' cases');
  [0, 0.5, 1].forEach(function (t) {
    var y = top + plotH - t * plotH;
    chart.appendChild(svg('line', { class: 'grid', x1: left, x2: left + plotW, y1: y, y2: y }));
    chart.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round(t * max))));
  });
  counts.forEach(function (count, b) {
    var x = left + b * plotW / bins, h = count / max * plotH, center = lo + (b + 0.5) * (hi - lo) / bins;
    var cls = isCompare ? (center < -0.0001 ? 'bar neg' : center > 0.0001 ? 'bar pos' : 'bar') : 'bar';
    var rect = svg('rect', { class: cls, x: x + 1, y: top + plotH - h, width: Math.max(0, plotW / bins - 2), height: h });
    rect.appendChild(svg('title', null, count + ' cases in [' + num(lo + b * (hi - lo) / bins, 2) + ', ' + num(lo + (b + 1) * (hi - lo) / bins, 2) + ')'));
    chart.appendChild(rect);
  });
  chart.appendChild(svg('line', { class: 'axis', x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH }));
  (isCompare ? [-1, -0.5, 0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]).forEach(function (t) {
    chart.appendChild(svg('text', { x: left + (t - lo) / (hi - lo) * plotW, y: height - 10, 'text-anchor': 'middle' }, String(t)));
  });
  return chart;
}
function costQualityChart() {
  var points = data.cells.filter(function (c) { return c.samples > 0; }).map(function (c) { return { c: c, x: c.costUsd / c.samples, y: c.meanScore, i: data.cells.indexOf(c) }; });
  var width = 560, height = 260, left = 70, bottom = 40, top = 12, right = 36, plotW = width - left - right, plotH = height - top - bottom;
  var xMax = Math.max.apply(null, points.map(function (p) { return p.x; }).concat([0])) * 1.15 || 1;
  var yMin = Math.min.apply(null, points.map(function (p) { return p.y; }).concat([1]));
  yMin = Math.max(0, Math.floor((yMin - 0.05) * 10) / 10);
  var chart = chartFrame(width, height, 'cost per sample against mean score per cell');
  [0, 0.5, 1].forEach(function (t) {
    var x = left + t * plotW, y = top + plotH - t * plotH;
    chart.appendChild(svg('line', { class: 'grid', x1: x, x2: x, y1: top, y2: top + plotH }));
    chart.appendChild(svg('line', { class: 'grid', x1: left, x2: left + plotW, y1: y, y2: y }));
    chart.appendChild(svg('text', { x: x, y: height - 22, 'text-anchor': 'middle' }, t ? '$' + (t * xMax).toPrecision(2) : '$0'));
    chart.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, num(yMin + t * (1 - yMin), 2)));
  });
  chart.appendChild(svg('text', { x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle' }, 'cost per sample (USD)'));
  chart.appendChild(svg('text', { x: 12, y: top + plotH / 2, transform: 'rotate(-90 12 ' + (top + plotH / 2) + ')', 'text-anchor': 'middle' }, 'mean score'));
  points.forEach(function (p) {
    var x = left + p.x / xMax * plotW, y = top + plotH - (p.y - yMin) / (1 - yMin || 1) * plotH;
    var dot = svg('circle', { class: 'dot', cx: x, cy: y, r: 6 });
    dot.appendChild(svg('title', null, cellLabel(p.i) + ': ' + usd(p.x) + ' per sample, mean score ' + num(p.y)));
    chart.appendChild(dot);
    chart.appendChild(svg('text', { x: x + 9, y: y - 6, 'text-anchor': x > left + plotW * 0.7 ? 'end' : 'start' }, truncateLabel(cellLabel(p.i), 30)));
  });
  return chart;
}

/* ---------- robustness ---------- */
function renderRobustness() {
  var root = byId('robustness');
  if (!root) return;
  root.appendChild(el('p', { class: 'sub' }, 'Pass rate of chaos cases per mutation operator, against the pass rate of the golden cases they were made from (same cell).'));
  root.appendChild(el('div', { class: 'scroll' }, el('table', { id: 'robustness-table' }, [
    el('thead', null, el('tr', null, ['cell', 'operator', 'chaos samples', 'pass rate', 'source cases pass rate', 'drop'].map(function (h, i) { return el('th', { scope: 'col', class: i > 1 ? 'num' : null }, h); }))),
    el('tbody', null, data.robustness.map(function (r) {
      var drop = r.sourcePassRate === null ? null : r.passRate - r.sourcePassRate;
      return el('tr', null, [
        el('td', null, cellLabel(r.cell)), el('td', { class: 'mono' }, r.operator), el('td', { class: 'num' }, int(r.samples)),
        el('td', { class: 'num' }, pct(r.passRate)), el('td', { class: 'num' }, pct(r.sourcePassRate) + ' (' + int(r.sourceSamples) + ')'),
        el('td', { class: 'num' }, drop === null ? '—' : deltaSpan(drop, signedPct(drop))),
      ]);
    })),
  ])));
}

/* ---------- calibration ---------- */
function renderCalibration() {
  var root = byId('calibration'), c = data.calibration;
  if (!root || !c) return;
  var a = c.agreement;
  var kappaName = a.kappaKind === 'cohen' ? "Cohen's kappa" : 'quadratic-weighted kappa';
  root.appendChild(el('p', { class: 'sub' }, 'Scorer ' + c.scorer + ' of suite ' + c.suite + ': its judge against human labels, from promptgold calibrate. Cases without their own output were judged on ' + c.labeledOutput + ' (repeat 1).'));
  root.appendChild(el('div', { class: 'cards' }, [
    card('judge model', c.judgeModel, 'cal-judge-model'),
    card('scale', c.scale, 'cal-scale'),
    card('labelled cases', int(c.labeled), 'cal-labeled'),
    card('agreement', pct(a.percentAgreement), 'cal-agreement'),
    card(kappaName, num(a.kappa), 'cal-kappa'),
    card('true positive rate', pct(a.truePositiveRate), 'cal-tpr'),
    card('true negative rate', pct(a.trueNegativeRate), 'cal-tnr'),
    card('unscored', int(c.unscored), 'cal-unscored'),
  ]));
  var facts = ['Agreement and kappa over ' + int(a.n) + ' cases with both a human and a judge label.'];
  if (a.kappaKind !== 'cohen') facts.push("Unweighted Cohen's kappa: " + num(a.cohensKappa) + '.');
  facts.push('True positive rate: of the outputs humans pass, the share the judge passes; true negative rate: of those humans fail, the share the judge fails.');
  if (c.unscored) facts.push(int(c.unscored) + (c.unscored === 1 ? ' labelled case got' : ' labelled cases got') + ' no usable judgement and ' + (c.unscored === 1 ? 'is' : 'are') + ' left out.');
  root.appendChild(el('p', { class: 'sub' }, facts.join(' ')));
  root.appendChild(el('h3', null, 'Confusion matrix'));
  root.appendChild(confusionTable(a));
  root.appendChild(el('h3', null, 'Disagreements (' + int(c.disagreements.length) + ')'));
  root.appendChild(disagreementTable(c.disagreements));
  root.appendChild(el('h3', null, 'Judge noise'));
  root.appendChild(noiseTable(c.noise));
}
function confusionTable(a) {
  return el('div', { class: 'scroll' }, el('table', { id: 'calibration-confusion' }, [
    el('caption', null, 'Rows: the human label. Columns: the judge label. Shaded: both agree.'),
    el('thead', null, el('tr', null, [el('th', { scope: 'col' }, 'human ↓ · judge →')].concat(a.categories.map(function (k) { return el('th', { scope: 'col', class: 'num' }, k); })))),
    el('tbody', null, a.categories.map(function (human, i) {
      var row = a.confusion[i] || [];
      return el('tr', { 'data-human': human }, [el('th', { scope: 'row' }, human)].concat(a.categories.map(function (judge, j) {
        return el('td', { class: 'num' + (i === j ? ' agree' : ''), 'data-judge': judge }, int(row[j] || 0));
      })));
    })),
  ]));
}
function disagreementTable(items) {
  if (!items.length) return el('p', { class: 'sub' }, 'The judge agrees with every human label.');
  return el('div', { class: 'scroll' }, el('table', { id: 'calibration-disagreements' }, [
    el('thead', null, el('tr', null, ['case', 'human', 'judge', "judge's reason"].map(function (h) { return el('th', { scope: 'col' }, h); }))),
    el('tbody', null, items.map(function (d) {
      return el('tr', null, [el('td', { class: 'mono case-id' }, d.caseId), el('td', { class: 'human' }, d.human), el('td', { class: 'judge' }, d.judge), el('td', { class: 'reason' }, d.reason)]);
    })),
  ]));
}
function noiseTable(n) {
  var rows = [
    ['judgements per output', int(n.judgementsPerOutput)],
    ['outputs with two or more usable judgements', int(n.outputs)],
    ['outputs where every judgement agrees', pct(n.unanimous)],
    ['mean pairwise agreement of judgements', pct(n.pairwiseAgreement)],
    ['mean standard deviation of the score', num(n.meanStdev)],
    ['largest standard deviation of the score', num(n.maxStdev)],
  ];
  var wrap = el('div', null);
  if (n.judgementsPerOutput < 2) wrap.appendChild(el('p', { class: 'sub' }, 'Noise is measured when each output is judged more than once (calibrate --judge-samples 2 or more).'));
  wrap.appendChild(el('table', { id: 'calibration-noise' }, el('tbody', null, rows.map(function (r) {
    return el('tr', null, [el('th', { scope: 'row' }, r[0]), el('td', { class: 'num' }, r[1])]);
  }))));
  return wrap;
}

/* ---------- start ---------- */
renderHeader();
setupTabs();
renderOverview();
renderMatrix();
renderCaseFilters();
setupCaseTable();
renderRobustness();
renderCalibration();
applyFilters();
document.addEventListener('keydown', function (event) {
  if (event.key === 'Escape' && !byId('case-detail').hidden) returnToList();
});
showTab('overview');
document.documentElement.setAttribute('data-ready', 'true');
`;
