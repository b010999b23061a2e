// Walks the requirement catalogue against the suites (`arcp-conformance list --json`) and
// lists every observable requirement no test checks. The bar: at least 90 % of the
// observable MUSTs of sections 6-8 (sessions, jobs, job events) have a test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { KIT_ROOT } from './defect-matrix.ts';

interface ListedRequirement {
  readonly id: string;
  readonly section: string;
  readonly level: string;
  readonly observable: boolean;
  readonly text: string;
  readonly tests: readonly string[];
}

function listing(): { requirements: ListedRequirement[]; unknownIds: string[]; problems: unknown[] } {
  const run = spawnSync(process.execPath, [join(KIT_ROOT, 'bin', 'arcp-conformance.js'), 'list', '--json'], {
    cwd: KIT_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`arcp-conformance list failed (${String(run.status)}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { requirements: ListedRequirement[]; unknownIds: string[]; problems: unknown[] };
}

const inSections6to8 = (r: ListedRequirement) => /^1\.[01] §[678](\.|$)/.test(r.section);

it('covers at least 90 % of the observable MUSTs of sections 6-8, and lists what has no test', () => {
  const { requirements, unknownIds, problems } = listing();
  expect(problems).toEqual([]);
  expect(unknownIds).toEqual([]);
  const observable = requirements.filter((r) => r.observable);
  const untested = observable.filter((r) => r.tests.length === 0);
  if (untested.length > 0) {
    console.log(`observable requirements without a test:\n${untested.map((r) => `  ${r.id} ${r.level} ${r.section}: ${r.text}`).join('\n')}`);
  }
  const musts = observable.filter((r) => r.level === 'MUST' && inSections6to8(r));
  const covered = musts.filter((r) => r.tests.length > 0);
  console.log(`observable MUSTs of sections 6-8 with a test: ${covered.length}/${musts.length}`);
  expect(musts.length).toBeGreaterThan(40);
  expect(covered.length / musts.length).toBeGreaterThanOrEqual(0.9);
}, 150_000);
