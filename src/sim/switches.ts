/**
 * Behaviour switches: each names what one real patch changed in the kernel. A simulated commit's
 * model is the defaults plus every `set:` up to it. This registry is the single source of truth
 * for the history loader's validation (`switchesSchema`), the docs table and the model.
 */
// a namespace import, not `{ z }`: it lets the bundle leave out zod's locales (scripts/bundle.mjs)
import * as z from 'zod';
import { objectMemo } from '../util/object-memo.js';
import type { InjectRule, Switches } from './types.js';

export interface SwitchInfo {
  name: string;
  /** The real change: 12-hex commit id (or series name) and subject. */
  commit: { sha: string; subject: string };
  /** One line: what flipping the switch does in the model. */
  effect: string;
  default: unknown;
  schema: z.ZodType;
}

const bool = (name: string, sha: string, subject: string, effect: string): SwitchInfo => ({
  name,
  commit: { sha, subject },
  effect,
  default: false,
  schema: z.boolean(),
});

const axisValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** Schema of one `inject` rule. */
export const injectRuleSchema = z.strictObject({
  when: z.record(z.string(), axisValue).default({}),
  fail: z.string().min(1),
  probability: z.number().min(0).max(1).optional(),
});

export const SWITCHES: readonly SwitchInfo[] = [
  bool(
    'cma_zone_movable',
    'bad8c6c0b114',
    'mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE',
    'CMA pages move to ZONE_MOVABLE, whose span is stretched over every node that holds a CMA area',
  ),
  bool(
    'highmem_init_clamp',
    'x86/32/highmem',
    'x86/32/highmem: check if the zone is matched when free highmem pages on init',
    'x86_32 set_highmem_pages_init() frees only pfns whose struct page belongs to the walked zone',
  ),
  bool(
    'cma_areas_memblock',
    'c999bd436fe9',
    'mm/cma: make number of CMA areas dynamic, remove CONFIG_CMA_AREAS',
    'struct cma is allocated with memblock_alloc() and written through __va() at reservation time',
  ),
  bool(
    'vmemmap_no_zeroing',
    'f7f99100d8d9',
    'mm: stop zeroing memory during allocation in vmemmap',
    'vmemmap is allocated raw (poisoned 0xff); only zone pfns and reserved-unavailable pfns get initialised',
  ),
  bool(
    'zero_unavailable_pages',
    '907ec5fca3dc',
    'mm: zero remaining unavailable struct pages',
    'struct pages of every hole below max_pfn in a present section are zeroed',
  ),
  bool(
    'isolate_pageblock',
    'zi-yan-v11',
    'Use pageblock_order for cma and alloc_contig_range alignment (v11)',
    'page isolation and CMA alignment at pageblock granularity, with the v11 boundary bugs',
  ),
  bool(
    'isolate_boundary_fix',
    '88ee134320b8',
    'mm: fix a potential infinite loop in start_isolate_page_range()',
    'isolate_single_pageblock() checks boundaries correctly and bounds its buddy-head search by MAX_ORDER',
  ),
  bool(
    'devmap_compound_vmemmap',
    '4917f55b4ef9',
    'mm/sparse-vmemmap: improve memory savings for compound devmaps',
    'devdax vmemmap with align > PAGE_SIZE is populated by vmemmap_populate_compound_pages() in init_mm',
  ),
  bool(
    'vmemmap_can_optimize',
    '87a7ae75d738',
    'mm/vmemmap/devdax: fix kernel crash when probing devdax devices',
    'compound vmemmap population only where the arch selects ARCH_WANT_OPTIMIZE_VMEMMAP',
  ),
  {
    name: 'inject',
    commit: { sha: '-', subject: 'not a kernel change: user-defined, openly non-mechanistic failures' },
    effect: 'a matching cell fails with the given report line, with the given probability per attempt',
    default: [],
    schema: z.array(injectRuleSchema),
  },
];

/** `set:` of a history commit: every switch optional, unknown names rejected. */
export const switchesSchema = z.strictObject(
  Object.fromEntries(SWITCHES.map((s) => [s.name, s.schema.optional()])) as Record<
    string,
    z.ZodOptional<z.ZodType>
  >,
);

/** The typed switch state the model reads. */
export interface ModelSwitches {
  cma_zone_movable: boolean;
  highmem_init_clamp: boolean;
  cma_areas_memblock: boolean;
  vmemmap_no_zeroing: boolean;
  zero_unavailable_pages: boolean;
  isolate_pageblock: boolean;
  isolate_boundary_fix: boolean;
  devmap_compound_vmemmap: boolean;
  vmemmap_can_optimize: boolean;
  inject: InjectRule[];
}

/** Defaults of every switch. */
export function defaultSwitches(): ModelSwitches {
  return Object.fromEntries(SWITCHES.map((s) => [s.name, s.default])) as unknown as ModelSwitches;
}

/**
 * Read a (possibly partial, loosely typed) switch record into the typed state; bad values fall
 * back to defaults. Every cell at a commit shares that commit's switch record, so its typed
 * state is read once (the `inject` rules go through zod); the model only reads it.
 */
export const readSwitches: (sw: Switches) => ModelSwitches = objectMemo((sw: Switches) =>
  readSwitchesOnce(sw),
);

function readSwitchesOnce(sw: Switches): ModelSwitches {
  const out = defaultSwitches() as unknown as Record<string, unknown>;
  for (const info of SWITCHES) {
    if (!(info.name in sw)) continue;
    if (typeof info.default === 'boolean') {
      if (typeof sw[info.name] === 'boolean') out[info.name] = sw[info.name];
      continue;
    }
    const parsed = info.schema.safeParse(sw[info.name]);
    if (parsed.success) out[info.name] = parsed.data;
  }
  return out as unknown as ModelSwitches;
}

/** Fold `set:` records oldest first into the state at the last one. */
export function foldSwitches(sets: ReadonlyArray<Record<string, unknown> | undefined>): Switches {
  const state: Switches = {};
  for (const s of sets) Object.assign(state, s ?? {});
  return state;
}
