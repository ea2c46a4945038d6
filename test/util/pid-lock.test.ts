import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidLockHolder, releasePidLock, takePidLock } from '../../src/util/pid-lock.js';
import { tempDir } from '../helpers/temp.js';

describe('pid locks', () => {
  it('are taken whole, refused while a live holder has them, taken over from a dead one', () => {
    const lock = path.join(tempDir(), 'x.lock');
    expect(takePidLock(lock, { reentrant: false })).toEqual({ taken: true });
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    // this process holds it: free again only when re-entrant
    expect(takePidLock(lock, { reentrant: false })).toEqual({ taken: false, holder: process.pid });
    expect(takePidLock(lock, { reentrant: true })).toEqual({ taken: true });
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(lock, `${other.pid}\n`);
      expect(takePidLock(lock, { reentrant: true })).toEqual({ taken: false, holder: other.pid });
      releasePidLock(lock); // not ours: kept
      expect(pidLockHolder(lock)).toBe(other.pid);
    } finally {
      other.kill();
    }
    writeFileSync(lock, `${spawnSync('true').pid}\n`);
    expect(takePidLock(lock, { reentrant: false })).toEqual({ taken: true });
    releasePidLock(lock);
    expect(existsSync(lock)).toBe(false);
  });
});
