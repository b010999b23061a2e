// findListedJob against a scripted server that applies created_after as the spec's filter
// does: the narrow first search keeps a busy server's older jobs out, and the wider ones still
// find a job whose created_at precedes its accepted_at (a legal queued submission).
import { afterEach, describe, expect, it } from 'vitest';
import { isWireFrame, payloadOf } from '../harness/frames.ts';
import { connect } from '../harness/session.ts';
import { type ScriptedPeer, type ScriptedServer, dig, serverFrame, startScriptedServer, welcoming } from '../harness/testing/scripted-server.ts';
import { findListedJob } from './index.ts';
import { RecordingContext } from './testing/recording-context.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const ACCEPTED_AT = '2026-12-02T12:00:10.000Z';

interface Row {
  readonly job_id: string;
  readonly created_at: string;
}

/** Answers every session.list_jobs from `rows`, keeping those created strictly after the filter; records each filter. */
function listingServer(rows: readonly Row[], filtersSeen: unknown[]): (peer: ScriptedPeer) => Promise<void> {
  return async (peer) => {
    for (;;) {
      const request = await peer.next('session.list_jobs', 5000).catch(() => undefined);
      if (request === undefined) return;
      const after = dig(request, 'payload.filter.created_after');
      filtersSeen.push(after);
      const jobs = rows.filter((row) => typeof after !== 'string' || Date.parse(row.created_at) > Date.parse(after));
      peer.send(serverFrame('session.jobs', { request_id: dig(request, 'id'), jobs, next_cursor: null }, { session_id: 's1' }));
    }
  };
}

async function search(rows: readonly Row[], jobId: string): Promise<{ row: unknown; filtersSeen: unknown[] }> {
  const filtersSeen: unknown[] = [];
  const server = await startScriptedServer(welcoming({ sessionId: 's1' }, listingServer(rows, filtersSeen)));
  servers.push(server);
  const t = new RecordingContext(server.url);
  const session = await connect(server.url, { token: 'bearer-token-primary-0001', profile: t.target.profile, timeoutMs: 1000 });
  const accepted = serverFrame('job.accepted', { job_id: jobId, accepted_at: ACCEPTED_AT }, { session_id: 's1', job_id: jobId });
  if (!isWireFrame(accepted)) throw new Error('serverFrame made no wire frame');
  const { row, listing } = await findListedJob(session, t, jobId, accepted);
  expect(listing.type).toBe('session.jobs');
  expect(payloadOf(listing).jobs).toBeDefined();
  await session.connection.closeSocket();
  return { row, filtersSeen };
}

describe('findListedJob', () => {
  it('finds a job created just before its accept with the first, narrow search', async () => {
    const { row, filtersSeen } = await search([{ job_id: 'j1', created_at: '2026-12-02T12:00:09.500Z' }], 'j1');
    expect(row).toMatchObject({ job_id: 'j1' });
    expect(filtersSeen).toEqual(['2026-12-02T12:00:08.000Z']);
  });

  it('widens the window for a job created well before its accept (a queued submission)', async () => {
    const { row, filtersSeen } = await search([{ job_id: 'j1', created_at: '2026-12-02T11:59:45.000Z' }], 'j1');
    expect(row).toMatchObject({ job_id: 'j1' });
    expect(filtersSeen).toEqual(['2026-12-02T12:00:08.000Z', '2026-12-02T11:59:10.000Z']);
  });

  it('searches the unfiltered listing last, and reports a job no search shows as absent', async () => {
    const { row, filtersSeen } = await search([{ job_id: 'other', created_at: '2026-12-02T12:00:09.000Z' }], 'j1');
    expect(row).toBeUndefined();
    expect(filtersSeen).toEqual(['2026-12-02T12:00:08.000Z', '2026-12-02T11:59:10.000Z', undefined]);
  });
});
