/**
 * Kernel command line parsing as the kernel does it: next_arg() tokenising (quotes allowed),
 * memparse() numbers (base auto-detected like simple_strtoull, suffixes K M G T P E), and the
 * early_param handlers of the parameters the model uses. Parameters the arch does not know end
 * up in `unknown`, which the kernel passes to init and logs.
 */
import type { BootParamProblem } from './types.js';
import { archProfile } from './arch.js';

/** One `memmap=` entry; `pmem` is `!` (E820_TYPE_PRAM), `reserved` `$`, `acpi` `#`, `usable` `@`. */
export interface MemmapEntry {
  kind: 'pmem' | 'reserved' | 'acpi' | 'usable' | 'limit' | 'exactmap';
  start: number;
  size: number;
}

export type SizeOrPercent = { bytes: number } | { percent: number } | { mirror: true };

export interface BootParams {
  mem?: number;
  memmap: MemmapEntry[];
  /** `cma=size[@base[-limit]]`; limit 0 means "the arch limit". */
  cma?: { size: number; base: number; limit: number };
  kernelcore?: SizeOrPercent;
  movablecore?: SizeOrPercent;
  numa?: { off?: boolean; fakeNodes?: number; fakeSize?: number };
  disableRadix: boolean;
  /** Real kernel parameters the model accepts but does not simulate (console=, root=, hugepages=, ...). */
  ignored: string[];
}

export interface ParsedBootParams {
  params: BootParams;
  problems: BootParamProblem[];
  unknown: string[];
}

/** Real parameters known on every arch that do not change the modelled state. */
const IGNORED = new Set(
  (
    'console earlycon earlyprintk root rootfstype rootwait ro rw init rdinit quiet loglevel debug ' +
    'ignore_loglevel panic nokaslr hugepages hugepagesz default_hugepagesz hugetlb_cma crashkernel ' +
    'memblock page_poison init_on_alloc init_on_free mitigations nosmp maxcpus nr_cpus ' +
    'initcall_debug kmemleak movable_node memhp_default_state hung_task_panic softlockup_panic audit ' +
    'selinux apparmor ip nfsroot slub_debug page_owner norandmaps transparent_hugepage nohz isolcpus ' +
    'threadirqs oops panic_on_oops debug_pagealloc memtest swiotlb iommu no_hash_pointers'
  ).split(' '),
);
const IGNORED_X86 = new Set('nopti noapic nolapic acpi pci vga noexec nox2apic tsc clocksource'.split(' '));

/** memparse(): a number in C base-0 notation with an optional K/M/G/T/P/E suffix. */
export function memparse(text: string, at = 0): { value: number; end: number } | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([KMGTPEkmgtpe]?)/.exec(text.slice(at));
  if (!m) return undefined;
  const digits = m[1]!;
  const base = /^0[xX]/.test(digits) ? 16 : digits.length > 1 && digits.startsWith('0') ? 8 : 10;
  let value = parseInt(base === 16 ? digits.slice(2) : digits, base);
  const shift = 'KMGTPE'.indexOf(m[2]!.toUpperCase());
  if (m[2]) value *= 2 ** (10 * (shift + 1));
  return { value, end: at + m[0].length };
}

/** Split a command line the way next_arg() does: whitespace-separated, double quotes group. */
export function tokenise(cmdline: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let i = 0;
  while (i < cmdline.length) {
    while (i < cmdline.length && /\s/.test(cmdline[i]!)) i++;
    if (i >= cmdline.length) break;
    const offset = i;
    let text = '';
    let quoted = false;
    while (i < cmdline.length && (quoted || !/\s/.test(cmdline[i]!))) {
      if (cmdline[i] === '"') quoted = !quoted;
      else text += cmdline[i];
      i++;
    }
    out.push({ text, offset });
  }
  return out;
}

function whole(text: string): number | undefined {
  const r = memparse(text);
  return r && r.end === text.length ? r.value : undefined;
}

function parseMemmapOne(v: string): MemmapEntry | string {
  if (v === 'exactmap') return { kind: 'exactmap', start: 0, size: 0 };
  const size = memparse(v);
  if (!size) return 'expected a size such as 1G';
  const rest = v.slice(size.end);
  if (rest === '') return { kind: 'limit', start: 0, size: size.value };
  const kinds: Record<string, MemmapEntry['kind']> = {
    '!': 'pmem',
    $: 'reserved',
    '#': 'acpi',
    '@': 'usable',
  };
  const kind = kinds[rest[0]!];
  if (!kind) return `unexpected "${rest[0]}" after the size (expected ! $ # or @)`;
  const start = whole(rest.slice(1));
  if (start === undefined) return `missing or malformed start address after "${rest[0]}"`;
  if (size.value === 0) return 'size must not be zero';
  return { kind, start, size: size.value };
}

function parseSizeOrPercent(v: string): SizeOrPercent | undefined {
  if (v === 'mirror') return { mirror: true };
  const pct = /^(\d+)%$/.exec(v);
  if (pct) return Number(pct[1]) <= 100 ? { percent: Number(pct[1]) } : undefined;
  const bytes = whole(v);
  return bytes === undefined ? undefined : { bytes };
}

function parseCma(v: string): BootParams['cma'] | undefined {
  const size = memparse(v);
  if (!size) return undefined;
  if (size.end === v.length) return { size: size.value, base: 0, limit: 0 };
  if (v[size.end] !== '@') return undefined;
  const base = memparse(v, size.end + 1);
  if (!base) return undefined;
  if (base.end === v.length) return { size: size.value, base: base.value, limit: 0 };
  if (v[base.end] !== '-') return undefined;
  const limit = memparse(v, base.end + 1);
  if (!limit || limit.end !== v.length) return undefined;
  return { size: size.value, base: base.value, limit: limit.value };
}

const HINTS: Record<string, string> = {
  memmap: 'memmap=nn[KMG]!ss[KMG], $, # or @',
  cma: 'cma=nn[MG][@start[MG][-end[MG]]]',
  mem: 'mem=nn[KMG]',
  kernelcore: 'kernelcore=nn[KMG] or nn%',
  movablecore: 'movablecore=nn[KMG] or nn%',
  numa: 'numa=off or numa=fake=N or numa=fake=nn[MG]',
};

/** Parse a kernel command line for `arch`. Pure; never throws on user input. */
export function parseBootParams(cmdline: string, arch: string): ParsedBootParams {
  const profile = archProfile(arch);
  const params: BootParams = { memmap: [], disableRadix: false, ignored: [] };
  const problems: BootParamProblem[] = [];
  const unknown: string[] = [];
  const knows = (p: string) => profile.params.includes(p);
  for (const { text, offset } of tokenise(cmdline)) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    const value = eq < 0 ? undefined : text.slice(eq + 1);
    const bad = (message: string) => problems.push({ offset, param: text, message, hint: HINTS[name] });
    if (name === 'mem') {
      if (value === 'nopentium' && profile.faultStyle === 'x86') continue;
      const v = value === undefined ? undefined : whole(value);
      if (v === undefined || v === 0) bad(`malformed value "${value ?? ''}": expected a size such as 4G`);
      else params.mem = v;
    } else if (name === 'memmap' && knows('memmap')) {
      for (const part of (value ?? '').split(',')) {
        const e = parseMemmapOne(part);
        if (typeof e === 'string') bad(`malformed value "${part}": ${e}`);
        else params.memmap.push(e);
      }
    } else if (name === 'cma' && knows('cma')) {
      const c = value === undefined ? undefined : parseCma(value);
      if (!c) bad(`malformed value "${value ?? ''}": expected a size such as 64M`);
      else params.cma = c;
    } else if (name === 'kernelcore' || name === 'movablecore') {
      const v = value === undefined ? undefined : parseSizeOrPercent(value);
      if (!v) bad(`malformed value "${value ?? ''}": expected a size or a percentage`);
      else params[name] = v;
    } else if (name === 'numa' && knows('numa')) {
      if (value === 'off') params.numa = { off: true };
      else if (value?.startsWith('fake=')) {
        const f = value.slice(5).replace(/U$/, '');
        const n = /^\d+$/.test(f) ? Number(f) : undefined;
        const sz = n === undefined ? whole(f) : undefined;
        if (n !== undefined && n > 0 && n <= 64) params.numa = { fakeNodes: n };
        else if (sz !== undefined && sz > 0) params.numa = { fakeSize: sz };
        else bad(`malformed value "${value}": expected a node count or a size`);
      } else if (value !== 'noacpi' && value !== 'nohmat') bad(`malformed value "${value ?? ''}"`);
    } else if (name === 'disable_radix' && knows('disable_radix')) {
      params.disableRadix = value === undefined || /^(1|y|yes|on|true)$/i.test(value);
    } else if (
      IGNORED.has(name) ||
      name.includes('.') ||
      (profile.faultStyle === 'x86' && IGNORED_X86.has(name))
    ) {
      params.ignored.push(text);
    } else {
      unknown.push(text);
    }
  }
  return { params, problems, unknown };
}
