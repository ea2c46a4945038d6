/**
 * junit.xml in the format Jenkins and GitLab read: one testsuite per matrix, one testcase per
 * cell (classname <matrix>.<arch>, name the cell id), failure/error/skipped by status.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ReporterContext } from '../context.js';
import { readLogTail, writeFileAtomic } from '../io.js';
import type { CellResult, RunReport } from '../schema.js';
import type { Reporter } from '../types.js';
import { xmlAttr, xmlText } from '../xml.js';

export const JUNIT_FILE = 'junit.xml';

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** Log tail of a cell; the reporter passes a reader so rendering stays pure. */
export type LogTail = (cell: CellResult) => string;

function testcase(matrix: string, c: CellResult, tail: LogTail): string {
  const classname = xmlAttr(`${matrix}.${c.arch}`);
  const time = seconds(c.durationMs);
  const open = `    <testcase classname="${classname}" name="${xmlAttr(c.id)}" time="${time}"`;
  const body = (tag: string, attrs: string, text: string) =>
    `      <${tag}${attrs ? ` ${attrs}` : ''}>${xmlText(text)}</${tag}>`;
  const lines: string[] = [];
  switch (c.status) {
    case 'pass':
      break;
    case 'fail':
      lines.push(body('failure', `type="fail" message="${xmlAttr(c.signature ?? 'failed')}"`, tail(c)));
      break;
    case 'flaky': {
      // a flake passed in the end: a passing testcase that says what happened before
      const note = `flaky: passed after ${c.attempts} attempts; earlier failure: ${c.signature ?? 'unknown'}`;
      lines.push(body('system-out', '', `${note}\n${tail(c)}`));
      break;
    }
    case 'error':
    case 'timeout': {
      const message =
        c.signature ?? (c.status === 'timeout' ? 'timed out' : (c.reason ?? 'infrastructure error'));
      lines.push(body('error', `type="${c.status}" message="${xmlAttr(message)}"`, tail(c)));
      break;
    }
    case 'skip':
    case 'invalid':
    case 'duplicate': {
      const why =
        c.status === 'duplicate'
          ? `duplicate of ${c.duplicateOf ?? 'another cell'}`
          : `${c.status}${c.reason ? `: ${c.reason}` : ''}`;
      lines.push(`      <skipped message="${xmlAttr(why)}"/>`);
      break;
    }
  }
  return lines.length === 0 ? `${open}/>` : `${open}>\n${lines.join('\n')}\n    </testcase>`;
}

/** Render junit.xml (pure given the log reader). */
export function renderJunit(report: RunReport, tail: LogTail, host = hostname()): string {
  const s = report.summary;
  const failures = s.failed;
  const errors = s.errors + s.timeouts;
  const skipped = s.skipped + s.invalid + s.duplicate;
  const time = seconds(report.durationMs);
  const counts =
    `tests="${s.total}" failures="${failures}" errors="${errors}" ` + `skipped="${skipped}" time="${time}"`;
  const timestamp = report.startedAt.slice(0, 19);
  const props: Array<[string, string]> = [
    ['kmatrix.file', report.file ?? ''],
    ['kmatrix.interrupted', String(report.interrupted)],
    ['kmatrix.flaky', String(s.flaky)],
  ];
  if (report.shard) props.push(['kmatrix.shard', `${report.shard.index}/${report.shard.count}`]);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kmatrix" ${counts}>`,
    `  <testsuite name="${xmlAttr(report.matrix)}" ${counts} ` +
      `timestamp="${xmlAttr(timestamp)}" hostname="${xmlAttr(host)}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...report.cells.map((c) => testcase(report.matrix, c, tail)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${out.join('\n')}\n`;
}

export function createJunitReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'junit',
    onRunEnd(report) {
      const tail: LogTail = (c) => readLogTail(ctx.reportDir, c.log, 80, 16_384);
      writeFileAtomic(join(ctx.reportDir, JUNIT_FILE), renderJunit(report, tail));
    },
  };
}
