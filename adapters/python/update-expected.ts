// Refreshes adapters/python/expected.json from a fresh run of the kit against the Python host
// (or from a record.json given with --record): the verdicts come from the run, the human
// explanations are kept, and every entry that needs one (new, or its verdict changed) is
// marked TODO and listed. Usage:
//   npx tsx adapters/python/update-expected.ts [--record path/to/record.json]
import { readFileSync } from 'node:fs';
import type { ConformanceRecord } from '../../reporters/record.ts';
import { differences, formatDifferences, observedVerdicts, readExpectations, unexplained, updatedExpectations, writeExpectations } from '../expectations.ts';
import { EXPECTATIONS_PATH, runKitOnPythonHost } from './run-kit.ts';

async function record(argv: readonly string[]): Promise<ConformanceRecord> {
  const at = argv.indexOf('--record');
  if (at >= 0) {
    const path = argv[at + 1];
    if (path === undefined) throw new Error('--record needs a path to a record.json');
    return JSON.parse(readFileSync(path, 'utf8')) as ConformanceRecord;
  }
  console.log('running the kit against the Python SDK host (about 2-3 minutes)...');
  const run = await runKitOnPythonHost();
  if (run.record === undefined || run.code === 2) throw new Error(`the kit could not run:\n${run.stderr}`);
  console.log(`reports: ${run.outDir}`);
  return run.record;
}

async function main(): Promise<void> {
  const previous = readExpectations(EXPECTATIONS_PATH);
  const observed = observedVerdicts(await record(process.argv.slice(2)));
  console.log(formatDifferences(differences(previous, observed), 'expected.json'));
  const next = updatedExpectations(previous, observed);
  writeExpectations(EXPECTATIONS_PATH, next);
  const todo = unexplained(next);
  console.log(`wrote ${EXPECTATIONS_PATH}: ${next.entries.length} entries, ${todo.length} to explain`);
  const details = new Map(observed.map((o) => [`${o.test} :: ${o.requirement ?? '(test)'}`, o.detail]));
  for (const e of todo) {
    const key = `${e.test} :: ${e.requirement ?? '(test)'}`;
    console.log(`  TODO ${e.verdict} ${key}\n       observed: ${details.get(key)?.slice(0, 400) ?? ''}`);
  }
  if (todo.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
});
