/**
 * `kmatrix bisect-config` as a session's job: the minimal set of differences between a passing
 * and a failing cell at the same commit that makes it fail (ddmin with Kconfig resolution in
 * the loop: candidates that do not resolve are skipped, as ktest does). Candidates run through
 * the session (cache, Ctrl-C, report folder); bisect-config.json goes into its report folder.
 */
import path from 'node:path';
import {
  applyDifferences,
  cellDifferences,
  ddmin,
  describeDifference,
  describeMinimal,
  type Difference,
} from '../bisect/config-search.js';
import { describeCell, selectCell } from '../bisect/select.js';
import { InfraError, Interrupted, UserError } from '../errors.js';
import { resolveKconfig } from '../kconfig/declared.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell, Tristate } from '../matrix/types.js';
import { writeFileAtomic } from '../report/io.js';
import type { Session } from './session.js';

/** bisect-config.json. */
export interface ConfigBisectReport {
  good: string;
  bad: string;
  commit: string;
  signature: string | undefined;
  differences: string[];
  minimal: string[];
  description: string;
  tests: number;
  unresolved: number;
}

/** The candidate cell for a subset of the differences, or undefined when its Kconfig does not resolve. */
function candidateCell(plan: Plan, good: Cell, diffs: readonly Difference[], n: number): Cell | undefined {
  const base = applyDifferences(good, diffs);
  const idx = plan.history?.index.get(base.commit);
  const names = idx !== undefined ? plan.history!.stateAt(idx).symbolNames : undefined;
  // the declared model's cells hold y or n only (the loader refuses other values without a tree)
  const requested = base.kconfig as Record<string, Tristate>;
  const res = resolveKconfig(base.arch, requested, (s) => !names || names[s] !== null);
  if (res.reasons.length) return undefined;
  return { ...base, id: `${good.id}+candidate-${n}`, resolved: res.resolved, state: 'run' };
}

export async function bisectConfig(
  session: Session,
  req: { good: string; bad: string; say(line: string): void },
): Promise<{ report: ConfigBisectReport; file: string }> {
  const { plan } = session;
  const good = selectCell(plan.cells, req.good);
  const bad = selectCell(plan.cells, req.bad);
  if (good.configFile)
    throw new UserError("bisect-config works on the simulator's declared Kconfig model, not a kconfig.tree");
  if (good.commit !== bad.commit)
    throw new UserError(
      `--good and --bad must be at the same commit (${good.commitLabel} vs ${bad.commitLabel}); ` +
        'use "kmatrix bisect" across commits',
    );
  const diffs = cellDifferences(good, bad);
  if (diffs.length === 0)
    throw new UserError(`--good ${good.id} and --bad ${bad.id} have the same configuration`);
  const reportDir = session.reportDir({ command: 'bisect-config', matrix: plan.name });
  req.say(`good: ${good.id} (${describeCell(good)})`);
  req.say(`bad:  ${bad.id} (${describeCell(bad)})`);
  req.say(`${diffs.length} differences: ${diffs.map(describeDifference).join(', ')}`);
  const run = async (cells: Cell[]) => {
    const results = await session.runCells(cells);
    if (session.signals.stop.aborted) throw new Interrupted('interrupted: bisect-config has no result');
    return results;
  };
  const [g, b] = await run([good, bad]);
  if (g?.status !== 'pass')
    throw new UserError(
      `--good ${good.id} does not pass (${g?.status ?? 'not run'}${g?.signature ? `: ${g.signature}` : ''})`,
    );
  if (b?.status !== 'fail') throw new UserError(`--bad ${bad.id} does not fail (${b?.status ?? 'not run'})`);
  const signature = b.signature;
  let n = 0;
  const found = await ddmin(diffs, {
    resolves: (subset) => candidateCell(plan, good, subset, 0) !== undefined,
    fails: async (subsets) => {
      const cells = subsets.map((s) => candidateCell(plan, good, s, ++n)!);
      const shown = subsets.map((s) => `{${s.map(describeDifference).join(', ')}}`).join(' ');
      req.say(`testing ${cells.length} candidate${cells.length === 1 ? '' : 's'}: ${shown}`);
      const results = new Map((await run(cells)).map((r) => [r.id, r]));
      return cells.map((c) => {
        const r = results.get(c.id);
        return r?.status === 'fail' && r.signature === signature;
      });
    },
  });
  const report: ConfigBisectReport = {
    good: good.id,
    bad: bad.id,
    commit: good.commit,
    signature,
    differences: diffs.map(describeDifference),
    minimal: found.minimal.map(describeDifference),
    description: describeMinimal(found.minimal),
    tests: found.tests + 2,
    unresolved: found.unresolved,
  };
  const file = path.join(reportDir, 'bisect-config.json');
  try {
    writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (err) {
    throw InfraError.cannotWrite(file, err);
  }
  return { report, file };
}
