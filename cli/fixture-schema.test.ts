import { describe, expect, it } from 'vitest';
import { usageErrorOf } from './testing/usage-error.ts';
import { parseFixture } from './fixture-schema.ts';
import { VALID_FIXTURE } from './testing/sample-fixture.ts';

describe('parseFixture', () => {
  it('accepts a complete fixture and keeps unknown fields for the engine', () => {
    const fixture = parseFixture({ ...VALID_FIXTURE, engineHint: 'x' }, 'f.json');
    expect(fixture.seed).toBe(-1234);
    expect(fixture.transcript).toHaveLength(VALID_FIXTURE.transcript.length);
    expect((fixture as Record<string, unknown>).engineHint).toBe('x');
  });

  it.each([
    [{ ...VALID_FIXTURE, version: 2 }, 'version: '],
    [{ ...VALID_FIXTURE, scenario: undefined }, 'scenario: scenario is required'],
    [{ ...VALID_FIXTURE, violated: [] }, 'violated: '],
    [{ ...VALID_FIXTURE, violated: ['seq-1'] }, 'violated.0: must be a requirement id like SEQ-001'],
    [{ ...VALID_FIXTURE, transcript: [{ kind: 'frame', index: 0, conn: 'c1', dir: 'sideways', t: 0, bytes: 1, verdict: { valid: true } }] }, 'transcript.0.dir: '],
    [{ ...VALID_FIXTURE, reproduced: { runs: 2, hits: 3 } }, 'reproduced: hits cannot exceed runs'],
    [{ ...VALID_FIXTURE, command: '' }, 'command: '],
  ])('rejects a bad fixture with one line naming the field (%#)', (json, where) => {
    const message = usageErrorOf(() => parseFixture(json, 'f.json'));
    expect(message.startsWith(`fixture f.json is invalid: ${where}`)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
