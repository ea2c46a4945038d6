/** mkfifo(1) for tests (Node has no mkfifo). */
import { execFileSync } from 'node:child_process';

export function mkfifoSync(path: string): void {
  execFileSync('mkfifo', ['-m', '600', '--', path]);
}
