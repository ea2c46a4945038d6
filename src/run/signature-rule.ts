/**
 * Which failures count as the same failure. A signature names a failure: by default the first
 * kernel report line of the log (BUG/Oops/panic/WARNING..., normalised as syzbot and KernelCI
 * do), or else its last output line with the noise taken out (numbers, hex, addresses, pids,
 * temp paths, timestamps), so "returned 4 at counter 145" and "returned 4 at counter 146" are
 * one failure. `kmatrix bisect --signature` chooses another rule:
 * - `any`: git's rule, any failure is the failure;
 * - `first-line`: the first output line, noise taken out;
 * - a regular expression: what it matches on the first line it matches (its first group when
 *   it has one), as it is: the expression decides what is noise.
 */
import { extractSignature } from '../sim/signature.js';
import { UserError } from '../errors.js';
import type { Cell } from '../matrix/types.js';
import type { Backend, Outcome, RunContext } from './types.js';

export type SignatureRule =
  | { kind: 'report' }
  | { kind: 'any' }
  | { kind: 'first-line' }
  | { kind: 'regex'; source: string; re: RegExp };

/** The signature every failure has under `--signature any`. */
export const ANY_FAILURE = 'any failure';

export function parseSignatureRule(text: string): SignatureRule {
  if (text === 'any' || text === 'first-line' || text === 'report') return { kind: text };
  try {
    return { kind: 'regex', source: text, re: new RegExp(text) };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UserError(`--signature ${text}: not any, first-line, report or a regular expression (${why})`);
  }
}

/** A line with what differs between runs of the same failure taken out. */
export function normaliseNoise(line: string): string {
  return (
    line
      .replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, 'TIME')
      .replace(/\b\d\d:\d\d:\d\d(?:\.\d+)?\b/g, 'TIME')
      .replace(/(?:\/(?:tmp|var\/tmp|dev\/shm)|\/run\/user\/\d+)(?:\/[^\s/:'"]+)+/g, 'PATH')
      .replace(/\b0x[0-9a-f]+\b/gi, 'ADDR')
      // a long hex word with digits and letters (a hash, an address without 0x); not "deadline"
      .replace(/\b[0-9a-f]{8,}\b/gi, (m) => (/\d/.test(m) && /[a-f]/i.test(m) ? 'ADDR' : m))
      // a number standing alone (counter 145, code:3, 1.5s, swapper/0), not one inside a name (x86_64, v6)
      .replace(/(?<![\w.])\d+(?:\.\d+)?(?=(?:[mun]?s|[KMG]i?B)?(?![\w]))/g, 'N')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

const lines = (log: string) =>
  log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('[kmatrix]'));

/** The signature of a failed attempt's log under `rule`. */
export function signatureOf(log: string, rule: SignatureRule = { kind: 'report' }): string | undefined {
  switch (rule.kind) {
    case 'any':
      return ANY_FAILURE;
    case 'first-line': {
      const first = lines(log)[0];
      return first === undefined ? undefined : normaliseNoise(first);
    }
    case 'regex': {
      for (const line of lines(log)) {
        const m = rule.re.exec(line);
        if (m) return m[1] ?? m[0];
      }
      return `no line matches /${rule.source}/`;
    }
    default: {
      const last = lines(log).at(-1);
      return extractSignature(log) ?? (last === undefined ? undefined : normaliseNoise(last));
    }
  }
}

/**
 * A backend whose failures are named by `rule` instead of the backend's own signatures; the
 * rule is part of the cache key, so a cached failure named another way is not reused.
 */
export class SignatureRuleBackend implements Backend {
  readonly name: string;
  constructor(
    private readonly inner: Backend,
    private readonly rule: SignatureRule,
  ) {
    this.name = inner.name;
  }

  fingerprint(): string {
    const r = this.rule;
    return `${this.inner.fingerprint()}#signature=${r.kind === 'regex' ? `/${r.source}/` : r.kind}`;
  }

  cellFingerprint(cell: Cell): string {
    return this.inner.cellFingerprint?.(cell) ?? '';
  }

  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    const out = await this.inner.run(cell, ctx);
    if (out.verdict !== 'fail') return out;
    const signature = signatureOf(out.log, this.rule);
    return signature === undefined ? out : { ...out, signature };
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
