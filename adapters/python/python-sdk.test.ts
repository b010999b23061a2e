// The kit against a server nobody here wrote: the ARCP Python SDK (adapters/python/host.py),
// started by the CLI as a user would, every verdict compared with the committed, justified
// expectations (adapters/python/expected.json) in both directions. A verdict that appears,
// disappears or changes fails this test with a readable diff; so does an unexplained entry.
// Refresh after a deliberate change: `npx tsx adapters/python/update-expected.ts`.
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_ROOT } from '../../cli/paths.ts';
import { differences, formatDifferences, observedVerdicts, readExpectations, unexplained } from '../expectations.ts';
import { EXPECTATIONS_PATH, RUN_BOUND_MS, runKitOnPythonHost } from './run-kit.ts';

const shownPath = relative(KIT_ROOT, EXPECTATIONS_PATH);

describe('the Python SDK host under the kit', () => {
  it('gets exactly the committed verdicts, each explained', { timeout: RUN_BOUND_MS + 30_000 }, async () => {
    const expected = readExpectations(EXPECTATIONS_PATH);
    const missing = unexplained(expected).map((e) => `  ${e.test} :: ${e.requirement ?? '(test)'}`);
    expect(missing, `entries of ${shownPath} without an explanation:\n${missing.join('\n')}`).toEqual([]);

    const run = await runKitOnPythonHost();
    // Exit 2 is a usage/preflight error: nothing was judged.
    expect(run.code === 2 || run.record === undefined, `the kit could not run:\n${run.stderr}\n${run.stdout.slice(-3000)}`).toBe(false);
    const record = run.record!;
    // The leak check ran against the host process (--server-cmd), so its verdict is judged, not N/A.
    expect(record.tests.some((t) => t.requirements.includes('LEAK-001') && t.verdict !== 'NA')).toBe(true);

    const diffs = differences(expected, observedVerdicts(record));
    expect(diffs, `${formatDifferences(diffs, shownPath)}\n(reports: ${run.outDir})`).toEqual([]);
    rmSync(run.outDir, { recursive: true, force: true }); // kept above when a verdict differs
  });
});
