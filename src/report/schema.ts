/**
 * report.json: one zod schema is the source of its TypeScript types, of the check when a report
 * is read back (`kmatrix report`, `merge`, `explain`, a report given as a baseline) and of the
 * published JSON Schema (matrices/report.schema.json).
 */
// a namespace import, not `{ z }`: it lets the bundle leave out zod's locales (scripts/bundle.mjs)
import * as z from 'zod';

/** Final statuses of a cell, in the order reporters list them. */
export const STATUSES = [
  'pass',
  'fail',
  'flaky',
  'skip',
  'invalid',
  'duplicate',
  'error',
  'timeout',
] as const;

const count = z.int().nonnegative();
const ms = z.number().nonnegative();

/**
 * A log reference: a path relative to the run folder that cannot climb out of it (no leading
 * `/`, no `.` or `..` part, no backslash or NUL), with an optional `#START-END` byte range. The
 * reader also checks the real path (no symbolic link leading out) and the range (log-ref.ts).
 */
export const LOG_REF = /^(?!\/)(?!(?:[^#]*\/)?\.\.?(?:\/|#|$))[^\\\u0000#]+(?:#\d{1,15}-\d{1,15})?$/;

/** Final status of a cell in a run report. */
export const StatusSchema = z.enum(STATUSES).meta({
  description:
    'pass; fail (every attempt failed); flaky (failed, then passed on a retry); skip (the backend ' +
    'could not test it); invalid or duplicate (planned away, never run); error (infrastructure); timeout',
});

/** Final status of a cell in a run report. */
export type Status = z.output<typeof StatusSchema>;

/** The simulated (or described) hardware of a cell. */
const MachineSchema = z.object({
  memory: count.meta({ description: 'memory in bytes' }),
  nodes: count,
});

/** A cell's entry in report.json: what the cell is, then how it ended. */
export const CellResultSchema = z
  .object({
    id: z.string().min(1).meta({ description: 'stable, file-name-safe cell id' }),
    arch: z.string(),
    kconfig: z
      .record(z.string(), z.string())
      .meta({ description: 'Kconfig values the matrix asked for (the symbols the cell names)' }),
    resolved: z
      .record(z.string(), z.string())
      .meta({ description: 'every symbol of the model after olddefconfig-style resolution' }),
    boot: z.string(),
    workload: z.string(),
    commit: z.string().meta({ description: 'full commit id (sha) of the history' }),
    machine: MachineSchema.optional().meta({
      description: 'the cell machine; lets reporters pivot on the memory and nodes axes',
    }),
    status: StatusSchema,
    signature: z.string().optional().meta({ description: 'normalised first report line of a failure' }),
    durationMs: ms,
    attempts: count.meta({ description: '0 for a cell planned away or not run' }),
    cached: z.boolean().meta({ description: 'the result came from the result cache' }),
    log: z.string().regex(LOG_REF, 'not a log path inside the run folder').optional().meta({
      description: 'log path relative to the report folder; logs/passed.log#START-END is a byte range',
    }),
    truncated: z.boolean().optional().meta({
      description: 'the output went over the cap (--log-cap): the log keeps its head and tail',
    }),
    reason: z.string().optional().meta({ description: 'why an invalid cell is invalid' }),
    duplicateOf: z.string().optional().meta({ description: 'id of the cell a duplicate repeats' }),
  })
  .meta({ description: 'one cell of the matrix and its result' });

/** A cell's entry in report.json (built by run/cell-result.ts, in this key order). */
export type CellResult = z.output<typeof CellResultSchema>;

/** Cells counted by status. */
export const SummarySchema = z.object({
  total: count,
  passed: count,
  failed: count,
  flaky: count,
  skipped: count,
  invalid: count,
  duplicate: count,
  errors: count,
  timeouts: count,
  executed: count.meta({ description: 'cells a backend ran in this run (not cached, not planned away)' }),
  cached: count,
});

/** Cells counted by status (report/summary.ts). */
export type Summary = z.output<typeof SummarySchema>;

/** `--shard i/n`: which part of the matrix a run is. */
export const ShardSchema = z.object({
  index: z.int().positive().meta({ description: '1-based' }),
  count: z.int().positive(),
});

/** `--shard i/n`, i 1-based. */
export type Shard = z.output<typeof ShardSchema>;

/** The plan a run (or each shard of it) was cut from; merge checks its shards against it. */
export const PlanHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({
    description:
      'sha256 of every planned cell (id and what it is) of the whole matrix, before sharding; ' +
      'absent from reports of older versions',
  });

/** A regression found by `run --bisect` and its culprit. */
export const RegressionGroupSchema = z.object({
  signature: z.string(),
  cells: z.array(z.string()),
  culprit: z.object({ sha: z.string(), subject: z.string() }).nullable(),
  candidates: z.array(z.string()).meta({
    description: 'shas that may be the first bad commit: the culprit, or those skipped commits hide it among',
  }),
  verified: z.boolean().optional(),
  confirmedOn: z
    .array(z.string())
    .optional()
    .meta({ description: 'cells of the group on which the culprit was checked and confirmed' }),
});

/** A regression found by `run --bisect` and its culprit (null when none was found). */
export type RegressionGroup = z.output<typeof RegressionGroupSchema>;

/** One explanation per failure signature: the smallest conjunction covering its failing cells. */
export const ExplanationSchema = z.object({
  signature: z.string(),
  conjunction: z.array(z.string()).meta({
    description: 'e.g. ["arch=i386", "kconfig.HIGHMEM=y"]; empty when none covers exactly',
  }),
  exact: z.boolean(),
  counterExamples: z
    .array(z.string())
    .meta({ description: 'cell ids the conjunction selects that do not fail with the signature' }),
  failing: count,
});

/** The explanation of one failure signature. */
export type Explanation = z.output<typeof ExplanationSchema>;

/** The covering array a sampled run ran (`sample:`, `--sample t`): absent when it ran every cell. */
const RunSampleSchema = z
  .object({
    strength: z.int().min(1),
    seed: z.int().min(0),
    cells: count.meta({ description: 'cells of the sample (of the whole sample when sharded)' }),
    fullCells: count.meta({ description: 'cells of the whole matrix' }),
    coverable: count.meta({ description: 't-tuples of axis values some valid cell holds' }),
    covered: count.meta({ description: 'coverable t-tuples a cell of the sample holds' }),
    uncoverable: count.meta({ description: 't-tuples no valid cell holds (not required)' }),
  })
  .meta({ description: 'the matrix was sampled: a covering array of strength t of its configurations' });

/** A commit the run's cells test, as its history names it (tags, subject). */
export const CommitInfoSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  tags: z.array(z.string()),
  version: z.string().optional().meta({ description: 'kernel version in force, when the history says' }),
});

/** A commit the run's cells test. */
export type CommitInfo = z.output<typeof CommitInfoSchema>;

/** report.json: the whole run. Optional fields are absent from reports of older versions. */
export const RunReportSchema = z
  .object({
    version: z.literal(1),
    matrix: z.string(),
    file: z.string().optional().meta({ description: 'matrix file path as given' }),
    startedAt: z.string().meta({ description: 'ISO 8601' }),
    durationMs: ms,
    interrupted: z.boolean(),
    summary: SummarySchema,
    cells: z.array(CellResultSchema),
    axes: z.array(z.string()).optional().meta({ description: 'axis names of the matrix' }),
    shard: ShardSchema.optional(),
    planHash: PlanHashSchema.optional(),
    sample: RunSampleSchema.optional(),
    regressions: z.array(RegressionGroupSchema).optional(),
    explanations: z.array(ExplanationSchema).optional(),
    commits: z.array(CommitInfoSchema).optional().meta({
      description: 'the commits the cells test, oldest first (history order), with subjects and tags',
    }),
  })
  .meta({ title: 'kmatrix report', description: 'report.json: the result of a kmatrix run' });

/** report.json: the whole run. */
export type RunReport = z.output<typeof RunReportSchema>;

/**
 * report.json as it is read back: the same schema, keeping fields it does not know (a newer
 * kmatrix's) where one may add them, so a re-rendered or merged report passes them on.
 */
export const RunReportReadSchema = RunReportSchema.extend({
  summary: SummarySchema.loose(),
  cells: z.array(CellResultSchema.loose()),
  regressions: z.array(RegressionGroupSchema.loose()).optional(),
  explanations: z.array(ExplanationSchema.loose()).optional(),
  commits: z.array(CommitInfoSchema.loose()).optional(),
}).loose();

/** The published JSON Schema of report.json (draft 2020-12): what kmatrix accepts when it reads one. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RunReportSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
