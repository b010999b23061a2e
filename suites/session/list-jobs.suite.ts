// Job listing (v1.1 §6.6): the session.jobs reply, visibility across principals, filters,
// paging, and finished jobs staying listed.
import type { AgentScript } from '../../spec/agent-script.ts';
import { JOB_STATUSES, parseAgentRef } from '../../spec/primitives.ts';
import { type WireFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { evidenceAround, findListedJob, isRejection, requireAgent, requireFeatures, sendCancel, submitAccepted, waitForTerminal, withSessions, waitForAgentEvent } from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { describeFrame } from '../verdicts/format.ts';
import { finishAtOnce } from './helpers.ts';

/** Most pages a listing walk follows before it gives up (the cursor never reached null). */
const MAX_PAGES = 200;

/** Pause between creating two jobs whose created_at must differ. */
const CREATION_GAP_MS = 20;

/** A job that is running (it has emitted) until cancelled, or ends with success after `maxMs`. */
function emitThenWaitForCancel(maxMs: number): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: maxMs }, { op: 'finish' }] };
}

type Row = Readonly<Record<string, unknown>>;

interface Page {
  readonly frame: WireFrame;
  readonly requestId: string;
  readonly rows: readonly Row[];
  readonly nextCursor: unknown;
}

interface Listing {
  readonly pages: readonly Page[];
  /** Every row of every page, in order. */
  readonly rows: readonly Row[];
  /** The walk ended on a null (or absent) next_cursor rather than the page bound or an error. */
  readonly complete: boolean;
  /** A rejection, if a page request was refused. */
  readonly refused?: WireFrame;
}

/** One session.list_jobs and its reply: the next session.jobs or rejection after the request. */
async function listPage(session: Session, payload: Record<string, unknown>): Promise<{ frame: WireFrame; requestId: string }> {
  const after = session.mark();
  const requestId = session.send('session.list_jobs', payload);
  const frame = await session.waitFor((f) => f.type === 'session.jobs' || isRejection(f), {
    description: 'session.jobs answering session.list_jobs',
    after,
  });
  return { frame, requestId };
}

/** Follows next_cursor from the first page until it is null, a request is refused, or MAX_PAGES. */
async function listAll(session: Session, filter: Record<string, unknown> | undefined, limit: number): Promise<Listing> {
  const pages: Page[] = [];
  let cursor: unknown = null;
  while (pages.length < MAX_PAGES) {
    const { frame, requestId } = await listPage(session, { ...(filter ? { filter } : {}), limit, cursor });
    if (frame.type !== 'session.jobs') return { pages, rows: pages.flatMap((p) => p.rows), complete: false, refused: frame };
    const payload = payloadOf(frame);
    const rows = Array.isArray(payload.jobs) ? payload.jobs.filter(isWireFrame) : [];
    pages.push({ frame, requestId, rows, nextCursor: payload.next_cursor });
    if (typeof payload.next_cursor !== 'string') return { pages, rows: pages.flatMap((p) => p.rows), complete: true };
    cursor = payload.next_cursor;
  }
  return { pages, rows: pages.flatMap((p) => p.rows), complete: false };
}

function jobIdsOf(rows: readonly Row[]): string[] {
  return rows.map((r) => (typeof r.job_id === 'string' ? r.job_id : '?'));
}

function describeRow(row: Row): string {
  return JSON.stringify({ job_id: row.job_id, agent: row.agent, status: row.status, created_at: row.created_at });
}

/** Cancels the test's running jobs and waits for their terminals. */
async function cancelAll(session: Session, jobIds: readonly string[], timeoutMs: number): Promise<void> {
  for (const jobId of jobIds) sendCancel(session, jobId, 'conformance cleanup');
  for (const jobId of jobIds) await waitForTerminal(session, jobId, timeoutMs, 0);
}

conformanceTest(
  'answers session.list_jobs with session.jobs carrying the request id, a jobs array and a next_cursor when another page follows',
  { requirements: ['LIST-001'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'list_jobs');
      for (const limit of [1, 3]) {
        const { frame, requestId } = await listPage(session, { limit });
        const payload = payloadOf(frame);
        const ok =
          frame.type === 'session.jobs' &&
          payload.request_id === requestId &&
          Array.isArray(payload.jobs) &&
          // v1.1 §6.6 shows `"next_cursor": null` only in an example: absent means no next page too.
          (payload.next_cursor === undefined || payload.next_cursor === null || typeof payload.next_cursor === 'string');
        t.must('LIST-001', ok, () => ({
          expected: `session.jobs with request_id "${requestId}", a jobs array and next_cursor a string, null or absent`,
          actual: `${describeFrame(frame)} ${JSON.stringify({ request_id: payload.request_id, jobs: Array.isArray(payload.jobs) ? `[${payload.jobs.length}]` : payload.jobs, next_cursor: payload.next_cursor })}`,
          ...evidenceAround(session, frame),
        }));
      }
    }),
);

conformanceTest(
  "lists the session's jobs exactly once with valid statuses, honouring the filter, the limit and the cursor",
  { requirements: ['LIST-003', 'LIST-004', 'LIST-005', 'LIST-006'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'list_jobs');
      requireAgent(t, session);
      // A finished job the status filter must leave out, created before the others (the
      // pause keeps the creation times apart at millisecond resolution).
      const decoy = (await submitAccepted(session, t, 'LIST-003', finishAtOnce())).jobId;
      await waitForTerminal(session, decoy, t.target.timeoutMs, 0);
      await new Promise((resolve) => setTimeout(resolve, CREATION_GAP_MS));
      // Three running jobs: each has emitted, so none is still pending.
      const mine: string[] = [];
      for (let n = 0; n < 3; n += 1) mine.push((await submitAccepted(session, t, 'LIST-003', emitThenWaitForCancel(8000))).jobId);
      try {
        for (const jobId of mine) await waitForAgentEvent(session, jobId, { after: 0 });
        const agent = t.target.profile.agent;
        const statuses = ['pending', 'running'];
        const limit = 2;
        const listing = await listAll(session, { status: statuses, agent }, limit);
        const last = listing.pages.at(-1)?.frame ?? session.welcome;

        for (const page of listing.pages) {
          t.must('LIST-006', page.rows.length <= limit, () => ({
            expected: `at most ${limit} jobs per page (limit ${limit})`,
            actual: `${page.rows.length}: ${jobIdsOf(page.rows).join(', ')}`,
            ...evidenceAround(session, page.frame),
          }));
        }
        t.must('LIST-006', listing.complete, () => ({
          expected: `next_cursor null within ${MAX_PAGES} pages of ${limit}`,
          actual: listing.refused ? describeFrame(listing.refused) : `still a cursor after ${listing.pages.length} pages`,
          ...evidenceAround(session, last),
        }));
        const ids = jobIdsOf(listing.rows);
        const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
        t.must('LIST-006', repeated.length === 0, () => ({
          expected: 'every job once across the pages',
          actual: `listed more than once: ${[...new Set(repeated)].join(', ')}`,
          ...evidenceAround(session, last),
        }));
        t.must('LIST-005', !ids.includes(decoy), () => ({
          expected: `finished job ${decoy} left out of a listing filtered by status ${JSON.stringify(statuses)}`,
          actual: describeRow(listing.rows.find((r) => r.job_id === decoy) as Row),
          ...evidenceAround(session, last),
        }));
        const missing = mine.filter((id) => !ids.includes(id));
        t.must('LIST-003', missing.length === 0, () => ({
          expected: `the session's running jobs ${mine.join(', ')} in a listing filtered by status ${JSON.stringify(statuses)} and agent "${agent}"`,
          actual: `missing ${missing.join(', ')}; listed ${ids.join(', ') || 'nothing'}`,
          ...evidenceAround(session, last),
        }));
        for (const row of listing.rows) {
          t.must('LIST-004', typeof row.job_id === 'string' && row.job_id !== '' && (JOB_STATUSES as readonly unknown[]).includes(row.status), () => ({
            expected: `a string job_id and a status from ${JOB_STATUSES.join(', ')}`,
            actual: describeRow(row),
            ...evidenceAround(session, last),
          }));
          const rowAgent = typeof row.agent === 'string' ? parseAgentRef(row.agent).name : undefined;
          t.must('LIST-005', statuses.includes(row.status as string) && rowAgent === agent, () => ({
            expected: `every listed job matches status ${JSON.stringify(statuses)} and agent "${agent}"`,
            actual: describeRow(row),
            ...evidenceAround(session, last),
          }));
        }

        // created_after: the creation time of the session's first job, as the server reports it.
        const first = listing.rows.find((r) => r.job_id === mine[0]);
        const createdAfter = typeof first?.created_at === 'string' ? first.created_at : undefined;
        t.must('LIST-005', createdAfter !== undefined && !Number.isNaN(Date.parse(createdAfter)), () => ({
          expected: `a created_at timestamp on the row of job ${mine[0]}`,
          actual: first === undefined ? 'no row' : describeRow(first),
          ...evidenceAround(session, last),
        }));
        const recent = await listAll(session, { created_after: createdAfter, agent }, 50);
        const floor = Date.parse(createdAfter);
        t.must('LIST-005', !jobIdsOf(recent.rows).includes(decoy), () => ({
          expected: `job ${decoy}, created ${CREATION_GAP_MS} ms before ${mine[0]}, left out of a listing with created_after ${createdAfter}`,
          actual: describeRow(recent.rows.find((r) => r.job_id === decoy) as Row),
          ...evidenceAround(session, recent.pages.at(-1)?.frame ?? last),
        }));
        for (const row of recent.rows) {
          const at = typeof row.created_at === 'string' ? Date.parse(row.created_at) : Number.NaN;
          // "after" is read leniently (at or after) because the spec does not say whether the bound is inclusive.
          t.must('LIST-005', !(at < floor), () => ({
            expected: `every job listed with created_after ${createdAfter} created at or after it`,
            actual: describeRow(row),
            ...evidenceAround(session, recent.pages.at(-1)?.frame ?? last),
          }));
        }
      } finally {
        await cancelAll(session, mine, t.target.timeoutMs);
      }
    }),
);

conformanceTest('keeps a finished job listed', { requirements: ['LIST-007'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    const session = await sessions.open();
    requireFeatures(t, session, 'list_jobs');
    requireAgent(t, session);
    const { jobId, frame: accepted } = await submitAccepted(session, t, 'LIST-007', finishAtOnce());
    await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
    // Only whether it is listed (narrowed by created_after, not by a filter whose matching the
    // spec leaves open): the status a finished job's row shows is LIFE-004's (a MUST).
    const { row, listing } = await findListedJob(session, t, jobId, accepted);
    t.should('LIST-007', row !== undefined, () => ({
      expected: `job ${jobId} still listed right after its job.result`,
      actual: `not listed (${describeFrame(listing)})`,
      ...evidenceAround(session, listing),
    }));
  }),
);

// Cross-principal visibility of listings (LIST-002) is checked in suites/security.
