/**
 * Failure signatures: the first report line of a kernel log, normalised the way LKP and
 * KernelCI group failures (addresses, pfns, pids, CPU numbers, timestamps and code offsets
 * removed; function and process names kept). Works on real dmesg/serial text too.
 */

/** Strip what a console or `dmesg` puts before the message: timestamps, levels, caller ids. */
function stripPrefix(line: string): string {
  let s = line.replace(/\r$/, '');
  let prev: string;
  do {
    prev = s;
    s = s
      .replace(/^\s*<\d>/, '') // printk level
      .replace(/^\s*\[\s*\d+\.\d+\]\s?/, '') // [    1.234567]
      .replace(/^\s*\[\s*[TC]\d+\]\s?/, '') // [    T1] caller id
      .replace(/^\s*(kern|user|daemon)\s*:\s*\w+\s*:\s*/, '') // dmesg -x
      .replace(/^\s*\w{3} \d{1,2} \d\d:\d\d:\d\d \S+ kernel: /, ''); // syslog
  } while (s !== prev);
  return s.trim();
}

const REPORT = [
  /^BUG:/,
  /^(CPU \d+ )?Unable to handle kernel/,
  /^Oops/,
  /^Internal error: Oops/,
  /^Kernel panic - not syncing/,
  /^WARNING:/,
  /^INFO: task .* blocked for more than/,
  /^INFO: rcu_\w+ (self-)?detected stall/,
  /^rcu: INFO: rcu_\w+ (self-)?detected stall/,
  /^watchdog: BUG: soft lockup/,
  /^general protection fault/,
  /^kernel BUG at/,
  /^UBSAN:/,
];

/** Normalise one report line so equal failures on different cells compare equal. */
export function normaliseSignature(line: string): string {
  let s = stripPrefix(line);
  s = s
    .replace(/([A-Za-z_][\w.]*)\+0x[0-9a-f]+\/0x[0-9a-f]+( \[[\w]+\])?/g, '$1') // fn+0x22f/0x260 [mod]
    .replace(/\b(pid|tgid|ppid)([:= ]\s*)\d+/gi, '$1$2N')
    .replace(/\btask:\s*\d+/gi, 'task:N')
    .replace(/\bCPU[#: ]\s*\d+/g, (m) => m.replace(/\d+/, 'N'))
    .replace(/(\btask [^\s:]+):\d+/, '$1:N') // INFO: task kmemleak:1027
    .replace(/\[([^\s:\]]+):\d+\]/g, '[$1:N]') // soft lockup [tee:3334]
    .replace(/\b([A-Za-z_]\w*)\/\d+\b/g, '$1/N') // swapper/0, kworker/u8:2 handled below
    .replace(/\b(kworker\/)[\w:+-]+/g, '$1N')
    .replace(/\bpfn:?\s*(0x)?[0-9a-f]+\b/gi, 'pfn:N')
    .replace(/\b0x[0-9a-f]+\b/gi, 'ADDR')
    .replace(/\b[0-9a-f]{8,16}\b/gi, (m) => (/[a-f]/i.test(m) || m.length >= 8 ? 'ADDR' : m))
    .replace(/\bfor (\d+)s!/, 'for Ns!')
    .replace(/for more than \d+ seconds/, 'for more than N seconds')
    .replace(/(\.[ch]):\d+/g, '$1:N')
    .replace(/\s+/g, ' ')
    .trim();
  return s;
}

/** The first report line of a log, normalised; undefined when the log reports nothing. */
const CANDIDATE = /BUG|Unable to handle|Oops|Kernel panic|WARNING:|INFO:|watchdog:|general protection|UBSAN:/;

export function extractSignature(log: string): string | undefined {
  for (const raw of log.split('\n')) {
    if (!CANDIDATE.test(raw)) continue;
    const line = stripPrefix(raw);
    if (REPORT.some((re) => re.test(line))) return normaliseSignature(line);
  }
  return undefined;
}
