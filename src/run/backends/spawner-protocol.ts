/**
 * What kmatrix and a spawner shell (spawner.ts) say to each other, as pure functions: the
 * script one cell runs (values single-quoted, never expanded), the shell's loop, and how the
 * cell's output, end marker and exit status are read back.
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

/** `K=V` pairs as single-quoted words for `export`, or undefined when a name or value cannot go through a shell. */
export function exportWords(env: Record<string, string>): string | undefined {
  if (!shellSafe(env)) return undefined;
  return Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ');
}

/**
 * The script one cell runs inside the spawner, for one program in one folder: only the cell's
 * exported words and its sequence number change from cell to cell, so the rest is quoted once.
 * `$2` is the spawner's end marker; `seq` tells this cell's pid report from a late one of the
 * cell before.
 */
export class CellScript {
  private readonly head: string;
  private readonly tail: string;

  constructor(cwd: string, argv: readonly string[]) {
    this.head = `{ exec 2>&1; cd -- ${shellQuote(cwd)} || exit 255\n`;
    this.tail = [
      `exec -- ${argv.map(shellQuote).join(' ')}`,
      '} </dev/null 3>&- &',
      'kmx_pid=$!',
      `printf 'P `,
    ].join('\n');
  }

  /** `words` are quoted by exportWords (empty: nothing to export). */
  text(words: string, seq: number): string {
    const exports = words === '' ? ':' : `export ${words}`;
    return `${this.head}${exports}\n${this.tail}${seq}${TAIL}`;
  }
}

const TAIL = [
  ` %s\\n' "$kmx_pid" >&3`,
  'wait "$kmx_pid"; kmx_status=$?',
  'kill -KILL -- "-$kmx_pid" 2>/dev/null',
  `printf '%s%s\\n' "$2" "$kmx_status"`,
  '',
].join('\n');

/**
 * The loop the spawner runs: one sourced script per line read. Its own stderr is /dev/null
 * (with `set -m` bash reports finished jobs there); a cell's stderr joins its stdout, which
 * ends with the marker and the exit status.
 */
export const LOOP = 'set -m\nwhile IFS= read -r kmx_line; do . "$1"; done\n';

/** Where `name` would be executed from, or undefined when nothing executable is there. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((d) => join(d, name));
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

/** Passes on a cell's output up to the end marker, then reads the exit status after it. */
export class OutputScanner {
  private carry: Buffer = Buffer.alloc(0);
  private trailer: string | undefined;
  /** The exit status, once the marker and the line after it have come. */
  status: number | undefined;

  constructor(
    private readonly marker: Buffer,
    private readonly sink: (b: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.status !== undefined) return; // a grandchild outside the group still writing: dropped
    if (this.trailer !== undefined) return this.readStatus(chunk.toString('latin1'));
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      if (at > 0) this.sink(buf.subarray(0, at));
      this.carry = Buffer.alloc(0);
      this.trailer = '';
      return this.readStatus(buf.subarray(at + this.marker.length).toString('latin1'));
    }
    const keep = Math.min(buf.length, this.marker.length - 1);
    if (buf.length > keep) this.sink(buf.subarray(0, buf.length - keep));
    this.carry = Buffer.from(buf.subarray(buf.length - keep));
  }

  private readStatus(text: string): void {
    this.trailer += text;
    const nl = this.trailer!.indexOf('\n');
    if (nl >= 0) this.status = Number(this.trailer!.slice(0, nl));
  }
}
