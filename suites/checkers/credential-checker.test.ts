import { describe, expect, it } from 'vitest';
import { credentialChecker } from './credential-checker.ts';
import { checkTranscript } from './monitor.ts';
import { principalFromLabel, principalLabel } from './principals.ts';
import { findings } from './testing/assertions.ts';
import { subscriberOutlivesOwner } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const CREDENTIALS = [{ id: 'cr1', scheme: 'bearer', value: '[redacted:3]', endpoint: 'https://gw' }];

/** alice submits j1 (with credentials) on c1; bob is connected on c2 as s2. */
function aliceAndBob(bobLabel = 'principal:bob') {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  const c2 = t.open('c2', bobLabel);
  c2.hello();
  c2.welcome('s2');
  c1.submit();
  const accepted = c1.accepted('j1', { credentials: CREDENTIALS });
  return { t, c1, c2, accepted };
}

describe('credential checker (CRED-004, CRED-005, CRED-006)', () => {
  it('reads principals from labels', () => {
    expect(principalFromLabel('subscriber principal:bob')).toBe('bob');
    expect(principalFromLabel('owner,principal:alice')).toBe('alice');
    expect(principalFromLabel('owner')).toBeUndefined();
    expect(principalLabel('carol')).toBe('principal:carol');
    expect(() => principalLabel('two words')).toThrow(/spaces/);
  });

  it('accepts credentials shown to the submitting principal in another session', () => {
    expect(checkTranscript(subscriberOutlivesOwner(), [credentialChecker])).toEqual([]);
  });

  it('reports credentials in job.subscribed for another principal (CRED-004)', () => {
    const { t, c2, accepted } = aliceAndBob();
    c2.subscribe('j1');
    const subscribed = c2.subscribed('j1', 'running', { credentials: CREDENTIALS });
    const v = checkTranscript(t.build(), [credentialChecker]);
    expect(findings(v)).toEqual([{ requirement: 'CRED-004', witnesses: [accepted, subscribed] }]);
    expect(v[0]?.message).toBe("job.subscribed for job j1 delivered credentials to session s2 of principal bob, but the job's submitter is alice.");
    expect(v[0]?.message).not.toContain('[redacted');
  });

  it('reports credentials in a session.jobs row for another principal (CRED-005)', () => {
    const { t, c2, accepted } = aliceAndBob();
    c2.listJobs('L1');
    const listing = c2.jobs('L1', [{ job_id: 'j1', status: 'running', credentials: CREDENTIALS }]);
    expect(findings(checkTranscript(t.build(), [credentialChecker]))).toEqual([{ requirement: 'CRED-005', witnesses: [accepted, listing] }]);
  });

  it('reports a rotated credential value forwarded to another principal (CRED-006), judged from an explicit principal map', () => {
    const { t, c2, accepted } = aliceAndBob('subscriber');
    c2.subscribe('j1');
    c2.subscribed('j1', 'running');
    const rotated = c2.event('j1', { kind: 'status', body: { phase: 'credential_rotated', id: 'cr1', value: '[redacted:4]' } });
    const entries = t.build();
    expect(checkTranscript(entries, [credentialChecker])).toEqual([]); // bob's principal unknown: not judged
    expect(findings(checkTranscript(entries, [credentialChecker], { principals: { s2: 'bob' } }))).toEqual([
      { requirement: 'CRED-006', witnesses: [accepted, rotated] },
    ]);
  });
});
