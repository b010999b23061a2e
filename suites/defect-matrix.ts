// Which conformance test catches which reference defect. The matrix is measured by running
// the example suites against the reference with one defect on at a time
// (`npm run defect-matrix` rewrites suites/defect-matrix.json and suites/DEFECTS.md), and
// the project's tests re-check it (suites/defect-matrix.test.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnCli } from '../cli/testing/spawn-cli.ts';
import { slots } from '../cli/testing/slots.ts';

export const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MATRIX_FILE = join(KIT_ROOT, 'suites', 'defect-matrix.json');
export const MATRIX_MARKDOWN = join(KIT_ROOT, 'suites', 'DEFECTS.md');

/** The example-based suites; the property, regression and leak suites have their own checks. */
export const EXAMPLE_SUITES = ['session', 'resume', 'errors', 'jobs', 'cancel', 'events', 'subscribe', 'leases', 'security'];

/** A test of one run, as the JSON record (reporters/record.ts) lists it. */
export interface RecordedTest {
  readonly key: string;
  readonly file: string;
  readonly title: string;
  readonly requirements: readonly string[];
  readonly verdict: string;
  readonly detail?: string;
  /** Each judged requirement's verdict (absent when the test concluded none, e.g. a harness error). */
  readonly outcomes?: readonly { readonly id: string; readonly verdict: string; readonly detail?: string }[];
  /** The transcript window the reports draw, and the entries they highlight. */
  readonly evidence?: { readonly entries: readonly { readonly index: number }[]; readonly witnesses: readonly number[] };
}

export interface KitRun {
  readonly code: number;
  readonly tests: readonly RecordedTest[];
  /** The run's junit.xml, '' when none was written. */
  readonly junit: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where a defect is caught when no example test can see it. */
export interface CaughtElsewhere {
  /** The project test that proves the catch. */
  readonly test: string;
  readonly why: string;
}

export interface MatrixEntry {
  readonly description: string;
  /** Keys (`<file> > <title>`) of the example tests that failed with the defect on. */
  readonly caughtBy: readonly string[];
  /**
   * The same with every legal variant on as well (`npm run defect-matrix -- --with-variants`):
   * a defect must stay visible whatever legal choices the server makes.
   */
  readonly caughtWithVariants?: readonly string[];
  readonly elsewhere?: CaughtElsewhere;
}

export interface DefectMatrix {
  readonly note: string;
  readonly defects: Readonly<Record<string, MatrixEntry>>;
}

/**
 * At most one kit run per CPU at a time in this process, so tests may start their runs
 * concurrently (a kit run is mostly CPU; more at once would only slow each down).
 */
export const inKitSlot = slots(availableParallelism());

/** How long a test that queues for a kit slot may take: its own run, and the runs ahead of it. */
export function queuedRunTimeout(runTimeoutMs: number): number {
  return runTimeoutMs * 3;
}

/**
 * Runs the kit's CLI as a subprocess against the embedded reference with `defects` (and the
 * legal `variants`) on and returns the exit code and the tests of its JSON record. Bounded by
 * `timeoutMs` once it has a slot (one run per CPU at a time).
 */
export function runKit(args: readonly string[], defects: readonly string[], timeoutMs: number, variants: readonly string[] = []): Promise<KitRun> {
  return inKitSlot(() => runKitNow(args, defects, timeoutMs, variants));
}

async function runKitNow(args: readonly string[], defects: readonly string[], timeoutMs: number, variants: readonly string[] = []): Promise<KitRun> {
  const out = mkdtempSync(join(tmpdir(), 'arcp-matrix-'));
  const argv = ['run', '--out', out, ...defects.flatMap((d) => ['--defect', d]), ...variants.flatMap((v) => ['--variant', v]), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_FIXTURES_DIR: join(out, 'seeds') };
  for (const name of ['ARCP_URL', 'ARCP_TOKEN', 'ARCP_TOKEN_2', 'ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP']) delete env[name];
  try {
    const { code, stdout, stderr } = await spawnCli(argv, { cwd: KIT_ROOT, env, boundMs: timeoutMs });
    // No record or JUnit file (a usage error): the exit code and output say why.
    const read = (name: string) => (existsSync(join(out, name)) ? readFileSync(join(out, name), 'utf8') : '');
    const record = read('record.json');
    const tests = record === '' ? [] : (JSON.parse(record) as { tests: RecordedTest[] }).tests;
    return { code: code ?? -1, tests, junit: read('junit.xml'), stdout, stderr };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function failingKeys(run: KitRun): string[] {
  return run.tests.filter((t) => t.verdict === 'FAIL').map((t) => t.key);
}

/**
 * The tests that report the defect at its requirement's level: FAIL (a MUST), then WARN (a
 * defect that breaks only a SHOULD is caught as a WARN), each group sorted, so the matrix
 * changes only when a result does and names a failing test first when there is one.
 */
export function catchingKeys(run: KitRun): string[] {
  const of = (verdict: string) => run.tests.filter((t) => t.verdict === verdict).map((t) => t.key).sort();
  return [...of('FAIL'), ...of('WARN')];
}

/**
 * `--only` selectors that run just one test: its suite file and the requirement ids its
 * title ends with (`suites/cancel/cancel.suite.ts > cancel > ... [CANCEL-003, CANCEL-002]`).
 */
export function selectorsOf(key: string): string[] {
  const file = key.split(' > ')[0];
  const ids = /\[([A-Z0-9, -]+)\]$/.exec(key)?.[1]?.split(', ');
  if (!file?.startsWith('suites/') || !ids) throw new Error(`not a conformance test key: ${key}`);
  return [file, ...ids];
}

export function readMatrix(): DefectMatrix {
  return JSON.parse(readFileSync(MATRIX_FILE, 'utf8')) as DefectMatrix;
}

export function matrixMarkdown(matrix: DefectMatrix): string {
  const lines = [
    '# Which test catches which reference defect',
    '',
    `${matrix.note}`,
    '',
    '| defect | what it breaks | caught by |',
    '| --- | --- | --- |',
  ];
  for (const [name, entry] of Object.entries(matrix.defects)) {
    const caught =
      entry.caughtBy.length > 0
        ? entry.caughtBy.map((k) => `\`${k}\``).join('<br>')
        : entry.elsewhere
          ? `only \`${entry.elsewhere.test}\`: ${entry.elsewhere.why}`
          : '**nothing**';
    lines.push(`| \`${name}\` | ${entry.description} | ${caught} |`);
  }
  return `${lines.join('\n')}\n`;
}
