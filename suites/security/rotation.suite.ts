// Credential rotation (v1.1 §9.8.2): each rotation is announced by a status event with phase
// "credential_rotated" carrying the credential's id and its new value. The conformance
// agent's `rotate_credential` step is OPTIONAL: a server whose agent lacks it is N/A. Values
// are compared as the harness's redaction labels (one label per distinct secret), so the kit
// tells a new value from the prior one without ever holding either.
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { payloadOf } from '../harness/frames.ts';
import { evidenceAround, requireAgent, requireFeatures, withSessions } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { eventBody, runOptionalStep } from '../leases/support.ts';
import { credentialLease, credentialsOf, requireCredentials } from './support.ts';

/** Two rotations: a server may get the first one right and a re-rotation wrong. */
const ROTATIONS = 2;

const SCRIPT: AgentScript = {
  steps: [
    { op: 'emit', kind: 'log' },
    ...Array.from({ length: ROTATIONS }, () => [{ op: 'rotate_credential' as const }, { op: 'emit' as const, kind: 'log' }]).flat(),
    { op: 'finish' },
  ],
};

describe('security: credential rotation', () => {
  conformanceTest(
    'a rotated credential is announced by a status event credential_rotated with the credential id and a new value',
    { requirements: ['CRED-007'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open({ label: 'owner' });
        requireFeatures(t, session, 'provisioned_credentials');
        requireAgent(t, session);
        const run = await runOptionalStep(session, t, 'rotate_credential', SCRIPT, { payload: { lease_request: credentialLease(session) } });
        requireCredentials(t, run.accepted);
        // The current value of each credential by id, as its redaction label.
        const current = new Map((credentialsOf(payloadOf(run.accepted)) ?? []).map((c) => [c.id, c.value]));
        const rotations = run.frames.filter((f) => eventBody(f, 'status')?.phase === 'credential_rotated');
        if (rotations.length === 0) {
          t.untestable(
            `job ${run.jobId} ran ${ROTATIONS} rotate_credential steps but no credential_rotated status event came: either the runtime did not rotate (its agent does not do what the step says; spec/conformance-agent.md) or it rotated without announcing it, which the wire cannot tell apart`,
            evidenceAround(session, run.accepted, run.terminal),
          );
        }
        for (const rotation of rotations) {
          const body = eventBody(rotation, 'status') ?? {};
          // The id and value on the body itself, or (a server's nesting) on a `credential` object in it.
          const nested = body.id === undefined && body.value === undefined && typeof body.credential === 'object' && body.credential !== null;
          const { id, value } = (nested ? body.credential : body) as Record<string, unknown>;
          const prior = typeof id === 'string' ? current.get(id) : undefined;
          const problem =
            typeof id !== 'string' || id === ''
              ? `no credential id in its body (id ${JSON.stringify(id)})`
              : !current.has(id)
                ? `id ${JSON.stringify(id)}, which names no credential of job.accepted (${[...current.keys()].map(String).join(', ')})`
                : typeof value !== 'string' || value === ''
                  ? `no new value in its body (value ${JSON.stringify(value)})`
                  : value === prior
                    ? `the value the credential already had (${String(value)}), not a new one`
                    : undefined;
          t.should('CRED-007', problem === undefined, () => ({
            expected: 'a credential_rotated status body with the id of a credential issued in job.accepted and a new value (values show as redaction labels: a new value has a new label)',
            actual: `a credential_rotated status event with ${problem}`,
            ...evidenceAround(session, run.accepted, rotation),
          }));
          if (problem === undefined) current.set(id as string, value);
        }
      }),
  );
});

