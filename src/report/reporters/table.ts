/** The terminal table: a cli-table3 pivot of the matrix, a legend, failures by signature, a summary line. */
import Table from 'cli-table3';
import pc from 'picocolors';
import {
  DEFAULT_COLS,
  DEFAULT_ROWS,
  STATUS_SYMBOL,
  deriveAxes,
  expandAxes,
  groupBySignature,
  pivot,
} from '../cells.js';
import type { ReporterContext } from '../context.js';
import { arrange, stackLegend, stackOf, type Stack } from '../stack.js';
import { summaryLine } from '../summary.js';
import { STATUSES, type CellResult, type RunReport, type Status } from '../schema.js';
import type { Reporter } from '../types.js';
import { escapeControl } from '../../util/control.js';
import { FULL_SHA, shortSha } from '../../util/sha.js';

/** Symbols shown in one pivot position before "+N". */
const MAX_SYMBOLS = 24;
/** Cells listed under one signature before "... and N more". */
const MAX_LISTED = 8;

export interface TableOptions {
  color: boolean;
  rows?: string[];
  cols?: string[];
}

type Colors = ReturnType<typeof pc.createColors>;

function paint(colors: Colors, status: Status, text: string): string {
  switch (status) {
    case 'pass':
      return colors.green(text);
    case 'fail':
    case 'timeout':
      return colors.red(colors.bold(text));
    case 'error':
      return colors.magenta(text);
    case 'flaky':
      return colors.yellow(text);
    default:
      return colors.dim(text);
  }
}

/**
 * Display form of an axis value in a header: shas shortened, empty boot lines visible, control
 * characters written out (a boot line's escape sequence must not clear the screen).
 */
function showValue(axis: string, value: string): string {
  if (axis === 'commit' && FULL_SHA.test(value)) return shortSha(value);
  return value === '' ? '·' : escapeControl(value);
}

function colLabel(axes: string[], key: string[]): string {
  if (axes.length === 0) return 'result';
  return axes.map((a, i) => `${a.replace(/^kconfig\./, '')}=${showValue(a, key[i]!)}`).join('\n');
}

/** Render the whole terminal report as a string (pure; the reporter prints it). */
export function renderTable(report: RunReport, opts: TableOptions): string {
  const colors = pc.createColors(opts.color);
  const axes = report.axes ?? deriveAxes(report.cells);
  const colAxes = expandAxes(opts.cols ?? DEFAULT_COLS, axes);
  const rowAxes = expandAxes(opts.rows ?? DEFAULT_ROWS, axes).filter((a) => !colAxes.includes(a));
  const p = pivot(report.cells, rowAxes, colAxes);
  const stack = stackOf(report.cells, axes, p, report.commits);
  const out: string[] = [];

  if (report.cells.length > 0) {
    const head = [
      ...rowAxes.map((a) => colors.bold(a)),
      ...p.cols.map((k) => colors.bold(colLabel(colAxes, k))),
    ];
    const table = new Table({
      head,
      style: { head: [], border: [], compact: true },
      // no rule between body rows: big matrices stay readable
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    p.rows.forEach((rowKey, r) => {
      const line: string[] = rowAxes.map((a, i) => showValue(a, rowKey[i]!));
      p.cols.forEach((_, k) => line.push(symbols(p.at.get(`${r},${k}`) ?? [], colors, stack)));
      table.push(line);
    });
    out.push(table.toString());
  }
  const empty = stack.axes.length ? `  ${colors.dim('·')} no cell` : '';
  out.push(STATUSES.map((s) => `${paint(colors, s, STATUS_SYMBOL[s])} ${s}`).join('  ') + empty);
  const legend = stackLegend(stack, showValue, report.commits);
  if (legend) out.push(colors.dim(legend));

  const groups = groupBySignature(report.cells);
  if (groups.length > 0) {
    out.push('', colors.bold(`Failures by signature (${groups.length}):`));
    for (const g of groups) {
      const n = g.cells.length;
      out.push(
        `  ${paint(colors, g.cells[0]!.status, STATUS_SYMBOL[g.cells[0]!.status])} ` +
          `${escapeControl(g.signature)}  ${colors.dim(`(${n} ${n === 1 ? 'cell' : 'cells'})`)}`,
      );
      for (const c of g.cells.slice(0, MAX_LISTED)) {
        const log = c.log ? colors.dim(`  ${c.log}`) : '';
        const tag = c.status === 'fail' ? '' : ` [${c.status}]`;
        out.push(`      ${escapeControl(c.id)}${tag}${log}`);
      }
      if (n > MAX_LISTED) out.push(colors.dim(`      ... and ${n - MAX_LISTED} more`));
    }
  }

  if (report.regressions?.length) {
    out.push('', colors.bold(`Regressions (${report.regressions.length}), bisected:`));
    for (const r of report.regressions) {
      const n = r.cells.length;
      const culprit = r.culprit
        ? `first bad commit ${r.culprit.sha.slice(0, 12)} ${escapeControl(r.culprit.subject)}` +
          (r.verified
            ? colors.dim(' (verified by revert)')
            : r.verified === false
              ? colors.dim(' (revert check failed)')
              : '')
        : r.candidates.length
          ? `first bad commit is one of: ${r.candidates.map((c) => c.slice(0, 12)).join(', ')}`
          : 'culprit not found';
      out.push(
        `  ${escapeControl(r.signature)}  ${colors.dim(`(${n} ${n === 1 ? 'cell' : 'cells'})`)}`,
        `      ${culprit}`,
      );
    }
  }

  const problems = report.summary.failed + report.summary.timeouts + report.summary.errors;
  const interrupted = report.interrupted ? ' (interrupted)' : '';
  const line = `${summaryLine(report.summary)} in ${formatDuration(report.durationMs)}${interrupted}`;
  const sample = report.sample;
  if (sample)
    out.push(
      '',
      colors.dim(
        `a sample of ${sample.cells} of ${sample.fullCells} cells: strength ${sample.strength}, ` +
          `seed ${sample.seed}, ${sample.covered} of ${sample.coverable} coverable ` +
          `${sample.strength}-tuples covered, ${sample.uncoverable} uncoverable`,
      ),
    );
  out.push(
    '',
    problems > 0 || report.interrupted ? colors.red(colors.bold(line)) : colors.green(colors.bold(line)),
  );
  return `${out.join('\n')}\n`;
}

/** A position's symbols in the stack's order; a combination without a cell shows as a dim dot. */
function symbols(cells: CellResult[], colors: Colors, stack: Stack): string {
  const slots = arrange(cells, stack);
  const one = (slot: CellResult[]) =>
    slot.length
      ? slot.map((c) => paint(colors, c.status, STATUS_SYMBOL[c.status])).join('')
      : colors.dim('·');
  // without stacked axes a position's cells are one slot: shown one symbol each
  const items = stack.axes.length ? slots.map(one) : slots[0]!.map((c) => one([c]));
  const more = items.length > MAX_SYMBOLS ? colors.dim(`+${items.length - MAX_SYMBOLS}`) : '';
  return items.slice(0, MAX_SYMBOLS).join('') + more;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function createTableReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'table',
    onRunEnd(report) {
      ctx.stdout.write(renderTable(report, { color: ctx.color, rows: ctx.rows, cols: ctx.cols }));
    },
  };
}
