/** Kernel oops, bad-page and hung-task reports in each architecture's own wording. */
import type { ArchProfile } from './arch.js';
import { xdigits } from './log.js';

/** Stable `+0xOFF/0xLEN` per function name, so logs look real and stay deterministic. */
const OFFSETS: Record<string, string> = {
  dma_direct_alloc: '0x22f/0x260',
  stable_page_flags: '0x27/0x3c0',
  isolate_single_pageblock: '0x260/0x5e0',
  cma_init_reserved_mem: '0x98/0x130',
  memmap_init_zone_device: '0x13c/0x2b0',
};

export function fnAt(fn: string): string {
  let h = 2166136261;
  for (const c of fn) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const len = 0x80 + (h % 0x600);
  return `${fn}+${OFFSETS[fn] ?? `0x${((h >>> 12) % len).toString(16)}/0x${len.toString(16)}`}`;
}

export interface Fault {
  /** Faulting virtual address. */
  addr: bigint;
  write: boolean;
  fn: string;
  comm: string;
  pid: number;
  /** Callers, innermost first (function names). */
  trace: string[];
  release: string;
  /** Panic line after the oops, e.g. "Attempted to kill the idle task!". */
  panic?: string;
}

function hw(p: ArchProfile): string {
  if (p.faultStyle === 'x86')
    return 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014';
  if (p.faultStyle === 'ppc')
    return 'IBM pSeries (emulated by qemu) POWER9 (raw) 0x4e1202 0xf000005 of:SLOF,HEAD pSeries';
  if (p.faultStyle === 's390') return 'QEMU 3906 QEMU (KVM/Linux)';
  return p.faultStyle === 'arm' ? 'Generic DT based system' : 'linux,dummy-virt (DT)';
}

/** What every architecture's oops is assembled from. */
interface Oops {
  p: ArchProfile;
  f: Fault;
  /** The faulting address in hex, as wide as a pointer. */
  addr: string;
  /** "NULL pointer dereference" below the first page, else "paging request". */
  what: string;
  /** The "CPU: 0 PID: ..." line. */
  cpu: string;
  /** The callers, one line each. */
  trace: string[];
  /** ppc64 names its MMU in the oops: Hash under disable_radix, else Radix. */
  hashMmu?: boolean;
}

/** The oops (and panic line, if any) the kernel prints for fault f, in p's own wording. */
export function faultReport(p: ArchProfile, f: Fault, opts: { hashMmu?: boolean } = {}): string[] {
  const oops: Oops = {
    p,
    f,
    addr: xdigits(BigInt.asUintN(p.bits, f.addr), p.bits === 32 ? 8 : 16),
    what: f.addr < 4096n ? 'NULL pointer dereference' : 'paging request',
    cpu: `CPU: 0 PID: ${f.pid} Comm: ${f.comm} Not tainted ${f.release} #1`,
    trace: f.trace.map((t) => ` ${fnAt(t)}`),
    hashMmu: opts.hashMmu,
  };
  const out = OOPS[p.faultStyle](oops);
  out.push('---[ end trace 0000000000000000 ]---');
  if (f.panic) out.push(`Kernel panic - not syncing: ${f.panic}`);
  return out;
}

/** The oops text before the end-of-trace line, per architecture. */
const OOPS: Record<ArchProfile['faultStyle'], (o: Oops) => string[]> = {
  x86: x86Oops,
  arm64: arm64Oops,
  arm: armOops,
  ppc: ppcOops,
  s390: s390Oops,
  riscv: riscvOops,
  loongarch: loongarchOops,
};

function x86Oops({ p, f, addr, what, cpu, trace }: Oops): string[] {
  return [
    `BUG: unable to handle kernel ${what} at ${addr}`,
    p.bits === 32 ? '*pde = 00000000' : 'PGD 0 P4D 0',
    `Oops: ${f.write ? '0002' : '0000'} [#1] PREEMPT SMP${p.bits === 64 ? ' PTI' : ''}`,
    'Modules linked in:',
    cpu,
    `Hardware name: ${hw(p)}`,
    p.bits === 32 ? `EIP: ${fnAt(f.fn)}` : `RIP: 0010:${fnAt(f.fn)}`,
    'Call Trace:',
    ...trace,
  ];
}

function arm64Oops({ p, f, addr, what, cpu, trace }: Oops): string[] {
  const esr = f.write ? '96000045' : '96000006';
  return [
    `Unable to handle kernel ${what} at virtual address ${addr}`,
    'Mem abort info:',
    `  ESR = 0x${esr}`,
    '  EC = 0x25: DABT (current EL), IL = 32 bits',
    `Internal error: Oops: ${esr} [#1] PREEMPT SMP`,
    'Modules linked in:',
    cpu,
    `Hardware name: ${hw(p)}`,
    `pc : ${fnAt(f.fn)}`,
    `lr : ${fnAt(f.trace[0] ?? f.fn)}`,
    'Call trace:',
    ` ${fnAt(f.fn)}`,
    ...trace,
  ];
}

function armOops({ p, f, addr, what, cpu, trace }: Oops): string[] {
  return [
    '8<--- cut here ---',
    `Unable to handle kernel ${what} at virtual address ${addr}`,
    `[${addr}] *pgd=00000000`,
    `Internal error: Oops: ${f.write ? '805' : '5'} [#1] SMP ARM`,
    'Modules linked in:',
    cpu,
    `Hardware name: ${hw(p)}`,
    `PC is at ${fnAt(f.fn)}`,
    `LR is at ${fnAt(f.trace[0] ?? f.fn)}`,
    'Backtrace:',
    ...trace,
  ];
}

function ppcOops({ f, addr, cpu, trace, hashMmu }: Oops): string[] {
  return [
    `BUG: Unable to handle kernel data access on ${f.write ? 'write' : 'read'} at 0x${addr}`,
    'Faulting instruction address: 0xc0000000004c3d08',
    'Oops: Kernel access of bad area, sig: 11 [#1]',
    `LE PAGE_SIZE=64K MMU=${hashMmu ? 'Hash' : 'Radix'} SMP NR_CPUS=2048 NUMA pSeries`,
    'Modules linked in:',
    cpu,
    `NIP [c0000000004c3d08] ${fnAt(f.fn)}`,
    'Call Trace:',
    ...trace,
  ];
}

function s390Oops({ p, f, addr, cpu, trace }: Oops): string[] {
  return [
    'Unable to handle kernel pointer dereference in virtual kernel address space',
    `Failing address: ${addr} TEID: ${addr.slice(0, 13)}803`,
    'Oops: 0004 ilc:3 [#1] SMP',
    'Modules linked in:',
    cpu,
    `Hardware name: ${hw(p)}`,
    `Krnl PSW : 0704c00180000000 000000000040b0e2 (${fnAt(f.fn)})`,
    'Call Trace:',
    ...trace,
  ];
}

function riscvOops({ f, addr, cpu, trace }: Oops): string[] {
  return [
    `Unable to handle kernel paging request at virtual address ${addr}`,
    'Oops [#1]',
    'Modules linked in:',
    cpu,
    `Hardware name: riscv-virtio,qemu (DT)`,
    `epc : ${fnAt(f.fn)}`,
    'Call Trace:',
    ...trace,
  ];
}

function loongarchOops({ f, addr, cpu, trace }: Oops): string[] {
  return [
    `CPU 0 Unable to handle kernel paging request at virtual address ${addr}, ` +
      'era == 90000000002d3f04, ra == 90000000002d3e80',
    'Oops[#1]:',
    cpu,
    `ERA: ${fnAt(f.fn)}`,
    'Call Trace:',
    ...trace,
  ];
}

/** bad_page(): "BUG: Bad page state" for a page freed while it is already a buddy page. */
export function badPageReport(p: ArchProfile, pfn: number, release: string, trace: string[]): string[] {
  const w = p.bits === 32 ? 8 : 16;
  const page = xdigits(p.vmemmap + BigInt(pfn) * BigInt(p.structPage), w);
  return [
    `BUG: Bad page state in process swapper  pfn:${pfn.toString(16).padStart(5, '0')}`,
    `page:${page} count:0 mapcount:-127 mapping:${'0'.repeat(w)} index:0x0`,
    'flags: 0x0()',
    'page dumped because: nonzero mapcount',
    'Modules linked in:',
    `CPU: 0 PID: 0 Comm: swapper Not tainted ${release} #1`,
    'Call Trace:',
    ...['dump_stack', 'bad_page', 'free_pages_check_bad', '__free_pages_ok', ...trace].map(
      (t) => ` ${fnAt(t)}`,
    ),
    'Disabling lock debugging due to kernel taint',
  ];
}

/** khungtaskd's report for a task stuck in D state. */
export function hungTaskReport(comm: string, pid: number, release: string, trace: string[]): string[] {
  return [
    `INFO: task ${comm}:${pid} blocked for more than 120 seconds.`,
    `      Not tainted ${release} #1`,
    '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    `task:${comm.padEnd(15)} state:D stack:27744 pid:${String(pid).padStart(5)} ppid:     2 flags:0x00000008`,
    'Call trace:',
    ...trace.map((t) => ` ${t}`),
  ];
}
