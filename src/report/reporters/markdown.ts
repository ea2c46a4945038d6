/**
 * summary.md: counts, failures by signature, regressions and culprits, explanations; also
 * $GITHUB_STEP_SUMMARY.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupBySignature } from '../cells.js';
import type { ReporterContext } from '../context.js';
import { writeFileAtomic } from '../io.js';
import type { RunReport } from '../schema.js';
import type { Reporter, RunEndReason } from '../types.js';
import { formatDuration } from './table.js';
import { escapeControl } from '../../util/control.js';

export const MARKDOWN_FILE = 'summary.md';
const MAX_GROUPS = 50;
const MAX_LISTED = 20;

/** A code span that survives backticks in the text; control characters written out. */
export function code(s: string): string {
  const flat = escapeControl(s.replace(/[\r\n]+/g, ' '));
  const runs = flat.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Text from a matrix, history or log as plain Markdown text: punctuation that makes links,
 * images, emphasis, headings or table cells backslash-escaped, HTML as entities, control
 * characters (a newline that would start a heading) written out.
 */
export function mdText(s: string): string {
  const md = s
    .replace(/[\\`*_[\]()#!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return escapeControl(md);
}

const VERDICT: Record<RunEndReason, string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  interrupted: '⚠️ interrupted',
};

export function renderMarkdown(report: RunReport, reason: RunEndReason): string {
  const s = report.summary;
  const out: string[] = [];
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : '';
  out.push(`## kmatrix: ${code(report.matrix)}${shard} — ${VERDICT[reason]}`, '');
  out.push(`${s.total} cells in ${formatDuration(report.durationMs)}, started ${report.startedAt}.`, '');
  const cols: Array<[string, number]> = [
    ['passed', s.passed],
    ['failed', s.failed],
    ['flaky', s.flaky],
    ['timeouts', s.timeouts],
    ['errors', s.errors],
    ['skipped', s.skipped],
    ['invalid', s.invalid],
    ['duplicate', s.duplicate],
    ['executed', s.executed],
    ['cached', s.cached],
  ];
  out.push(
    `| ${cols.map(([k]) => k).join(' | ')} |`,
    `|${cols.map(() => '---:').join('|')}|`,
    `| ${cols.map(([, v]) => v).join(' | ')} |`,
    '',
  );

  const groups = groupBySignature(report.cells);
  if (groups.length > 0) {
    out.push(`### Failures by signature (${groups.length})`, '');
    for (const g of groups.slice(0, MAX_GROUPS)) {
      const n = g.cells.length;
      out.push(`- ${code(g.signature)} — ${n} ${n === 1 ? 'cell' : 'cells'}`);
      for (const c of g.cells.slice(0, MAX_LISTED))
        out.push(`  - ${code(c.id)}${c.status === 'fail' ? '' : ` (${c.status})`}`);
      if (n > MAX_LISTED) out.push(`  - … and ${n - MAX_LISTED} more`);
    }
    if (groups.length > MAX_GROUPS) out.push(`- … and ${groups.length - MAX_GROUPS} more signatures`);
    out.push('');
  }

  if (report.regressions?.length) {
    out.push('### Regressions', '', '| signature | culprit | cells |', '|---|---|---:|');
    for (const r of report.regressions) {
      const culprit = r.culprit
        ? `${code(r.culprit.sha.slice(0, 12))} ${mdText(r.culprit.subject)}${r.verified ? ' (verified)' : ''}`
        : r.candidates.length
          ? `one of ${r.candidates.map((c) => code(c.slice(0, 12))).join(', ')}`
          : 'not found';
      // a GFM table splits cells at every unescaped |, code spans too
      out.push(`| ${code(r.signature).replace(/\|/g, '\\|')} | ${culprit} | ${r.cells.length} |`);
    }
    out.push('');
  }

  if (report.explanations?.length) {
    out.push('### Explanations', '');
    for (const e of report.explanations) {
      const when = e.conjunction.length ? e.conjunction.map(code).join(' & ') : 'no simple conjunction';
      const exact = e.exact ? 'exactly when' : 'mostly when';
      const counter = e.counterExamples.length
        ? ` (counter-examples: ${e.counterExamples.slice(0, 5).map(code).join(', ')})`
        : '';
      out.push(`- ${code(e.signature)} fails ${exact} ${when} — ${e.failing} failing${counter}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function createMarkdownReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'markdown',
    onRunEnd(report, reason) {
      const text = renderMarkdown(report, reason);
      writeFileAtomic(join(ctx.reportDir, MARKDOWN_FILE), text);
      const step = (ctx.env ?? process.env).GITHUB_STEP_SUMMARY;
      if (step) appendFileSync(step, text);
    },
  };
}
