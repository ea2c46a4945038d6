/** report.json (issue 4's shape), written atomically at the end of the run. */
import { join } from 'node:path';
import type { ReporterContext } from '../context.js';
import { writeFileAtomic } from '../io.js';
import { REPORT_FILE } from '../load.js';
import type { Reporter, RunReport } from '../types.js';

/** Key order of issue 4, so the file reads the same whoever built the object. */
export function reportJson(report: RunReport): string {
  const { version, matrix, startedAt, durationMs, interrupted, summary, cells, ...extra } = report;
  return `${JSON.stringify({ version, matrix, startedAt, durationMs, interrupted, summary, cells, ...extra }, null, 2)}\n`;
}

export function createJsonReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'json',
    onRunEnd(report) {
      const text = reportJson(report);
      writeFileAtomic(join(ctx.reportDir, REPORT_FILE), text);
      if (ctx.json) ctx.stdout.write(text);
    },
  };
}
