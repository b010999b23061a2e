import { describe, expect, it } from 'vitest';
import { Redactor, isRedacted, secretsInFrame } from './redact.ts';

const credential = (value: string) => ({ id: 'cred_1', scheme: 'bearer', value, endpoint: 'https://gw.example/v1' });

describe('secretsInFrame', () => {
  it('finds secrets in every position the spec defines', () => {
    const cases: [unknown, string[]][] = [
      [{ type: 'session.hello', payload: { auth: { scheme: 'bearer', token: 'T1' } } }, ['T1']],
      [{ type: 'session.hello', payload: { auth: { token: 'T1' }, resume: { resume_token: 'R1' } } }, ['T1', 'R1']],
      [{ type: 'session.hello', payload: { resume_token: 'R2' } }, ['R2']],
      [{ type: 'session.resume', payload: { resume_token: 'R3', auth: { token: 'T2' } } }, ['R3', 'T2']],
      [{ type: 'session.welcome', payload: { resume_token: 'R4' } }, ['R4']],
      [{ type: 'job.accepted', payload: { credentials: [credential('C1'), credential('C2')] } }, ['C1', 'C2']],
      [{ type: 'job.subscribed', payload: { credentials: [credential('C3')] } }, ['C3']],
      [{ type: 'session.jobs', payload: { jobs: [{ credentials: [credential('C4')] }, {}] } }, ['C4']],
      [{ type: 'job.event', payload: { kind: 'status', body: { phase: 'credential_rotated', id: 'cred_1', value: 'C5' } } }, ['C5']],
      [{ type: 'job.event', payload: { kind: 'status', body: { phase: 'credential_rotated', credential: credential('C6') } } }, ['C6']],
    ];
    for (const [frame, secrets] of cases) {
      expect(secretsInFrame(frame).filter((v) => v !== undefined)).toEqual(secrets);
    }
  });

  it('finds nothing in frames that carry no secret', () => {
    expect(secretsInFrame({ type: 'job.event', payload: { kind: 'status', body: { phase: 'running', value: 'x' } } })).toEqual([]);
    expect(secretsInFrame({ type: 'job.result', payload: { result: { token: 'x' } } })).toEqual([]);
    expect(secretsInFrame('session.hello')).toEqual([]);
  });
});

describe('Redactor', () => {
  it('replaces learned secrets with stable, distinct labels and leaves the original intact', () => {
    const redactor = new Redactor();
    const accepted = { type: 'job.accepted', payload: { job_id: 'j1', credentials: [credential('sk-virt-AAAA'), credential('sk-virt-BBBB')] } };
    const redacted = redactor.redactFrame(accepted, JSON.stringify(accepted));
    expect(JSON.stringify(redacted)).not.toMatch(/sk-virt/);
    const [first, second] = (redacted.payload.credentials as { value: string }[]).map((c) => c.value);
    expect(isRedacted(first)).toBe(true);
    expect(isRedacted(second)).toBe(true);
    expect(first).not.toBe(second);
    expect(accepted.payload.credentials[0]?.value).toBe('sk-virt-AAAA');
    // The same secret seen again gets the same label.
    const again = redactor.redactFrame({ type: 'job.subscribed', payload: { credentials: [credential('sk-virt-AAAA')] } });
    expect((again.payload.credentials[0] as { value: string }).value).toBe(first);
  });

  it('redacts a known secret wherever it appears later, even where no secret belongs', () => {
    const redactor = new Redactor();
    redactor.redactFrame({ type: 'session.welcome', payload: { resume_token: 'rt_secret_1' } });
    const echo = { type: 'session.error', payload: { code: 'UNAUTHENTICATED', message: 'bad resume token rt_secret_1!' } };
    const redacted = redactor.redactFrame(echo, JSON.stringify(echo));
    expect(redacted).not.toBe(echo);
    expect(redacted.payload.message).toBe('bad resume token [redacted:1]!');
    expect(redactor.redactText('token=rt_secret_1;')).toBe('token=[redacted:1];');
  });

  it('does not copy frames that mention no secret', () => {
    const redactor = new Redactor();
    redactor.addSecret('bearer-xyz');
    const event = { type: 'job.event', payload: { kind: 'log', body: { level: 'info', message: 'hello' } } };
    expect(redactor.redactFrame(event, JSON.stringify(event))).toBe(event);
    expect(redactor.redactFrame(event)).toBe(event);
  });

  it('always copies a frame that carries a secret in a known position', () => {
    const redactor = new Redactor();
    const welcome = { type: 'session.welcome', payload: { resume_token: 'rt_é_unicode' } };
    // The text scan would miss it (the server escaped the value differently).
    const redacted = redactor.redactFrame(welcome, '{"type":"session.welcome","payload":{"resume_token":"rt_\\u00e9_unicode"}}');
    expect(redacted.payload.resume_token).toBe('[redacted:1]');
  });

  it('redacts short secrets only where they stand alone', () => {
    const redactor = new Redactor();
    redactor.redactFrame({ type: 'session.hello', payload: { auth: { scheme: 'bearer', token: 'ab' } } });
    expect(redactor.redactText('about a cab')).toBe('about a cab');
    const hello = { type: 'session.hello', payload: { auth: { scheme: 'bearer', token: 'ab' }, note: 'abc' } };
    const redacted = redactor.redactFrame(hello);
    expect(redacted.payload.auth.token).toBe('[redacted:1]');
    expect(redacted.payload.note).toBe('abc');
  });

  it('replaces the longest secret first when one contains another', () => {
    const redactor = new Redactor();
    redactor.addSecret('secret');
    redactor.addSecret('secret-and-more');
    expect(redactor.redactText('x secret-and-more y secret')).toBe('x [redacted:2] y [redacted:1]');
  });

  it('does not reveal its secrets when logged', () => {
    const redactor = new Redactor();
    redactor.addSecret('very-secret-value');
    expect(JSON.stringify(redactor)).not.toContain('very-secret-value');
    expect(String(redactor.size)).toBe('1');
  });
});
