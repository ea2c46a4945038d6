/**
 * KernelCI's revert check for simulated histories (pure): the history as it would be with the
 * culprit's switch changes reverted on top of the bad commit. Re-running the bad end against it
 * must pass for the culprit to count as verified.
 */
import type { CommitState, History } from '../history/types.js';

/** The switches the culprit sets, with their values just before it. */
export function revertedSwitches(history: History, culprit: number): Record<string, unknown> {
  const before = culprit > 0 ? history.stateAt(culprit - 1).switches : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(history.commits[culprit]!.set)) out[key] = before[key];
  return out;
}

/** Whether the culprit changes anything a revert could undo (simulated histories only). */
export function canRevert(history: History, culprit: number): boolean {
  return history.kind === 'sim' && Object.keys(history.commits[culprit]?.set ?? {}).length > 0;
}

/** `history` with the culprit's switch changes reverted at commit `at` (the bad end). */
export function historyWithRevert(history: History, culprit: number, at: number): History {
  const revert = revertedSwitches(history, culprit);
  const patched = (s: CommitState): CommitState => {
    const switches = { ...s.switches };
    for (const [k, v] of Object.entries(revert)) {
      if (v === undefined) delete switches[k];
      else switches[k] = v;
    }
    return { ...s, switches };
  };
  return { ...history, stateAt: (i) => (i === at ? patched(history.stateAt(i)) : history.stateAt(i)) };
}
