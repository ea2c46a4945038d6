/**
 * report.html: one self-contained file (inline CSS and JS, no network) with a heatmap of the
 * matrix, the pivot and filters chosen in the page, and each failing cell's signature and log
 * tail one click away.
 */
import { join } from 'node:path';
import {
  DEFAULT_COLS,
  DEFAULT_ROWS,
  STATUS_SYMBOL,
  axisValue,
  deriveAxes,
  expandAxes,
  groupBySignature,
} from '../cells.js';
import type { ReporterContext } from '../context.js';
import { readLogTail, writeFileAtomic } from '../io.js';
import { summarize, summaryLine } from '../summary.js';
import { STATUSES, type CellResult, type RunReport } from '../schema.js';
import type { Reporter, RunEndReason } from '../types.js';
import { htmlEscape, jsonForScript } from '../xml.js';
import { HTML_CLIENT_JS } from './html-client.js';
import { HISTORY_CSS, signatureSection, timelineSection } from './html-history.js';
import { formatDuration } from './table.js';

export const HTML_FILE = 'report.html';
/** Lines and bytes of each embedded log tail, and how many logs at most (the file must stay openable). */
export const LOG_TAIL_LINES = 120;
export const LOG_TAIL_BYTES = 16_384;
export const MAX_EMBEDDED_LOGS = 2000;

export type LogTail = (cell: CellResult) => string;

/** The data the page script reads: axis values interned per axis, cells as small records. */
export function htmlData(report: RunReport, tail: LogTail, opts: { rows?: string[]; cols?: string[] } = {}) {
  const axes = report.axes ?? deriveAxes(report.cells);
  const cols = expandAxes(opts.cols ?? DEFAULT_COLS, axes);
  const rows = expandAxes(opts.rows ?? DEFAULT_ROWS, axes).filter((a) => !cols.includes(a));
  const values: string[][] = axes.map(() => []);
  const index: Array<Map<string, number>> = axes.map(() => new Map());
  const groups = groupBySignature(report.cells);
  const groupOf = new Map<CellResult, number>();
  groups.forEach((g, i) => g.cells.forEach((c) => groupOf.set(c, i)));
  const logs: string[] = [];
  const cells = report.cells.map((c) => {
    const a = axes.map((axis, i) => {
      const v = axisValue(c, axis);
      let j = index[i]!.get(v);
      if (j === undefined) {
        j = values[i]!.length;
        values[i]!.push(v);
        index[i]!.set(v, j);
      }
      return j;
    });
    let t: number | undefined;
    if (groupOf.has(c) && logs.length < MAX_EMBEDDED_LOGS) {
      const text = tail(c);
      if (text) {
        t = logs.length;
        logs.push(text);
      }
    }
    return {
      id: c.id,
      s: c.status,
      a,
      sig: c.signature,
      g: groupOf.get(c),
      n: c.attempts,
      ms: c.durationMs,
      cached: c.cached,
      log: c.log,
      why: c.reason,
      dup: c.duplicateOf,
      t,
    };
  });
  const summary = summarize(report.cells);
  const counts: Record<string, number> = {};
  for (const c of report.cells) counts[c.status] = (counts[c.status] ?? 0) + 1;
  return {
    matrix: report.matrix,
    axes,
    rows,
    cols,
    values,
    statuses: [...STATUSES],
    symbols: STATUS_SYMBOL,
    counts,
    summary,
    cells,
    groups: groups.map((g) => g.signature),
    logs,
    explanations: report.explanations ?? [],
  };
}

/** The regressions `run --bisect` found, with their culprits, as a table ('' when none). */
function regressionSection(report: RunReport): string {
  const e = htmlEscape;
  const rows = (report.regressions ?? [])
    .map((r) => {
      const verified = r.verified ? ' <span class="muted">(verified)</span>' : '';
      const culprit = r.culprit
        ? `<code>${e(r.culprit.sha.slice(0, 12))}</code> ${e(r.culprit.subject)}${verified}`
        : r.candidates.length
          ? `one of ${r.candidates.map((c) => `<code>${e(c.slice(0, 12))}</code>`).join(', ')}`
          : 'not found';
      return `<tr><td><code>${e(r.signature)}</code></td><td>${culprit}</td><td>${r.cells.length}</td></tr>`;
    })
    .join('\n');
  if (!rows) return '';
  return (
    '<section><h2>Regressions</h2><table class="plain">' +
    '<thead><tr><th>signature</th><th>culprit</th><th>cells</th></tr></thead>' +
    `<tbody>${rows}</tbody></table></section>`
  );
}

/** What each failure signature's cells share, as a list ('' when none). */
function explanationSection(report: RunReport): string {
  const e = htmlEscape;
  const items = (report.explanations ?? [])
    .map((x) => {
      const when = x.conjunction.length
        ? x.conjunction.map((c) => `<code>${e(c)}</code>`).join(' &amp; ')
        : '<i>no simple conjunction</i>';
      const counter = x.counterExamples.length
        ? ` <span class="muted">(counter-examples: ${x.counterExamples.slice(0, 5).map(e).join(', ')})</span>`
        : '';
      const how = x.exact ? 'exactly' : 'mostly';
      const failing = `${x.failing} failing${counter}`;
      return `<li><code>${e(x.signature)}</code> fails ${how} when ${when} — ${failing}</li>`;
    })
    .join('\n');
  return items ? `<section><h2>Explanations</h2><ul class="explanations">${items}</ul></section>` : '';
}

export function renderHtml(
  report: RunReport,
  reason: RunEndReason,
  tail: LogTail,
  opts: { rows?: string[]; cols?: string[] } = {},
): string {
  const data = htmlData(report, tail, opts);
  const e = htmlEscape;
  const verdict = reason === 'passed' ? 'passed' : reason === 'failed' ? 'failed' : 'interrupted';
  const regressionTable = regressionSection(report);
  const explanationList = explanationSection(report);
  const shard = report.shard ? ` · shard ${report.shard.index}/${report.shard.count}` : '';
  const file = report.file ? ` · <code>${e(report.file)}</code>` : '';
  const facts = `${e(summaryLine(report.summary))} · ${e(formatDuration(report.durationMs))}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>kmatrix: ${e(report.matrix)} (${verdict})</title>
<style>${CSS}${HISTORY_CSS}</style>
</head>
<body>
<header>
  <h1><span class="verdict v-${verdict}">${verdict}</span> ${e(report.matrix)}</h1>
  <p class="muted">${facts} · started ${e(report.startedAt)}${e(shard)}${file}</p>
  <div id="status-filter" class="status-filter"></div>
</header>
<main>
  <section class="controls">
    <h2>Pivot and filters</h2>
    <div id="axes"></div>
    <p id="shown" class="muted"></p>
  </section>
  <div class="split">
    <section class="map"><div id="heatmap-holder"></div></section>
    <aside id="detail" class="detail" hidden></aside>
  </div>
  ${timelineSection(report)}
  ${signatureSection(report)}
  <section>
    <h2>Failures by signature</h2>
    <div id="failures"></div>
  </section>
  ${regressionTable}
  ${explanationList}
</main>
<script type="application/json" id="kmatrix-data">${jsonForScript(data)}</script>
<script>${HTML_CLIENT_JS}</script>
</body>
</html>
`;
}

/** Nothing but the page's own inline style and script, and data: images, may load. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const CSS = `
:root {
  --pass:#2da44e; --fail:#cf222e; --timeout:#bc4c00; --error:#8250df; --flaky:#bf8700; --skip:#8c959f;
  --invalid:#afb8c1; --duplicate:#d0d7de;
  --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#ffffff; --panel:#f6f8fa; }
* { box-sizing: border-box; }
body {
  margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg);
}
header { padding: 14px 20px 10px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { margin: 0 0 4px; font-size: 20px; }
h2 { font-size: 15px; margin: 18px 0 8px; }
h4 { margin: 12px 0 4px; }
main { padding: 0 20px 40px; }
code, pre, .cell-id { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.verdict {
  display: inline-block; padding: 1px 10px; border-radius: 12px; color: #fff; font-size: 14px;
  vertical-align: 3px;
}
.v-passed { background: var(--pass); }
.v-failed { background: var(--fail); }
.v-interrupted { background: var(--timeout); }
.status-filter { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.status-toggle {
  border: 1px solid var(--line); border-radius: 14px; padding: 2px 10px 2px 4px; background: #fff;
  cursor: pointer; user-select: none;
}
.status-toggle.zero { opacity: .5; } .status-toggle input { vertical-align: -2px; }
.sym { font-weight: 700; }
.st-pass { color: var(--pass); }
.st-fail { color: var(--fail); }
.st-timeout { color: var(--timeout); }
.st-error { color: var(--error); }
.st-flaky { color: var(--flaky); }
.st-skip { color: var(--skip); }
.st-invalid { color: var(--invalid); }
.st-duplicate { color: var(--duplicate); }
.axis-row {
  display: flex; align-items: baseline; gap: 10px; padding: 3px 0; border-bottom: 1px dashed #eaeef2;
}
.axis-name {
  width: 170px; flex: none; font-family: ui-monospace, monospace; font-size: 12.5px; font-weight: 600;
}
.seg {
  flex: none; display: inline-flex; border: 1px solid var(--line); border-radius: 6px; overflow: hidden;
}
.seg button {
  border: 0; background: #fff; padding: 2px 9px; font-size: 12px; cursor: pointer;
  border-right: 1px solid var(--line);
}
.seg button:last-child { border-right: 0; } .seg button.on { background: #0969da; color: #fff; }
.vals {
  display: flex; flex-wrap: wrap; gap: 2px 12px; font-family: ui-monospace, monospace; font-size: 12px;
}
.split { display: flex; gap: 16px; align-items: flex-start; }
.map { flex: 1 1 auto; overflow: auto; max-height: 75vh; border: 1px solid var(--line); border-radius: 6px; }
.heatmap { border-collapse: separate; border-spacing: 0; font-size: 12px; }
.heatmap th {
  background: var(--panel); font-weight: 600; padding: 3px 8px;
  border-right: 1px solid var(--line); border-bottom: 1px solid var(--line);
  font-family: ui-monospace, monospace; white-space: nowrap; text-align: left; }
.heatmap thead { position: sticky; top: 0; z-index: 1; }
.heatmap thead th { text-align: center; }
.heatmap thead th.corner { text-align: left; color: var(--muted); }
.heatmap th.rowhead { vertical-align: top; }
.heatmap td.hm {
  padding: 3px; border-right: 1px solid #eaeef2; border-bottom: 1px solid #eaeef2; min-width: 34px;
  text-align: center;
}
td.bg-pass { background: #dafbe1; }
td.bg-fail { background: #ffd8d3; }
td.bg-timeout { background: #ffe2cc; }
td.bg-error { background: #eddeff; }
td.bg-flaky { background: #fff1c2; } td.bg-skip, td.bg-invalid, td.bg-duplicate { background: #f6f8fa; }
.chip {
  display: inline-block; min-width: 18px; height: 18px; margin: 1px; padding: 0 3px;
  border: 1px solid rgba(31,35,40,.15); border-radius: 4px;
  background: #fff; font: 700 12px/16px ui-monospace, monospace; cursor: pointer; }
.chip:hover { outline: 2px solid #0969da; }
.chip.sel { outline: 2px solid #0969da; box-shadow: 0 0 0 3px rgba(9,105,218,.25); }
.chip.dim { opacity: .2; }
.detail {
  flex: 0 0 46%; max-width: 760px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  background: #fff; position: sticky; top: 8px;
}
.detail-head { display: flex; gap: 8px; align-items: center; }
.detail-head .close { margin-left: auto; border: 0; background: none; font-size: 20px; cursor: pointer; }
.badge {
  border: 1px solid currentColor; border-radius: 10px; padding: 0 8px; font-weight: 600; white-space: nowrap;
}
.cell-id { word-break: break-all; }
pre.signature {
  background: #fff0ee; border-left: 3px solid var(--fail); padding: 6px 8px; white-space: pre-wrap;
  margin: 8px 0;
}
pre.log {
  background: #0d1117; color: #e6edf3; padding: 8px 10px; max-height: 420px; overflow: auto;
  white-space: pre; border-radius: 6px; margin: 0;
}
table.facts { border-collapse: collapse; font-size: 12.5px; }
table.facts th { text-align: left; color: var(--muted); font-weight: 500; padding: 1px 12px 1px 0; }
table.facts td { font-family: ui-monospace, monospace; word-break: break-all; }
.explain { background: #ddf4ff; padding: 4px 8px; border-radius: 4px; }
details.group { border-bottom: 1px solid #eaeef2; padding: 4px 0; } details.group summary { cursor: pointer; }
details.group ul { margin: 4px 0 6px; columns: 2; font-family: ui-monospace, monospace; font-size: 12px; }
button.hl {
  margin-left: 8px; font-size: 11px; border: 1px solid var(--line); border-radius: 4px; background: #fff;
  cursor: pointer;
}
table.plain { border-collapse: collapse; }
table.plain td, table.plain th { border: 1px solid var(--line); padding: 3px 8px; text-align: left; }
`;

export function createHtmlReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'html',
    onRunEnd(report, reason) {
      const tail: LogTail = (c) => readLogTail(ctx.reportDir, c.log, LOG_TAIL_LINES, LOG_TAIL_BYTES);
      writeFileAtomic(
        join(ctx.reportDir, HTML_FILE),
        renderHtml(report, reason, tail, { rows: ctx.rows, cols: ctx.cols }),
      );
    },
  };
}
