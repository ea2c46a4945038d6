/** Reporter names -> reporters: the built-in ones, or a user's module given by path. */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import { closest } from '../util/suggest.js';
import type { ReporterContext } from './context.js';
import { EventLogReporter } from './events.js';
import { guarded, guardReporter, ReporterExit } from './exit-guard.js';
import { createHtmlReporter } from './reporters/html.js';
import { createJsonReporter } from './reporters/json.js';
import { createJunitReporter } from './reporters/junit.js';
import { createKcidbReporter } from './reporters/kcidb.js';
import { createMarkdownReporter } from './reporters/markdown.js';
import { createTableReporter } from './reporters/table.js';
import type { Reporter } from './types.js';

export type { ReporterContext } from './context.js';

const BUILT_IN: Record<string, (ctx: ReporterContext) => Reporter> = {
  table: createTableReporter,
  json: createJsonReporter,
  junit: createJunitReporter,
  markdown: createMarkdownReporter,
  html: createHtmlReporter,
  kcidb: createKcidbReporter,
  events: (ctx) => new EventLogReporter(ctx.reportDir),
};

export const REPORTER_NAMES = Object.keys(BUILT_IN);

/** Split `--reporter table,json` (repeatable) into names, dropping blanks and repeats. */
export function parseReporterList(values: string | string[] | undefined): string[] {
  const list = (Array.isArray(values) ? values : values ? [values] : []).flatMap((v) => v.split(','));
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

function isModulePath(name: string): boolean {
  return isAbsolute(name) || name.startsWith('./') || name.startsWith('../');
}

export async function createReporters(
  names: string[],
  ctx: ReporterContext,
  cwd = process.cwd(),
): Promise<Reporter[]> {
  const problems: string[] = [];
  for (const n of names) {
    if (!BUILT_IN[n] && !isModulePath(n)) {
      const near = closest(n, REPORTER_NAMES);
      problems.push(
        `--reporter: unknown reporter "${n}"${near ? ` (did you mean "${near}"?)` : ''}; ` +
          `built-in: ${REPORTER_NAMES.join(', ')}, or a module path starting with ./ or /`,
      );
    }
  }
  if (problems.length) throw new UserError(problems.join('\n'));
  const out: Reporter[] = [];
  for (const n of names) out.push(BUILT_IN[n] ? BUILT_IN[n](ctx) : await loadUserReporter(n, ctx, cwd));
  return out;
}

async function loadUserReporter(spec: string, ctx: ReporterContext, cwd: string): Promise<Reporter> {
  const path = resolve(cwd, spec);
  // its top-level code runs here, and its factory below: both under the process.exit guard
  let mod: { default?: unknown };
  try {
    mod = await guarded(ctx.stderr, () => import(pathToFileURL(path).href) as Promise<{ default?: unknown }>);
  } catch (err) {
    const why = err instanceof ReporterExit ? `${err.message} while loading` : (err as Error).message;
    throw new UserError(`--reporter: cannot load reporter module ${spec}: ${why.split('\n')[0]}`);
  }
  let value = mod.default;
  if (typeof value === 'function') {
    const factory = value as (ctx: ReporterContext) => unknown;
    try {
      value = await guarded(ctx.stderr, () => factory(ctx));
    } catch (err) {
      if (!(err instanceof ReporterExit)) throw err;
      throw new UserError(`--reporter: ${spec}: ${err.message} while making its reporter`);
    }
  }
  if (!isReporter(value)) {
    throw new UserError(
      `--reporter: ${spec} must default-export a reporter object ` +
        '(with onRunStart/onCellEnd/onRunEnd hooks) or a function returning one',
    );
  }
  const hooks = value;
  // a user reporter without a name is reported under its path
  const named =
    typeof hooks.name === 'string' && hooks.name
      ? hooks
      : Object.assign(Object.create(hooks) as Reporter, { name: spec });
  return guardReporter(named, ctx.stderr);
}

function isReporter(v: unknown): v is Reporter {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const hooks = ['onRunStart', 'onCellEnd', 'onRunEnd'];
  return (
    hooks.some((h) => typeof r[h] === 'function') &&
    hooks.every((h) => r[h] === undefined || typeof r[h] === 'function')
  );
}
