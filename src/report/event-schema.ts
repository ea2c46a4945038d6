/**
 * What each line of events.jsonl may hold. An event log from another machine (a CI shard) is
 * not trusted: every line is checked before its values are used, so a line of the wrong shape
 * is a located error (exit 2), not a crash deep in a reporter.
 */
import * as z from 'zod';
import { CellResultSchema, PlanHashSchema, RunReportReadSchema, ShardSchema } from './schema.js';

const ms = z.number().nonnegative();
const Cell = CellResultSchema.loose();

/** What reporters learn at the start of a run (types.ts RunStart), as logged. */
const RunStartSchema = z
  .object({
    matrix: z.string(),
    file: z.string(),
    description: z.string().optional(),
    reportDir: z.string(),
    startedAt: z.string(),
    cells: z.array(Cell),
    axes: z.array(z.string()),
    shard: ShardSchema.optional(),
    planHash: PlanHashSchema.optional(),
  })
  .loose();

/** A cellEnd repeats only what differs from the plan's cell: any field may be absent but its id. */
const CellDeltaSchema = CellResultSchema.partial()
  .extend({ id: z.string().min(1) })
  .loose();

export const RunStartEventSchema = z.object({
  type: z.literal('runStart'),
  version: z.int(),
  plan: RunStartSchema,
});

export const CellEndEventSchema = z.object({ type: z.literal('cellEnd'), ms, cell: CellDeltaSchema });

export const RunEndEventSchema = z.object({
  type: z.literal('runEnd'),
  ms,
  reason: z.enum(['passed', 'failed', 'interrupted']),
  report: RunReportReadSchema.omit({ cells: true }),
  cells: z.array(z.union([z.string(), Cell])),
});

/** A whole result, as a cellEnd rebuilt from the plan's cell must be. */
export const FullCellSchema = Cell;
