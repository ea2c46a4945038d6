/**
 * What kmatrix and a spawner shell (spawner.ts) say to each other, as pure functions: the
 * script one cell runs (values single-quoted, never expanded), the shells' loop, and how the
 * shell's reports (start, pid, exit status) are told from the programs' output.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { constants as os } from 'node:os';
import { delimiter, join } from 'node:path';

/** `'...'` for the shell: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when every name can be exported by a shell and every value passed through one. */
export function shellSafe(env: Record<string, string | undefined>, words: readonly string[] = []): boolean {
  for (const [k, v] of Object.entries(env)) if (!NAME.test(k) || v?.includes('\0')) return false;
  return words.every((w) => !w.includes('\0'));
}

/**
 * `K=V` pairs as single-quoted words for `export`, or undefined when a name or value cannot go through a
 * shell.
 */
export function exportWords(env: Record<string, string>): string | undefined {
  if (!shellSafe(env)) return undefined;
  return Object.entries(env)
    .map(([k, v]) => shellQuote(`${k}=${v}`))
    .join(' ');
}

/**
 * The script one cell runs inside a spawner shell, for one program in one folder: only the
 * cell's exported words and its sequence number change from cell to cell, so the rest is
 * quoted once. `$kmx_m` is the end marker: the shell reports on its stdout that cell `seq`
 * started (S), its program's pid (P) and its exit status (E), with the time by its own clock
 * and whether the cell's output file ($1/o<seq>, cell-output.ts) has something in it. bash
 * reads a sourced file whole before running it, so S also says the file can be rewritten.
 */
export class CellScript {
  private readonly head: string;
  private readonly tail: string;

  constructor(cwd: string, argv: readonly string[]) {
    this.head = `{ cd -- ${shellQuote(cwd)} || exit 255\n`;
    this.tail = `\nexec -- ${argv.map(shellQuote).join(' ')}\n${TAIL}`;
  }

  /** `words` are quoted by exportWords (empty: nothing to export). */
  text(words: string, seq: number): string {
    const exports = words === '' ? ':' : `export ${words}`;
    const start = `kmx_o="$1/o${seq}"; printf '%sS${seq} %s\\n' "$kmx_m" "$EPOCHREALTIME"`;
    return `${start}\n${this.head}${exports}${this.tail}`;
  }
}

const TAIL = [
  // the output file is opened in the job, not by the shell: a leftover writer holds only this cell's
  '} </dev/null >"$kmx_o" 2>&1 &',
  'kmx_pid=$!',
  `printf '%sP%s\\n' "$kmx_m" "$kmx_pid"`,
  'wait "$kmx_pid"; kmx_status=$?',
  'kill -KILL -- "-$kmx_pid" 2>/dev/null',
  'if [ -s "$kmx_o" ]; then kmx_o=s; elif [ -e "$kmx_o" ]; then kmx_o=e; else kmx_o=m; fi',
  `printf '%sE%s %s %s\\n' "$kmx_m" "$kmx_status" "$EPOCHREALTIME" "$kmx_o"`,
  '',
].join('\n');

/** What the file of a queued cell is replaced with when it must not start: it reports N. */
export function notStartedScript(seq: number): string {
  return `printf '%sN${seq}\\n' "$kmx_m"\n`;
}

/**
 * The loop every spawner shell of a backend runs: the end marker is the line on fd 3 (a pipe
 * kmatrix closes after it), `$1` is the folder of script files, `$3`
 * the FIFO they share as a queue (empty: a single shell reads its stdin). Each trigger is one
 * byte naming a script file; bash reads a FIFO one byte at a time, so each trigger goes to
 * exactly one idle shell; a script file gone (L) is reported. The first shell
 * makes the FIFO and all say they are ready (R). Their own stderr is /dev/null (with `set -m`
 * bash reports finished jobs there); a cell's stderr joins its stdout.
 */
export const LOOP = [
  // the marker comes on fd 3, then closed: in no argv or environment a program could read
  'IFS= read -r kmx_m <&3 || exit; exec 3<&-',
  'set -m',
  'if [ -n "$3" ]; then [ -p "$3" ] || mkfifo -m 600 -- "$3" 2>/dev/null; fi',
  `printf '%sR\\n' "$kmx_m"`,
  'if [ -n "$3" ]; then exec 0<"$3" || exit; fi',
  // a script file that is not there (its folder was removed) is reported (L), not waited for
  'while IFS= read -r -N 1 kmx_k; do',
  `if [ -f "$1/$kmx_k" ]; then . "$1/$kmx_k"; else printf '%sL%s\\n' "$kmx_m" "$kmx_k"; fi`,
  'done',
  '',
].join('\n');

/** Names of script files, one byte each: a trigger is the file's name. */
export const TRIGGERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Where `name` would be executed from, or undefined when nothing executable is there. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How a cell's program ended (through a spawner or a plain spawn). */
export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
  /** How long the program ran, as the spawner shell clocked it (absent: kmatrix measures). */
  elapsedMs?: number;
  /** The errno of a spawn that failed (ENOENT, E2BIG...). */
  errno?: string;
  /** Queued, then cancelled before it started (Spawners.cancelQueued). */
  notStarted?: true;
  /** Not started because the spawner shells cannot work here: start it another way. */
  fallBack?: true;
}

/** bash reports death by signal n as status 128+n. */
export function exitOfStatus(status: number): ProgramExit {
  const name = status > 128 ? signalName(status - 128) : undefined;
  return name ? { code: null, signal: name } : { code: status, signal: null };
}

function signalName(n: number): NodeJS.Signals | undefined {
  const found = Object.entries(os.signals).find(([, v]) => v === n);
  return found?.[0] as NodeJS.Signals | undefined;
}

/**
 * Splits a spawner's stdout into the programs' output and the shell's reports: each report is
 * the marker, a kind letter and a value up to the end of its line. A report is written in one
 * write() of a few bytes, so a program's output never cuts through one.
 */
export class FrameScanner {
  private carry: Buffer = EMPTY;
  /** The report being read, after its marker. */
  private frame: string | undefined;

  constructor(
    private readonly marker: Buffer,
    private readonly onData: (b: Buffer) => void,
    private readonly onFrame: (kind: string, value: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = EMPTY;
    while (buf.length > 0) {
      if (this.frame !== undefined) {
        const nl = buf.indexOf(10);
        if (nl < 0) {
          this.frame += buf.toString('latin1');
          return;
        }
        const line = this.frame + buf.toString('latin1', 0, nl);
        this.frame = undefined;
        buf = buf.subarray(nl + 1);
        this.onFrame(line.slice(0, 1), line.slice(1));
        continue;
      }
      const at = buf.indexOf(this.marker);
      if (at >= 0) {
        if (at > 0) this.onData(buf.subarray(0, at));
        this.frame = '';
        buf = buf.subarray(at + this.marker.length);
        continue;
      }
      // the end may be the start of a marker: keep it for the next chunk
      const keep = Math.min(buf.length, this.marker.length - 1);
      if (buf.length > keep) this.onData(buf.subarray(0, buf.length - keep));
      this.carry = Buffer.from(buf.subarray(buf.length - keep));
      return;
    }
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * `seq time` or `status time output` of a report, the time bash's $EPOCHREALTIME (seconds), in
 * ms; `output` a letter saying what the cell's output file holds (cell-output.ts).
 */
export function reportValue(value: string): { n: number; atMs?: number; output?: string } {
  const [n, at, output] = value.split(' ');
  // a locale may write the decimal point as a comma
  const ms = at ? Number(at.replace(',', '.')) * 1000 : NaN;
  return { n: Number(n), ...(Number.isFinite(ms) ? { atMs: ms } : {}), ...(output ? { output } : {}) };
}
