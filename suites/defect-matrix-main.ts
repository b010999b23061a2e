// Measures the defect matrix: runs the example suites against the reference with each
// defect on, one at a time, and rewrites suites/defect-matrix.json and suites/DEFECTS.md.
//   npm run defect-matrix
//   npm run defect-matrix -- --with-variants [--defects a,b]   (each defect again with every legal variant on:
//                                              fills caughtWithVariants, keeps the rest)
//   npm run defect-matrix -- --defects a,b   re-measures only these rows (no clean run; the
//                                            other rows are kept as measured before)
import { writeFileSync } from 'node:fs';
import { DEFECTS } from '../reference/defects.ts';
import { VARIANT_NAMES, type VariantName } from '../reference/variants.ts';
import {
  type CaughtElsewhere,
  type DefectMatrix,
  EXAMPLE_SUITES,
  MATRIX_FILE,
  MATRIX_MARKDOWN,
  type MatrixEntry,
  catchingKeys,
  failingKeys,
  matrixMarkdown,
  readMatrix,
  runKit,
} from './defect-matrix.ts';

/** Defects no example test can see on the wire, and the project test that catches them. */
const ELSEWHERE: Readonly<Record<string, CaughtElsewhere>> = {
  'subscription-leak': {
    test: 'suites/leak/leak-check.test.ts',
    why: 'a memory leak with no wire symptom; the --server-cmd leak check samples the server RSS (LEAK-001)',
  },
  'list-rows-credentials': {
    test: 'suites/deployments.test.ts',
    why: 'the embedded reference lists only the principal\'s own jobs, so no other principal sees a row; the test runs CRED-005 against a reference that lists every principal\'s jobs (the open-subscribe variant)',
  },
  'cancel-reveals-existence': {
    test: 'suites/deployments.test.ts',
    why: 'the embedded reference lets other principals subscribe (subscribePolicy "any"), so job existence is no secret there; the test runs LIST-008 against a same-principal reference',
  },
  'subscribe-observe-before-check': {
    test: 'suites/deployments.test.ts',
    why: 'the embedded reference lets any principal subscribe, so no subscribe is refused there; the test runs SUB-007 against a same-principal reference',
  },
  'subscribe-live-unchecked': {
    test: 'suites/deployments.test.ts',
    why: 'the embedded reference lets any principal subscribe on purpose; the test runs SUB-008 against a same-principal reference',
  },
  'bye-keeps-streaming': {
    test: 'suites/deployments.test.ts',
    why: 'the kit sends the v1.0 session.bye only under a closeForm "session.bye" profile; the test runs CLOSE-004 with one',
  },
  'linger-waits-for-agent': {
    test: 'suites/deployments.test.ts',
    why: 'the default cancel grace (30 s) is longer than the default ARCP_MAX_WAIT_MS, so the example run reports it UNTESTABLE; the test runs CANCEL-005 with --max-wait long enough to wait the grace out',
  },
};

/**
 * Variants under which a defect's behaviour is a declared policy, not a bug: left off in the
 * defect's with-variants run (open-subscribe lists every principal's jobs on purpose).
 */
const LEGALIZED_BY: Readonly<Record<string, readonly VariantName[]>> = {
  'list-jobs-leak': ['open-subscribe'],
  'list-filter-leak': ['open-subscribe'],
  'cancel-reveals-existence': ['open-subscribe'],
};

/**
 * Variants under which a defect's corner cannot occur at all, so nothing could see it: also
 * left off in its with-variants run. A lease watchdog ends the job before any operation after
 * expiry; without a linger no agent reaches finish after a cancel, and no
 * cancel finds a job cancelled but not ended; a runtime status event
 * means no job is cancelled before it emitted anything; an agent without the optional
 * steps never delegates or rotates.
 */
const MASKED_BY: Readonly<Record<string, readonly VariantName[]>> = {
  'expiry-cached-grant': ['proactive-lease-expiry'],
  'linger-finish-wins': ['cancel-no-linger'],
  'linger-cancel-twice': ['cancel-no-linger'],
  'lingering-cancel-as-result': ['cancel-no-linger'],
  'linger-waits-for-agent': ['cancel-no-linger'],
  'cancel-ack-needs-event': ['runtime-status-event'],
  'delegate-budget-initial': ['agent-without-optional-steps'],
  'delegate-model-unchecked': ['agent-without-optional-steps'],
  'delegate-expiry-ends-parent': ['agent-without-optional-steps'],
  'rotation-id-missing': ['agent-without-optional-steps'],
};

const RUN_TIMEOUT_MS = 10 * 60_000;

/** Each defect with every legal variant on (but those that make it legal): caughtWithVariants. */
async function measureWithVariants(): Promise<void> {
  const only = ['--only', EXAMPLE_SUITES.join(',')];
  const prior = readMatrix();
  // The variants' own WARNs (LIFE-008, CLOSE-001, ...) are not catches: subtract what the
  // clean runtime with every variant on already reports.
  const clean = await runKit(only, [], RUN_TIMEOUT_MS, [...VARIANT_NAMES]);
  const variantsOwn = new Set(catchingKeys(clean));
  const selected = selectedDefects(process.argv.slice(2));
  const defects: Record<string, MatrixEntry> = {};
  for (const [name, entry] of Object.entries(prior.defects)) {
    if (selected !== undefined && !selected.has(name)) {
      defects[name] = entry;
      continue;
    }
    const leftOff = [...(LEGALIZED_BY[name] ?? []), ...(MASKED_BY[name] ?? [])];
    const variants = VARIANT_NAMES.filter((v) => !leftOff.includes(v));
    const run = await runKit(only, [name], RUN_TIMEOUT_MS, variants);
    const caughtWithVariants = catchingKeys(run).filter((key) => !variantsOwn.has(key));
    defects[name] = { ...entry, caughtWithVariants };
    console.log(`${name} with ${variants.length} variants: ${caughtWithVariants.length} failing test(s)${run.tests.length === 0 ? ` (no tests ran: ${run.stderr.slice(-300)})` : ''}`);
  }
  const matrix: DefectMatrix = { ...prior, defects };
  writeFileSync(MATRIX_FILE, `${JSON.stringify(matrix, null, 2)}\n`);
  writeFileSync(MATRIX_MARKDOWN, matrixMarkdown(matrix));
}

/** The defects named by `--defects a,b`, or undefined for all of them. */
function selectedDefects(argv: readonly string[]): Set<string> | undefined {
  const at = argv.indexOf('--defects');
  if (at < 0) return undefined;
  const names = (argv[at + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !DEFECTS.some((d) => d.name === n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--defects needs known defect names (unknown: ${unknown.join(', ') || 'none given'})`);
  return new Set(names);
}

async function main(): Promise<void> {
  if (process.argv.includes('--with-variants')) return measureWithVariants();
  const only = ['--only', EXAMPLE_SUITES.join(',')];
  const selected = selectedDefects(process.argv.slice(2));
  if (selected === undefined) {
    const clean = await runKit(only, [], RUN_TIMEOUT_MS);
    const cleanFailures = failingKeys(clean);
    console.log(`clean reference: exit ${clean.code}, ${clean.tests.length} tests, ${cleanFailures.length} failing`);
    if (cleanFailures.length > 0) {
      throw new Error(`the clean reference fails example tests, fix them first:\n  ${cleanFailures.join('\n  ')}`);
    }
  }
  const previous = selected === undefined ? {} : readMatrix().defects;
  const defects: Record<string, MatrixEntry> = {};
  for (const defect of DEFECTS) {
    const kept = previous[defect.name];
    if (selected !== undefined && !selected.has(defect.name) && kept !== undefined) {
      defects[defect.name] = kept;
      continue;
    }
    const run = await runKit(only, [defect.name], RUN_TIMEOUT_MS);
    const caughtBy = catchingKeys(run);
    const elsewhere = ELSEWHERE[defect.name];
    defects[defect.name] = { description: defect.breaks, caughtBy, ...(elsewhere ? { elsewhere } : {}) };
    console.log(`${defect.name}: ${caughtBy.length} catching test(s)${elsewhere && caughtBy.length === 0 ? ` (caught by ${elsewhere.test})` : ''}`);
  }
  const matrix: DefectMatrix = {
    note:
      'Measured by `npm run defect-matrix`: the example suites against the reference runtime with one defect ' +
      'switched on at a time. suites/defect-matrix.test.ts re-checks every row. The property suites catch the ' +
      'defects again on their own (suites/properties/detection.test.ts).',
    defects,
  };
  writeFileSync(MATRIX_FILE, `${JSON.stringify(matrix, null, 2)}\n`);
  writeFileSync(MATRIX_MARKDOWN, matrixMarkdown(matrix));
  console.log(matrixMarkdown(matrix));
}

await main();
