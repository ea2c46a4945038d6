import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The engine is a pure core behind two interfaces (KconfigSource, MacroHost); host.ts is the only
// module that touches the machine, so the parser and evaluator stay testable on in-memory trees.
const dir = path.resolve(__dirname, '../../src/kconfig');
const modules = readdirSync(dir).filter((f) => f.endsWith('.ts'));

function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(dir, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
}

describe('src/kconfig layering', () => {
  it('has its modules', () => {
    expect(modules).toContain('host.ts');
    expect(modules.length).toBeGreaterThan(10);
  });

  it('touches files, processes and the OS only in host.ts', () => {
    const bad = modules
      .filter((f) => f !== 'host.ts')
      .flatMap((f) =>
        runtimeImports(f)
          .filter((s) => s.startsWith('node:'))
          .map((s) => `${f} -> ${s}`),
      );
    expect(bad).toEqual([]);
  });

  it('imports nothing from the rest of kmatrix', () => {
    const bad = modules.flatMap((f) =>
      runtimeImports(f)
        .filter((s) => s.startsWith('..'))
        .map((s) => `${f} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });
});
