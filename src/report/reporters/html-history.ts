/**
 * report.html's static sections over commits and signatures (pure): a per-commit timeline of a
 * matrix run over several commits (a row per configuration, a column per commit in history
 * order, each row's first failing commit outlined, `--bisect` culprits flagged) and a panel per
 * failure signature (its count, where it was seen, its culprit, its cells).
 */
import { STATUS_SYMBOL, axisValue, deriveAxes, groupBySignature } from '../cells.js';
import { commitLabel, historyOrder } from '../stack.js';
import type { CellResult, RegressionGroup, RunReport } from '../schema.js';
import { htmlEscape as e } from '../xml.js';

/** Statuses that say the code under test failed: where a row's first failure is. */
const FAILING = new Set(['fail', 'timeout']);
/** Cells listed per signature before "and N more". */
const LISTED = 12;
/** Timeline rows at most: the page must stay openable for matrices of many configurations. */
export const MAX_TIMELINE_ROWS = 2000;

/** The run's commits in history order (the report's list, else first seen). */
function commitOrder(report: RunReport): string[] {
  return historyOrder([...new Set(report.cells.map((c) => c.commit))], report.commits);
}

const culpritText = (r: RegressionGroup) =>
  r.culprit
    ? `${r.culprit.sha.slice(0, 12)} ${r.culprit.subject}`
    : r.candidates.length
      ? `one of ${r.candidates.map((c) => c.slice(0, 12)).join(', ')}`
      : 'not found';

/** A clickable status chip for one cell (report.html's script opens it on click). */
function chip(c: CellResult, extra = ''): string {
  const sig = c.signature ? `: ${c.signature}` : '';
  return (
    `<button type="button" class="chip st-${c.status}${extra}" data-open-cell="${e(c.id)}" ` +
    `title="${e(`${c.id} - ${c.status}${sig}`)}">${STATUS_SYMBOL[c.status]}</button>`
  );
}

/** The timeline of a run over two commits or more ('' otherwise). */
export function timelineSection(report: RunReport): string {
  const commits = commitOrder(report);
  if (commits.length < 2) return '';
  const axes = (report.axes ?? deriveAxes(report.cells)).filter((a) => a !== 'commit');
  // a row's label names only what varies between rows
  const shown = axes.filter((a) => new Set(report.cells.map((c) => axisValue(c, a))).size > 1);
  const rows = new Map<string, Map<string, CellResult>>();
  for (const c of report.cells) {
    if (c.status === 'duplicate') continue;
    const key = JSON.stringify(axes.map((a) => axisValue(c, a)));
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key)!.set(c.commit, c);
  }
  const culprits = new Map<string, RegressionGroup>();
  for (const r of report.regressions ?? []) for (const id of r.cells) culprits.set(id, r);
  const culpritShas = new Set((report.regressions ?? []).flatMap((r) => (r.culprit ? [r.culprit.sha] : [])));
  const head = commits
    .map((sha) => {
      const flag = culpritShas.has(sha) ? ' culprit' : '';
      const info = report.commits?.find((c) => c.sha === sha);
      const title = info?.subject ? ` title="${e(info.subject)}"` : '';
      const label = e(commitLabel(sha, report.commits));
      return `<th class="commit${flag}"${title} data-commit="${e(sha)}">${label}</th>`;
    })
    .join('');
  const body = [...rows.values()].slice(0, MAX_TIMELINE_ROWS).map((byCommit) => {
    const any = byCommit.values().next().value!;
    const label = shown.map((a) => `${a.replace(/^kconfig\./, '')}=${axisValue(any, a) || '·'}`).join(' ');
    const first = commits.find((sha) => FAILING.has(byCommit.get(sha)?.status ?? ''));
    const tds = commits.map((sha) => {
      const c = byCommit.get(sha);
      if (!c) return '<td class="tl empty"></td>';
      const r = culprits.get(c.id);
      const mark = r ? `<span class="flag" title="${e(`culprit: ${culpritText(r)}`)}">⚑</span>` : '';
      const cls = `tl bg-${c.status}${sha === first ? ' first-fail' : ''}${r ? ' culprit-cell' : ''}`;
      return `<td class="${cls}">${chip(c)}${mark}</td>`;
    });
    return `<tr><th class="rowhead">${e(label || 'all cells')}</th>${tds.join('')}</tr>`;
  });
  const legend = (report.regressions ?? [])
    .map((r) => `<li>⚑ <code>${e(r.signature)}</code>: first bad commit ${e(culpritText(r))}</li>`)
    .join('');
  return (
    '<section id="timeline"><h2>Timeline over commits</h2>' +
    '<p class="muted">Rows: configurations; columns: commits, oldest first. ' +
    'The first failing commit of each row is outlined; ' +
    '⚑ marks where <code>--bisect</code> placed a culprit.</p>' +
    (legend ? `<ul class="culprits">${legend}</ul>` : '') +
    '<div class="map"><table class="heatmap timeline"><thead><tr>' +
    `<th class="corner">configuration</th>${head}</tr>` +
    `</thead><tbody>${body.join('\n')}</tbody></table></div>` +
    (rows.size > MAX_TIMELINE_ROWS
      ? `<p class="muted" id="timeline-cut">First ${MAX_TIMELINE_ROWS} of ${rows.size} configurations.</p>`
      : '') +
    '</section>'
  );
}

/** One row per failure signature: its count, the commits it was seen at, its culprit, its cells. */
export function signatureSection(report: RunReport): string {
  const groups = groupBySignature(report.cells);
  if (groups.length === 0) return '';
  const bySig = new Map((report.regressions ?? []).map((r) => [r.signature, r]));
  const order = commitOrder(report);
  const rows = groups.map((g) => {
    const seen = order.filter((sha) => g.cells.some((c) => c.commit === sha));
    const at = seen.map((sha) => e(commitLabel(sha, report.commits))).join(', ');
    const r = bySig.get(g.signature);
    const cells = g.cells
      .slice(0, LISTED)
      .map((c) => chip(c))
      .join('');
    const more =
      g.cells.length > LISTED ? ` <span class="muted">and ${g.cells.length - LISTED} more</span>` : '';
    return (
      `<tr data-signature="${e(g.signature)}"><td><code>${e(g.signature)}</code></td>` +
      `<td class="count">${g.cells.length}</td><td>${at}</td><td>${r ? e(culpritText(r)) : ''}</td>` +
      `<td>${cells}${more}</td></tr>`
    );
  });
  return (
    '<section id="signatures"><h2>Signatures</h2><table class="plain signatures"><thead><tr>' +
    '<th>signature</th><th>cells</th><th>seen at</th><th>culprit</th><th>cells (click to open)</th>' +
    `</tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`
  );
}

/** The sections' own style. */
export const HISTORY_CSS = `
table.timeline td.tl { padding: 2px 4px; text-align: center; border-right: 1px solid #eaeef2;
  border-bottom: 1px solid #eaeef2; white-space: nowrap; }
table.timeline th.commit { font-size: 11.5px; }
table.timeline th.commit.culprit { color: var(--fail); }
table.timeline td.first-fail { outline: 2px solid var(--fail); outline-offset: -2px; }
.flag { color: var(--fail); font-weight: 700; margin-left: 2px; }
ul.culprits { margin: 4px 0 8px; padding-left: 18px; }
table.signatures td.count { text-align: right; font-weight: 600; }
`;
