import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordToHtml, testAnchor } from '../reporters/html.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import { failed, passed, sampleRecord } from '../reporters/testing/sample-record.ts';
import { COMPARE_HELP } from './help.ts';
import { main } from './main.ts';
import { capture } from './testing/capture.ts';

/** Paths are absolute, except the bad ones, which are bad from any directory. */
async function run(argv: string[]) {
  const c = capture();
  const code = await main(argv, c.out);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** A run's --out directory, as `run` leaves it: record.json and report.html. */
function runDirectory(root: string, name: string, record: ConformanceRecord, html = true): string {
  const dir = join(root, 'runs', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'record.json'), JSON.stringify(record));
  if (html) writeFileSync(join(dir, 'report.html'), recordToHtml(record));
  return dir;
}

const FAILING_KEY = 'suites/cancel.suite.ts > one terminal [CANCEL-001]';

describe('arcp-conformance compare', () => {
  const root = mkdtempSync(join(tmpdir(), 'arcp-compare-'));
  const reference = runDirectory(root, 'reference', sampleRecord({ tests: [passed('suites/cancel.suite.ts', 'one terminal [CANCEL-001]', ['CANCEL-001'])] }));
  const defect = runDirectory(root, 'cancel-after-terminal', sampleRecord({ tests: [failed('suites/cancel.suite.ts', 'one terminal [CANCEL-001]', 'CANCEL-001', 'second terminal')] }));
  const bare = runDirectory(root, 'no-html', sampleRecord(), false);

  it('writes compare.html and compare.md, linking each failure to its finding in that run\'s report', async () => {
    const out = join(root, 'cmp');
    const result = await run(['compare', reference, defect, join(bare, 'record.json'), '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('cancel-after-terminal: failed (1 failing test: 1 FAIL); 1 MUST failure');
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    const href = `../runs/cancel-after-terminal/report.html#${testAnchor(FAILING_KEY)}`;
    expect(html).toContain(`<a href="${href}"`);
    // The anchor exists in the linked report.
    expect(readFileSync(join(defect, 'report.html'), 'utf8')).toContain(`id="${testAnchor(FAILING_KEY)}"`);
    const markdown = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(markdown).toContain('| Requirement | Level | reference | cancel-after-terminal | no-html |');
    expect(markdown).toContain(`[**FAIL**](${href})`);
  });

  it.each([
    [[], /^arcp-conformance: compare needs the runs/],
    [['nowhere'], /^arcp-conformance: cannot read nowhere \(ENOENT\)/],
    [['.'], /^arcp-conformance: \. holds no record\.json/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const result = await run(['compare', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file that is not a record of this version, and the same run twice', async () => {
    const other = join(root, 'old.json');
    writeFileSync(other, JSON.stringify({ ...sampleRecord(), version: 99 }));
    expect((await run(['compare', other])).stderr).toMatch(/old\.json is a record of version 99; this kit reads version 1/);
    expect((await run(['compare', reference, join(reference, 'record.json')])).stderr).toMatch(/is given twice/);
  });

  it('has a help', async () => {
    expect(await run(['compare', '--help'])).toEqual({ code: 0, stdout: COMPARE_HELP, stderr: '' });
  });
});
