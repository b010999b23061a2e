// Walks the requirement catalogue against the suites (`arcp-conformance list --json`) and
// lists every observable requirement no test checks. The bar: at least 90 % of the
// observable MUSTs of sections 6-8 (sessions, jobs, job events) have a test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isMustSentence } from '../spec/normative.ts';
import type { SpecQuote } from '../spec/requirement-types.ts';
import { KIT_ROOT } from './defect-matrix.ts';

interface ListedRequirement {
  readonly id: string;
  readonly section: string;
  readonly level: string;
  readonly observable: boolean;
  readonly text: string;
  readonly quotes: readonly SpecQuote[];
  readonly tests: readonly string[];
}

type ListingJson = { requirements: ListedRequirement[]; unknownIds: string[]; problems: unknown[] };

let listed: ListingJson | undefined;

/** The listing, collected once for every check of this file (it spawns the CLI). */
function listing(): ListingJson {
  listed ??= collectListing();
  return listed;
}

function collectListing(): ListingJson {
  const run = spawnSync(process.execPath, [join(KIT_ROOT, 'bin', 'arcp-conformance.js'), 'list', '--json'], {
    cwd: KIT_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`arcp-conformance list failed (${String(run.status)}): ${run.stderr}`);
  return JSON.parse(run.stdout) as ListingJson;
}

const inSections6to8 = (r: ListedRequirement) => /^1\.[01] §[678](\.|$)/.test(r.section);

it('lists no MUST without a quoted MUST sentence: every FAIL rests on one (DESIGN §5)', () => {
  const unsupported = listing().requirements.filter((r) => r.level === 'MUST' && !r.quotes.some((q) => isMustSentence(q.quote)));
  expect(unsupported.map((r) => `${r.id} (${r.section}): no quote with MUST, MUST NOT, REQUIRED or SHALL`)).toEqual([]);
}, 150_000);

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
