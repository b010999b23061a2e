import { describe, expect, it } from 'vitest';
import { ProgressDisplay, progressText, type ProgressSnapshot } from './progress.ts';

const snapshot = (done: number, filesDone = 0): ProgressSnapshot => ({
  total: 120,
  done,
  counts: { PASS: 30, FAIL: 2, WARN: 1, NA: 4, UNTESTABLE: 0 },
  files: 10,
  filesDone,
});

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 200, write: (t: string) => writes.push(t) }, writes };
}

describe('progressText', () => {
  it('has the documented shape', () => {
    expect(progressText(snapshot(37), 12_345)).toBe('  37/120 tests  PASS 30  FAIL 2  WARN 1  N/A 4  (12.3s)');
    expect(progressText({ ...snapshot(1), counts: { ...snapshot(1).counts, UNTESTABLE: 2 } }, 0)).toContain('UNTESTABLE 2');
  });
});

describe('ProgressDisplay', () => {
  it('rewrites one line in place on a TTY and clears it at the end', () => {
    let now = 0;
    const { stream, writes } = recorder(true);
    const display = new ProgressDisplay(stream, { interactive: true, now: () => now });
    now = 100;
    display.update(snapshot(1), 'test');
    now = 120; // too soon: not repainted
    display.update(snapshot(2), 'test');
    now = 300;
    display.update(snapshot(3), 'test');
    display.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toBe('\r\u001b[2K  1/120 tests  PASS 30  FAIL 2  WARN 1  N/A 4  (0.1s)');
    expect(writes[1]).toMatch(/^\r\u001b\[2K {2}3\/120/);
    expect(writes[2]).toBe('\r\u001b[2K');
    expect(writes.join('')).not.toContain('\n');
  });

  it('prints plain lines per finished file, at most every few seconds, without ANSI', () => {
    let now = 0;
    const { stream, writes } = recorder(false);
    const display = new ProgressDisplay(stream, { interactive: false, plainIntervalMs: 3000, now: () => now });
    now = 1000;
    display.update(snapshot(5, 1), 'file'); // within 3 s of the start: held back
    now = 3500;
    display.update(snapshot(9, 2), 'file');
    now = 3600;
    display.update(snapshot(10, 2), 'test'); // tests never print
    now = 4000;
    display.update(snapshot(12, 3), 'file'); // too soon after the last line
    display.finish();
    expect(writes).toEqual([
      '  9/120 tests  PASS 30  FAIL 2  WARN 1  N/A 4  (3.5s)  [2/10 files]\n',
      '  12/120 tests  PASS 30  FAIL 2  WARN 1  N/A 4  (4.0s)  [3/10 files]\n',
    ]);
  });

  it('keeps log lines above the progress line on a TTY', () => {
    const { stream, writes } = recorder(true);
    const display = new ProgressDisplay(stream, { interactive: true, now: () => 1000 });
    display.update(snapshot(1), 'file');
    display.log('debug: hello');
    display.finish();
    expect(writes.slice(1, 3)).toEqual(['\r\u001b[2K', 'debug: hello\n']);
    expect(writes[3]).toMatch(/^\r\u001b\[2K {2}1\/120/);
  });
});
