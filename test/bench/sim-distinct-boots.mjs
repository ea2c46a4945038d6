// Bench 1b: simulator throughput when cells do not share boots. The held-out matrix of
// lib.mjs distinctBootSimMatrix (61,440 cells: 8 archs x 16 Kconfig combinations x 24
// memory-layout boot lines x 5 workloads x 4 memory sizes; 20,160 runnable since i386 takes
// HIGHMEM=n through NOHIGHMEM, 21,120 before) leaves the boot
// cache only the workload axis to share, so most of the work is distinct boots.
// Targets: >= 10,000 executed cells/s of the whole process (start-up included) at
// --jobs <nproc>, and < 500 MB peak RSS. KMATRIX_BENCH_RUNS sets the runs per figure (default 3).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { distinctBootSimMatrix, nproc, removeDir, runs, tempDir } from './lib.mjs';
import { measure } from './sim-throughput.mjs';

export const name = 'sim-distinct-boots';

const MIN_CELLS_PER_S = 10_000;

export async function run() {
  const work = tempDir();
  try {
    const cores = nproc();
    const file = path.join(work, 'distinct-boots.yaml');
    writeFileSync(file, distinctBootSimMatrix());
    const jobsList = cores > 1 ? [1, cores] : [1];
    const judge = { jobs: cores, minCellsPerS: MIN_CELLS_PER_S };
    return await measure('distinct boots 61,440', file, jobsList, runs(3), work, judge);
  } finally {
    removeDir(work);
  }
}
