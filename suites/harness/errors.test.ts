import { describe, expect, it } from 'vitest';
import { HarnessError, type HarnessErrorKind, assertServerStop, harnessErrorBehind } from './errors.ts';

const harness = (kind: HarnessErrorKind) => new HarnessError(kind, `${kind} happened`, { redact: (t) => t });

describe('assertServerStop', () => {
  it('lets through what the server did (a wait ran out, a refusal, a close) and rethrows what is no finding about it', () => {
    for (const kind of ['timeout', 'closed', 'rejected', 'unreachable', 'protocol'] as const) {
      const error = harness(kind);
      expect(() => assertServerStop(error)).not.toThrow();
    }
    const incomplete = harness('incomplete');
    expect(() => assertServerStop(incomplete)).toThrow(incomplete);
    const bug = new TypeError("Cannot read properties of undefined (reading 'type')");
    expect(() => assertServerStop(bug)).toThrow(bug);
  });
});

describe('harnessErrorBehind', () => {
  it('finds a harness error itself or as the cause of another', () => {
    const timeout = harness('timeout');
    expect(harnessErrorBehind(timeout)).toBe(timeout);
    expect(harnessErrorBehind(new Error('campaign aborted', { cause: timeout }))).toBe(timeout);
    expect(harnessErrorBehind(new Error('plain'))).toBeUndefined();
  });
});
