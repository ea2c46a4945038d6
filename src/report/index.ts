/** The report layer's public face for the run engine and the CLI. */
export { createReporters, parseReporterList, REPORTER_NAMES } from './registry.js';
export type { ReporterContext } from './context.js';
export { wantColor } from './context.js';
export { Multiplexer } from './multiplexer.js';
export { EventLogReporter, parseEventLog, EVENTS_FILE } from './events.js';
export { loadRun, parseReport, REPORT_FILE } from './load.js';
export { summarize, summaryLine, endReason } from './summary.js';
export { renderTable } from './reporters/table.js';
export { reportJson } from './reporters/json.js';
export { mergeRuns, copyLogs } from './merge.js';
export { checkOutputFolder } from './out-dir.js';
export { replayRun } from './replay.js';
export { writeFileAtomic } from './io.js';
