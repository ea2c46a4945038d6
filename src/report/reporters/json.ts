/** report.json (schema.ts), written atomically at the end of the run. */
import { join } from 'node:path';
import { arrayPieces } from '../../util/json-pieces.js';
import type { ReporterContext } from '../context.js';
import { batched, writeFileAtomic } from '../io.js';
import { REPORT_FILE } from '../load.js';
import type { RunReport } from '../schema.js';
import type { Reporter } from '../types.js';

/** The schema's key order, so the file reads the same whoever built the object. */
export function reportJson(report: RunReport): string {
  return [...reportJsonChunks(report)].join('');
}

/**
 * The same text in pieces, one cell at a time, so a report of 100,000 cells is never held as
 * one string: byte for byte what JSON.stringify(report, null, 2) gives.
 */
export function* reportJsonChunks(report: RunReport): Generator<string> {
  const { version, matrix, startedAt, durationMs, interrupted, summary, cells, ...extra } = report;
  const ordered = {
    version,
    matrix,
    startedAt,
    durationMs,
    interrupted,
    summary,
    cells: [] as unknown[],
    ...extra,
  };
  const indent = (text: string, pad: string) => text.replace(/\n/g, `\n${pad}`);
  const parts = Object.entries(ordered).filter(([, v]) => v !== undefined);
  yield '{';
  for (const [i, [key, value]] of parts.entries()) {
    yield `${i ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    if (key !== 'cells') yield indent(JSON.stringify(value, null, 2), '  ');
    else if (cells.length === 0) yield '[]';
    else {
      yield '[';
      yield* arrayPieces(cells, 'nested');
      yield '\n  ]';
    }
  }
  yield '\n}\n';
}

export function createJsonReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'json',
    onRunEnd(report) {
      writeFileAtomic(join(ctx.reportDir, REPORT_FILE), reportJsonChunks(report));
      if (ctx.json) for (const batch of batched(reportJsonChunks(report))) ctx.stdout.write(batch);
    },
  };
}
