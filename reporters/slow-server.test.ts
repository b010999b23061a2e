import { describe, expect, it } from 'vitest';
import { SlowServerWatch } from './slow-server.ts';

const TIMEOUT = 'HarnessError: timed out after 5000 ms on c1 waiting for job.accepted or a rejection for job.submit';

describe('SlowServerWatch', () => {
  it('judges the server too slow after a streak of tests that failed only on a wait, once', () => {
    const reasons: string[] = [];
    const watch = new SlowServerWatch((r) => reasons.push(r), 3);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('failed', [TIMEOUT]);
    expect(reasons).toEqual([]);
    watch.observe('failed', [TIMEOUT.replace('5000', '7000')]);
    expect(reasons).toEqual(['too slow: over 7000 ms per reply (3 tests in a row found no answer within the wait bound, --timeout)']);
    watch.observe('failed', [TIMEOUT]);
    expect(reasons).toHaveLength(1);
  });

  it('starts over on a test that passed or failed for another reason; skipped tests do not count', () => {
    const reasons: string[] = [];
    const watch = new SlowServerWatch((r) => reasons.push(r), 2);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('passed', []);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('failed', ['SEQ-001 (MUST): event_seq went from 3 to 3', TIMEOUT]);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('skipped', []);
    expect(reasons).toEqual([]);
    watch.observe('failed', [TIMEOUT]);
    expect(reasons).toHaveLength(1);
  });
});
