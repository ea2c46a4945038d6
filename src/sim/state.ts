/** The modelled machine state that boot stages build up and workloads read. */
import type { ArchProfile, ZoneName } from './arch.js';
import type { BootParams } from './bootparams.js';
import type { Range } from './intervals.js';
import type { ModelSwitches } from './switches.js';

/** A firmware (e820 or device-tree) memory map entry in bytes, half-open. */
export interface MapEntry {
  start: number;
  end: number;
  type: 'usable' | 'reserved' | 'ACPI data' | 'persistent (type 12)';
}

export interface NodeState {
  id: number;
  /** memblock.memory of this node, pfn ranges. */
  memory: Range[];
  /** [node_start_pfn, node_end_pfn). */
  start: number;
  end: number;
}

export interface ZoneState {
  name: ZoneName;
  node: number;
  /** Zone span [zone_start_pfn, zone_end_pfn); may contain holes. */
  start: number;
  end: number;
  /** A ZONE_MOVABLE stretched over the node for CMA (overlaps the other zones). */
  stretched?: boolean;
}

export interface CmaArea {
  name: string;
  /** pfn range. */
  base: number;
  count: number;
  node: number;
}

/** Which struct pages hold what after memmap init (pfn ranges within present sections). */
export interface MemmapState {
  /** Initialised by __init_single_page (zone, node, flags set). */
  initialised: Range[];
  /** Zeroed but never initialised. */
  zeroed: Range[];
  /** Never written: raw vmemmap, poisoned with 0xff. */
  raw: Range[];
  /** Counts the kernel logs. */
  reservedUnavailable: number;
  zeroedUnavailable: number;
}

export type Cfg = (symbol: string) => boolean;

export interface BootState {
  p: ArchProfile;
  cfg: Cfg;
  sw: ModelSwitches;
  params: BootParams;
  firmware: MapEntry[];
  /** The map after memmap=/mem= edits, when they changed anything. */
  userMap?: MapEntry[];
  /** memblock.memory and memblock.reserved, pfn ranges. */
  memory: Range[];
  reserved: Range[];
  nodes: NodeState[];
  maxPfn: number;
  maxLowPfn: number;
  /** HIGHMEM=y and RAM above max_low_pfn. */
  highmem: boolean;
  zones: ZoneState[];
  /** Per node, the start of a kernelcore=/movablecore= ZONE_MOVABLE (pfn), if any. */
  movableStart: Map<number, number>;
  /** Present memory sections, pfn ranges. */
  sections: Range[];
  cma: CmaArea[];
  memmap: MemmapState;
  /** ppc64 hash MMU (disable_radix): vmemmap reached through bolted hash entries. */
  hashMmu: boolean;
}
