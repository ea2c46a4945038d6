import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The folder tree is the architecture (../shared/style.md): a functional core (matrix, sim,
// bisect, history parsing) and an imperative shell (cli, run, report). These rules keep it so.
const SRC = path.resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Runtime imports (type-only imports carry no behaviour across layers). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g))
    out.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** Top folder of src a relative import lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const abs = path.resolve(path.dirname(file), spec);
  return path.relative(SRC, abs).split(path.sep)[0]!;
}

const RULES: Array<{ folder: string; forbid: RegExp; why: string; except?: RegExp }> = [
  {
    folder: 'sim',
    forbid:
      /^(run|report|cli|bisect|history|node:fs|node:fs\/promises|node:child_process|node:worker_threads|execa|fs|child_process)$/,
    why: 'the simulator is pure',
  },
  {
    folder: 'bisect',
    forbid: /^(cli|report|node:fs|node:fs\/promises|node:child_process|execa|fs|fs\/promises|child_process)$/,
    why: 'bisection is a pure core; the CLI drives it',
    except: /bisect\/driver/,
  },
  {
    folder: 'matrix',
    forbid: /^(run|report|cli|bisect|node:child_process|execa)$/,
    why: 'matrix expansion and Kconfig resolution are pure',
  },
  {
    folder: 'matrix',
    forbid: /^(node:fs|fs)$/,
    why: 'only the loader reads files',
    except: /matrix\/load\.ts$/,
  },
  { folder: 'history', forbid: /^(matrix|run|report|cli|bisect)$/, why: 'histories are commit sources only' },
  {
    folder: 'report',
    forbid: /^(run|cli|bisect)$/,
    why: 'reporters render results; they do not drive commands',
  },
  {
    folder: 'yaml',
    forbid: /^(matrix|history|kconfig|sim|run|report|cli|bisect|node:fs|fs)$/,
    why: 'YAML loading is a pure leaf',
  },
  {
    folder: 'kconfig',
    forbid: /^(matrix|history|run|report|cli|bisect)$/,
    why: 'Kconfig models are below the matrix and histories that use them',
  },
  { folder: 'run', forbid: /^cli$/, why: 'the engine does not know the CLI' },
  {
    folder: 'util',
    forbid: /^(cli|run|report|bisect|history|matrix|sim)$/,
    why: 'utilities are leaves every layer may use',
  },
];

describe('layering', () => {
  const all = files(SRC);
  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  for (const rule of RULES) {
    it(`src/${rule.folder} never imports ${rule.forbid.source} (${rule.why})`, () => {
      const bad: string[] = [];
      for (const f of all.filter((p) => path.relative(SRC, p).startsWith(`${rule.folder}${path.sep}`))) {
        if (rule.except?.test(f)) continue;
        for (const spec of imports(f))
          if (rule.forbid.test(target(f, spec))) bad.push(`${path.relative(SRC, f)} -> ${spec}`);
      }
      expect(bad).toEqual([]);
    });
  }
  it('nothing but the CLI imports src/cli', () => {
    const bad = all
      .filter((f) => !path.relative(SRC, f).startsWith('cli'))
      .flatMap((f) =>
        imports(f)
          .filter((s) => target(f, s) === 'cli')
          .map((s) => `${path.relative(SRC, f)} -> ${s}`),
      );
    expect(bad).toEqual([]);
  });
  it('modules stay small (at most 400 lines; aim for 50-300)', () => {
    const big = all
      .map((f) => [path.relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(big).toEqual([]);
  });
});
