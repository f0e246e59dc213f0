/** The report's stylesheet (inline, allowed by its hash). Contrast of every text colour ≥ 4.5:1. */
export const REPORT_CSS = `
:root { --fg: #1b1f24; --muted: #4a5361; --line: #d0d5dd; --bg: #ffffff; --panel: #f6f7f9; --accent: #1d4ed8;
  --bad: #b42318; --bad-bg: #fee4e2; --good: #067647; --good-bg: #dcfae6; --warn: #93370d; --warn-bg: #fef0c7;
  --err: #5925dc; --err-bg: #ebe9fe; --neutral-bg: #eef0f3; --focus: #2563eb; }
* { box-sizing: border-box; }
html { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
header.page { padding: 20px 28px 12px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.45rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 22px 0 10px; }
h3 { font-size: 1rem; margin: 18px 0 8px; }
.sub { color: var(--muted); font-size: .9rem; }
main { padding: 0 28px 40px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
button, select, input { font: inherit; color: inherit; }
button { cursor: pointer; }
nav.tabs { display: flex; gap: 4px; padding: 0 28px; border-bottom: 1px solid var(--line); background: var(--panel); position: sticky; top: 0; z-index: 2; }
nav.tabs button { border: 0; background: none; padding: 10px 14px; border-bottom: 3px solid transparent; color: var(--muted); font-weight: 600; }
nav.tabs button[aria-selected="true"] { color: var(--fg); border-bottom-color: var(--accent); }
.verdict { display: flex; gap: 18px; align-items: flex-start; border-radius: 10px; padding: 14px 18px; margin: 18px 0; border: 1px solid var(--line); }
.verdict .word { font-size: 1.5rem; font-weight: 800; text-transform: uppercase; letter-spacing: .04em; flex: none; min-width: 7ch; }
.verdict ul { margin: 4px 0 0; padding-left: 18px; }
.verdict-pass { background: var(--good-bg); border-color: #75e0a7; } .verdict-pass .word { color: var(--good); }
.verdict-fail { background: var(--bad-bg); border-color: #fda29b; } .verdict-fail .word { color: var(--bad); }
.verdict-inconclusive { background: var(--warn-bg); border-color: #fec84b; } .verdict-inconclusive .word { color: var(--warn); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 150px; background: var(--bg); }
.card .label { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 1.35rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: .8rem; max-width: 26ch; }
.card-bad { border-color: #fda29b; background: var(--bad-bg); } .card-bad .value { color: var(--bad); }
#digest td.cases { font-size: .82rem; color: var(--muted); }
#operators-table tr.worst td { background: var(--bad-bg); }
.overview-chart { max-width: 760px; margin-top: 14px; }
.warnings { background: var(--warn-bg); color: var(--warn); border-radius: 8px; padding: 8px 14px; margin: 10px 0; }
.warnings ul { margin: 0; padding-left: 18px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.label { white-space: nowrap; }
#pairs-table .ci { display: block; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: .8rem; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .78rem; font-weight: 600; white-space: nowrap; background: var(--neutral-bg); color: var(--muted); }
.b-regressed, .b-fail, .b-fail-verdict { background: var(--bad-bg); color: var(--bad); }
.b-improved, .b-pass { background: var(--good-bg); color: var(--good); }
.b-flaky, .b-flaky-run, .b-inconclusive { background: var(--warn-bg); color: var(--warn); }
.b-errored, .b-error-changed { background: var(--err-bg); color: var(--err); }
.tag { display: inline-block; background: var(--neutral-bg); color: var(--muted); border-radius: 4px; padding: 0 6px; margin: 0 3px 2px 0; font-size: .78rem; }
.pos { color: var(--good); } .neg { color: var(--bad); }
.matrix { display: inline-grid; gap: 6px; margin: 8px 0 18px; }
.matrix .head { font-weight: 600; color: var(--muted); padding: 6px; align-self: end; font-size: .85rem; }
.matrix button.cell { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; text-align: left; background: var(--bg); }
.matrix button.cell:hover { border-color: var(--accent); }
.matrix .rate { font-size: 1.3rem; font-weight: 700; display: block; }
.matrix button.cell.hi { background: var(--good-bg); } .matrix button.cell.mid { background: var(--warn-bg); } .matrix button.cell.lo { background: var(--bad-bg); }
.matrix .head[role=rowheader] { align-self: center; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin: 14px 0 10px; }
.chips { display: flex; gap: 6px; flex-wrap: wrap; }
.chips button { border: 1px solid var(--line); background: var(--bg); border-radius: 999px; padding: 3px 12px; font-size: .88rem; }
.chips button[aria-pressed="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.filters label { font-size: .88rem; color: var(--muted); display: inline-flex; gap: 6px; align-items: center; }
.filters input[type=search] { min-width: 220px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; }
.filters select { padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.pager { display: flex; gap: 10px; align-items: center; margin: 8px 0; color: var(--muted); font-size: .88rem; }
.pager button, .link { border: 1px solid var(--line); background: var(--bg); border-radius: 6px; padding: 2px 10px; }
#case-rows tr { cursor: pointer; }
#case-rows tr:hover { background: var(--panel); }
#case-rows tr[aria-selected="true"] { background: #dbeafe; }
#case-rows tr:focus-visible { outline-offset: -3px; }
.detail { scroll-margin-top: 56px; border: 1px solid var(--line); border-radius: 10px; padding: 4px 18px 18px; margin-top: 18px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.sides.one { grid-template-columns: 1fr; }
.side { min-width: 0; }
.side h4 { margin: 6px 0; font-size: .9rem; color: var(--muted); }
.meta { font-size: .8rem; color: var(--muted); margin: 2px 0 6px; }
.meta span { margin-right: 12px; white-space: nowrap; }
pre.out { white-space: pre-wrap; word-break: break-word; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 0; max-height: 420px; overflow: auto; }
pre.out del { background: #ffd7d5; color: #7a1610; text-decoration: line-through; }
pre.out ins { background: #c8f2d8; color: #054f31; text-decoration: none; }
.cut { display: block; margin-top: 6px; color: var(--warn); font-style: italic; }
.scores { list-style: none; padding: 0; margin: 6px 0 0; font-size: .85rem; }
.scores li { margin: 2px 0; }
.err { color: var(--err); }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
svg .axis { stroke: #98a2b3; stroke-width: 1; }
svg .grid { stroke: #eaecf0; stroke-width: 1; }
svg .bar { fill: #3b82f6; } svg .bar.alt { fill: #94a3b8; } svg .bar.neg { fill: #ef4444; } svg .bar.pos { fill: #16a34a; }
svg .whisker { stroke: #1b1f24; stroke-width: 1.5; }
svg .dot { fill: #1d4ed8; stroke: #fff; stroke-width: 1.5; }
#calibration-confusion, #calibration-noise { width: auto; }
#calibration-confusion td.agree { background: var(--good-bg); font-weight: 700; }
#calibration-confusion caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem; padding-top: 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 900px) { .sides { grid-template-columns: 1fr; } }
@media print {
  nav.tabs, #cases, #matrix, #charts, #robustness, #calibration, .no-print { display: none !important; }
  #overview { display: block !important; }
  html { font-size: 11pt; }
  .verdict, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main, header.page { padding: 0; }
}
`;
