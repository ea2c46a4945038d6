/**
 * The matrix file format: one zod schema is the source of validation, TypeScript types,
 * defaults and the published JSON Schema (matrices/matrix.schema.json, `kmatrix schema`).
 */
// a namespace import, not `{ z }`: it lets the bundle leave out zod's locales (scripts/bundle.mjs)
import * as z from 'zod';
import { ARCHES } from './types.js';
import { parseDuration, parseSize } from './units.js';

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SIZE = /^\d+\s*[KMGTkmgt]?(i?B)?$/;
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$|^\d+(\.\d+)?$/;

const KconfigValue = z.union([z.string(), z.number()]).meta({
  description:
    'y, n or m; a number or a string for int, hex and string symbols (a real tree, kconfig.tree);' +
    " the simulator's declared model takes y or n",
});
const SymbolName = z
  .string()
  .regex(/^[A-Z0-9_]+$/, 'a Kconfig symbol is written in capitals without CONFIG_, e.g. HIGHMEM');
// the refinements catch what the patterns let through (0s, a size above 2^53, a timer overflow);
// a value the union already rejects (a bad pattern, 0, -5, 1.5) gets that one message only
const wellFormed = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
export const Size = z
  .union([z.int().positive(), z.string().regex(SIZE)])
  .refine((v) => parseSize(v) !== undefined, {
    message: 'memory size out of range (more than 0 and at most 8191T)',
    ...wellFormed,
  })
  .meta({ description: 'memory size: 8G, 512M, 1024K or bytes' });
export const Duration = z
  .union([z.number().positive(), z.string().regex(DURATION)])
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'duration out of range (at least 1ms and at most 24 days)',
    ...wellFormed,
  })
  .meta({ description: 'duration: 500ms, 30s, 10m, 1h, or seconds' });
const Workload = z.string().regex(SLUG, 'a workload name is letters, digits, ".", "_" or "-"');
const Commit = z.string().min(1).meta({ description: 'sha (prefix), tag, or range A..B of the history' });

const axis = <T extends z.ZodType>(item: T, description: string) =>
  z.array(item).min(1, 'axis is empty (give at least one value, or remove the axis)').meta({ description });

export const AxesSchema = z
  .strictObject({
    arch: axis(z.enum(ARCHES), 'architectures'),
    kconfig: z
      .record(SymbolName, axis(KconfigValue, 'values of this Kconfig symbol'))
      .meta({ description: 'Kconfig symbol -> values' }),
    boot: axis(z.string(), 'kernel command lines (extra boot parameters); "" for none'),
    workload: axis(Workload, 'what runs after boot: boot, dma-alloc, kpageflags, hotplug, devdax'),
    memory: axis(Size, 'machine memory sizes'),
    nodes: axis(z.int().min(1).max(64), 'NUMA node counts'),
  })
  .partial();

/** One include/exclude entry: single values, kconfig nested (as if flattened to kconfig.SYM). */
export const EntrySchema = z
  .strictObject({
    arch: z.enum(ARCHES),
    kconfig: z.record(SymbolName, KconfigValue),
    boot: z.string(),
    workload: Workload,
    memory: Size,
    nodes: z.int().min(1).max(64),
    commit: Commit,
  })
  .partial();

/** Top-level `kconfig:`: a real kernel tree as the source of Kconfig, instead of the declared model. */
export const KconfigTreeSchema = z
  .strictObject({
    tree: z.string().min(1).optional().meta({
      description: 'kernel source tree, relative to this file; default: the history: {git} repository',
    }),
    base: z
      .string()
      .min(1)
      .default('defconfig')
      .meta({
        description:
          "defconfig (the arch's), tinyconfig, allnoconfig, a defconfig of the tree by name" +
          ' (arch/<srcarch>/configs/NAME), or a .config file (./path, relative to this file)',
      }),
    fragments: z
      .array(z.string().min(1))
      .optional()
      .meta({
        description:
          'merged in order as merge_config.sh does; NAME is looked up as make does (kernel/configs/NAME,' +
          ' then arch/<srcarch>/configs/NAME), ./path is relative to this file',
      }),
  })
  .meta({ description: "resolve cells with a real kernel tree's Kconfig, as make olddefconfig does" });

const CommandBackend = z.strictObject({
  command: z
    .array(z.string())
    .min(1, 'command needs at least the program to run')
    .meta({ description: 'argv; run without a shell, relative to the matrix file' }),
  timeout: Duration.optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  inputs: z
    .array(z.string())
    .optional()
    .meta({ description: 'files whose content is part of the result cache key' }),
});

const SampleSchema = z
  .strictObject({
    strength: z
      .int()
      .min(1)
      .meta({ description: 't: every combination of t axis values that some valid cell has is run' }),
    seed: z.int().min(0).max(0xffff_ffff).default(0).meta({ description: 'seed of the sample search' }),
  })
  .meta({
    description:
      'run a covering array of strength t instead of every cell (each kept configuration at every commit)',
  });

export const MatrixFileSchema = z
  .strictObject({
    name: z
      .string()
      .regex(SLUG, 'a matrix name is letters, digits, ".", "_" or "-"')
      .meta({ description: 'matrix name, used in report folder names' }),
    description: z.string().optional(),
    history: z
      .union([
        z.string().min(1),
        z.strictObject({ git: z.string().min(1), firstParent: z.boolean().default(true) }),
      ])
      .optional()
      .meta({ description: 'simulated history file (relative to this file) or {git: repository}' }),
    commits: z
      .array(Commit)
      .min(1, 'commits is empty')
      .optional()
      .meta({ description: 'commits to test: shas, tags, ranges A..B; default: the newest' }),
    kconfig: KconfigTreeSchema.optional(),
    matrix: AxesSchema,
    exclude: z.array(EntrySchema).optional(),
    include: z.array(EntrySchema).optional(),
    machine: z
      .strictObject({ memory: Size, nodes: z.int().min(1).max(64) })
      .partial()
      .optional()
      .meta({ description: 'simulated hardware; per-arch defaults otherwise' }),
    backend: z.union([z.literal('sim'), CommandBackend]).default('sim'),
    jobs: z.int().min(1).max(1024).optional(),
    timeout: Duration.default('30s'),
    retries: z.int().min(0).max(100).default(0),
    seed: z
      .int()
      .min(0)
      .default(0)
      .meta({ description: 'seed for injected (flaky) failures of the simulator' }),
    sample: SampleSchema.optional(),
  })
  .meta({
    title: 'kmatrix matrix',
    description: 'A kmatrix test matrix: architectures x Kconfig x boot parameters x workloads x commits',
  });

export type MatrixFile = z.output<typeof MatrixFileSchema>;
export type MatrixEntry = z.output<typeof EntrySchema>;
export type MatrixAxes = z.output<typeof AxesSchema>;

/** The published JSON Schema (draft 2020-12). */
export function matrixJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(MatrixFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
