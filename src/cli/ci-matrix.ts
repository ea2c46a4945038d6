/** CI matrices for sharded runs: the JSON a CI system's job matrix takes. */
import { UserError } from '../errors.js';

/** GitHub Actions `strategy.matrix` for n shards: `{ "shard": ["1/4", "2/4", ...] }`. */
export function githubShardMatrix(system: string, shards: number): { shard: string[] } {
  if (system !== 'github')
    throw new UserError(
      `--ci ${system} is not supported ` +
        '(use github; GitLab uses parallel: N with --shard $CI_NODE_INDEX/$CI_NODE_TOTAL)',
    );
  if (shards < 1) throw new UserError('--shards needs at least 1');
  return { shard: Array.from({ length: shards }, (_, i) => `${i + 1}/${shards}`) };
}
