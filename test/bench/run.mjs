// `npm run bench`: runs every benchmark of test/bench/, prints a table and writes
// reports/bench.json. Pass names to run only some: `npm run bench -- startup bisect-cost`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.mjs';

const only = process.argv.slice(2);
const dir = path.join(ROOT, 'test/bench');
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs', 'sim-backend.mjs'].includes(f))
  .sort();
const results = [];
const loadBefore = os.loadavg()[0];
for (const file of modules) {
  const mod = await import(path.join(dir, file));
  if (only.length && !only.includes(mod.name)) continue;
  process.stderr.write(`bench: ${mod.name}...\n`);
  // the last module's writes (the cache bench makes 25,000 files) must not be flushed during
  // this one: writeback slowed the pool bench's per-cell folders by a third
  spawnSync('sync');
  try {
    results.push(...(await mod.run()).map((r) => ({ group: mod.name, ...r })));
  } catch (e) {
    results.push({
      group: mod.name,
      bench: mod.name,
      value: null,
      unit: '',
      target: '',
      ok: false,
      error: String(e?.message ?? e),
    });
  }
}
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverage: [loadBefore, os.loadavg()[0]].map((l) => Number(l.toFixed(1))),
};
const width = Math.max(...results.map((r) => r.bench.length), 10);
for (const r of results) {
  const mark = r.ok ? 'ok  ' : 'MISS';
  process.stdout.write(
    `${mark} ${r.bench.padEnd(width)}  ${String(r.value ?? r.error).padStart(10)} ` +
      `${r.unit}  target ${r.target}\n`,
  );
}
mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
writeFileSync(
  path.join(ROOT, 'reports/bench.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
);
process.stdout.write(
  `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, ` +
    `load average ${machine.loadAverage.join(' -> ')}\nwritten reports/bench.json\n`,
);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
