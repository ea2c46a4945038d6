import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReporters } from '../../src/report/registry.js';
import type { RunReport } from '../../src/report/schema.js';
import { summarize } from '../../src/report/summary.js';
import { ROOT, bufferWriter, fixtureReport, fixtureRun, hasCommand, IN_CI } from './helpers.js';

const XSD = join(ROOT, 'test/junit/jenkins-junit.xsd');
const HAVE = hasCommand('xmllint');
// locally a missing xmllint skips; in CI (CI=true) it is a failure
const SKIP = !HAVE && !IN_CI;
const title = (t: string) => (SKIP ? `${t} (SKIPPED: xmllint not found; apt-get install libxml2-utils)` : t);

function xmllint(file: string) {
  if (!HAVE) throw new Error('xmllint is not installed but CI=true: .ci/run installs libxml2-utils');
  return spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
}

async function writeJunit(dir: string, report: RunReport): Promise<string> {
  const [junit] = await createReporters(['junit'], {
    reportDir: dir,
    stdout: bufferWriter(),
    stderr: bufferWriter(),
    color: false,
  });
  await junit!.onRunEnd!(report, 'failed');
  return join(dir, 'junit.xml');
}

describe('junit.xml against the Jenkins/GitLab JUnit schema', () => {
  it.skipIf(SKIP)(title('validates the fixture run with every status'), async () => {
    const r = xmllint(await writeJunit(fixtureRun(), fixtureReport()));
    expect(r.stderr).toContain('validates');
    expect(r.status).toBe(0);
  });

  it.skipIf(SKIP)(title('validates names and signatures full of control characters and markup'), async () => {
    const base = fixtureReport();
    const cells = base.cells.slice(0, 6).map((c, i) => ({
      ...c,
      id: `${c.id}-\u0000\u001f<&>"'${i}`,
      status: (['fail', 'error', 'timeout', 'skip', 'flaky', 'pass'] as const)[i]!,
      signature: `BUG: \u0007 ]]> <script>&${'\ud800'}`,
      reason: 'bad \u000b reason',
    }));
    const report: RunReport = { ...base, matrix: 'm\u0001<x>', cells, summary: summarize(cells) };
    const r = xmllint(await writeJunit(fixtureRun(), report));
    expect(r.stderr).toContain('validates');
    expect(r.status).toBe(0);
  });

  it.skipIf(SKIP)(title('the schema really rejects a malformed report'), () => {
    const dir = fixtureRun();
    const bad = join(dir, 'bad.xml');
    spawnSync('sh', [
      '-c',
      `printf '<testsuites><testsuite name="x"><testcase name="a"/></testsuite></testsuites>' > ${bad}`,
    ]);
    const r = xmllint(bad);
    expect(r.status).not.toBe(0); // testsuite lacks tests/failures/errors, testcase lacks classname
  });
});
