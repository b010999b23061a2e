// Switchable defects (DESIGN §6): each re-creates a real bug so the kit can prove it
// catches it. With none switched on the runtime has none of these bugs. Each is realistic:
// it shows on the wire only under the scenario that triggers the original bug.
import { Switches } from './switches.ts';

export interface Defect {
  readonly name: string;
  /** The requirement it breaks, in the spec's words (section). */
  readonly breaks: string;
  readonly description: string;
  /** The catalogue ids (spec/requirements.ts) whose checks must catch it (coverage.test.ts). */
  readonly requirements: readonly string[];
}

export const DEFECTS = [
  {
    name: 'seq-race',
    breaks: 'v1.1 §8.3 / v1.0 §8.3: event_seq strictly monotonic and gap-free on the wire',
    description: 'audit csharp-event-seq-reorder: seq is stamped, then an async hop of random length, then enqueued; concurrent emitters (parallel branches, lease watchdog, back-pressure status) can write a higher seq first',
    requirements: ['SEQ-001', 'SEQ-002'],
  },
  {
    name: 'cancel-after-terminal',
    breaks: 'v1.1 §7.3-7.4: exactly one terminal per job; cancel applies only to a non-terminal job',
    description: 'audit ruby-cancel-after-terminal: cancelling a finished job emits a second terminal job.error CANCELLED and flips the stored status to cancelled',
    requirements: ['CANCEL-004', 'LIFE-001'],
  },
  {
    name: 'subscription-leak',
    breaks: 'v1.1 §6.7 / §7.6: a gone session must stop receiving fan-out (resource leak)',
    description: 'audit ruby-subscription-leak-on-close: an expired session stays attached to its jobs and fan-out keeps filling its dead outbox (visible in stats())',
    requirements: ['LEAK-001'],
  },
  {
    name: 'replay-drops-events',
    breaks: 'v1.0 §6.3 / §8.3: resume replays every event with seq > last_event_seq',
    description: 'off-by-one in resume: the first missed event (last_event_seq + 1) is not replayed',
    requirements: ['RESUME-003', 'SEQ-004', 'ACK-005'],
  },
  {
    name: 'replay-duplicates',
    breaks: 'v1.0 §8.3: strictly monotonic event_seq across resume',
    description: 'off-by-one in resume: the event at last_event_seq is replayed again',
    requirements: ['RESUME-003', 'SEQ-004'],
  },
  {
    name: 'resume-token-reused',
    breaks: 'v1.1 §6.3: the resume token rotates on every successful welcome',
    description: 'the welcome after a resume carries the same resume token, and that token keeps working',
    requirements: ['RESUME-002', 'RESUME-006'],
  },
  {
    name: 'close-cancels-jobs',
    breaks: 'v1.1 §6.7: in-flight jobs are not affected by session.close',
    description: 'session.close cancels the running jobs the session submitted (job.error CANCELLED)',
    requirements: ['CLOSE-002', 'CLOSE-003'],
  },
  {
    name: 'drop-kills-jobs',
    breaks: 'v1.1 §6.4 / v1.0 §1.2: jobs survive a transport drop and a heartbeat loss',
    description: 'when the transport drops, the jobs the session submitted end with job.error CANCELLED',
    requirements: ['LIFE-006', 'HB-003', 'RESUME-004', 'CANCEL-008'],
  },
  {
    name: 'subscriber-can-cancel',
    breaks: 'v1.1 §7.6 / §14: subscription does not confer cancel authority',
    description: 'cancel checks that the session observes the job instead of checking the submitting principal',
    requirements: ['CANCEL-007'],
  },
  {
    name: 'credentials-leak',
    breaks: 'v1.1 §7.6 / §14: credentials reach only the submitting principal',
    description: 'job.subscribed carries the credentials whoever subscribes',
    requirements: ['CRED-004'],
  },
  {
    name: 'event-after-terminal',
    breaks: 'v1.1 §7.3: nothing for a job follows its terminal',
    description: 'when one parallel branch ends the job, the other branches are not stopped and their events are still sent',
    requirements: ['LIFE-002'],
  },
  {
    name: 'seq-per-job',
    breaks: 'v1.0 §8.3: event_seq is session-scoped, shared by every job of the session',
    description: 'event_seq is counted per job and session, so two concurrent jobs in one session reuse numbers',
    requirements: ['SEQ-002'],
  },
  {
    name: 'subscribed-foreign-seq',
    breaks: 'v1.1 §7.6: subscribed events use the subscriber session_id and event_seq space',
    description: 'fan-out forwards the frame stamped for the submitting session (its session_id and seq) to subscribers',
    requirements: ['SUB-006'],
  },
  {
    name: 'list-jobs-leak',
    breaks: 'v1.1 §6.6: list_jobs must not leak job existence across principals',
    description: 'session.list_jobs lists the jobs of every principal',
    requirements: ['LIST-002'],
  },
  // ---- corners (issue 13): each wrong only where the suites used not to look ----
  {
    name: 'resume-skips-auth',
    breaks: 'v1.0 §6.1: a session.hello missing or presenting an invalid token is rejected, never welcomed',
    description: 'a hello carrying a resume block is routed to the resume path before the bearer token is checked, so a good resume token resumes without (or with a wrong) bearer token',
    requirements: ['AUTH-001', 'AUTH-002'],
  },
  {
    name: 'resume-any-principal',
    breaks: 'v1.1 §6.6: no job existence revealed to a principal not authorized to know it',
    description: 'the resume path checks that the bearer token is valid but not that it belongs to the session\'s principal: another principal holding the resume token takes the session over',
    requirements: ['AUTH-004'],
  },
  {
    name: 'cancel-reveals-existence',
    breaks: 'v1.1 §6.6: MUST NOT leak job existence across principals',
    description: 'job.cancel looks the job up before checking who may see it: another principal\'s job answers PERMISSION_DENIED where an unknown id answers JOB_NOT_FOUND',
    requirements: ['LIST-008'],
  },
  {
    name: 'list-filter-leak',
    breaks: 'v1.1 §6.6: list_jobs returns only jobs the principal may observe',
    description: 'the filtered session.list_jobs query forgets the principal scope (the unfiltered one keeps it)',
    requirements: ['LIST-002'],
  },
  {
    name: 'fs-star-crosses-slash',
    breaks: 'v1.0 §9.2: `*` matches within one path segment',
    description: 'fs.* patterns go through a shell-style matcher without FNM_PATHNAME, so `*` also matches `/` (other capabilities use the segment-aware glob)',
    requirements: ['LEASE-007'],
  },
  {
    name: 'budget-zero-allows',
    breaks: 'v1.1 §9.6: a counter at or below zero refuses every further operation',
    description: 'the budget check is `< 0` instead of `<= 0`: a counter spent to exactly 0 still allows one more operation',
    requirements: ['BUDGET-004'],
  },
  {
    name: 'expiry-cached-grant',
    breaks: 'v1.1 §9.5: operations attempted at or after expires_at fail with LEASE_EXPIRED',
    description: 'lease decisions are cached per capability and target: an operation allowed before expires_at is allowed again after it',
    requirements: ['LEASE-004'],
  },
  {
    name: 'watchdog-retryable',
    breaks: 'v1.1 §12: LEASE_EXPIRED is never retryable',
    description: 'the expiry watchdog builds its own job.error LEASE_EXPIRED with retryable true (the operation path says false)',
    requirements: ['ERR-003'],
  },
  {
    name: 'cancel-ack-needs-event',
    breaks: 'v1.1 §7.4: the runtime acknowledges job.cancel with job.cancelled',
    description: 'job.cancelled is sent on the agent\'s event path, so a job cancelled before its first event gets only its CANCELLED terminal',
    requirements: ['CANCEL-001'],
  },
  {
    name: 'linger-finish-wins',
    breaks: 'v1.1 §7.4: a cancelled job ends with job.error CANCELLED',
    description: 'an agent that reaches finish while it lingers after a cancel ends the job with its job.result success',
    requirements: ['CANCEL-002'],
  },
  {
    name: 'timeout-status-error',
    breaks: 'v1.1 §7.3: a terminal job keeps its final status (timed_out) in listings and job.subscribed',
    description: 'the stored status of a timed-out job is error (the terminal on the wire says timed_out)',
    requirements: ['LIFE-004'],
  },
  {
    name: 'timeout-needs-submitter',
    breaks: 'v1.1 §7.3 / §6.7: max_runtime_sec ends the job with TIMEOUT whether or not its session is attached',
    description: 'the max_runtime_sec watchdog runs on the submitter\'s connection: while no transport is attached it does not fire and the job runs on',
    requirements: ['LIFE-005'],
  },
  {
    name: 'history-dup-after-live',
    breaks: 'v1.1 §7.6: a subscription with history delivers each event once',
    description: 'a subscriber with history that joins a job another session already subscribes to joins that fan-out group at the group\'s start, so the replayed events come again live',
    requirements: ['SUB-003', 'SUB-005'],
  },
  // ---- corners, second round (issue 13 item 1): one realistic bug per observable MUST left ----
  {
    name: 'resume-once',
    breaks: 'v1.0 §6.2-6.3: a session stays resumable for the window after its most recent message, every time',
    description: 'the resume record is consumed by the first resume and only a hello creates one: the second resume of a session is refused RESUME_WINDOW_EXPIRED',
    requirements: ['RESUME-001'],
  },
  {
    name: 'pong-debounced',
    breaks: 'v1.1 §6.4: the receiver of session.ping responds promptly with session.pong',
    description: 'a rate limit against ping floods answers at most one ping a second: a second ping right after the first gets no pong',
    requirements: ['HB-001'],
  },
  {
    name: 'pong-no-session-id',
    breaks: 'v1.0 §5.1: session_id is REQUIRED on every frame after the welcome',
    description: 'session.pong is written by a fast path that builds the envelope itself and leaves out session_id',
    requirements: ['ENV-004'],
  },
  {
    name: 'accepted-empty-lease-omitted',
    breaks: 'v1.0 §7.1: the effective lease appears in job.accepted.payload.lease',
    description: 'the job.accepted serializer drops empty objects, so a job submitted without lease_request is accepted without a lease field',
    requirements: ['JOB-001'],
  },
  {
    name: 'default-lease-granted',
    breaks: 'v1.0 §7.1: the runtime MUST NOT silently expand the requested lease',
    description: 'a job.submit without lease_request gets the runtime\'s default lease (tool.call ["*"]) instead of an empty one',
    requirements: ['JOB-002'],
  },
  {
    name: 'lease-star-widened',
    breaks: 'v1.0 §7.1: the runtime MAY reduce the requested lease but MUST NOT expand it',
    description: 'the lease normalizer reads a tool namespace\'s trailing `/*` as the whole namespace: a requested tool.call `fetch/*` is granted (and echoed in job.accepted) as `fetch/**`, which reaches `fetch/a/b`',
    requirements: ['JOB-002'],
  },
  {
    name: 'trace-id-span-length',
    breaks: 'v1.0 §11: a trace_id absent from job.submit is generated (a W3C trace-id) and included in job.accepted',
    description: 'the trace_id generated for a submit without one comes from the span-id helper: 16 hex digits instead of 32',
    requirements: ['JOB-004'],
  },
  {
    name: 'idem-other-session',
    breaks: 'v1.1 §7.2 / v1.0 §7.2: the same job.accepted payload for a repeated key; a running job streams on, a finished one replays its terminal',
    description: 'an idempotency hit from a session other than the submitter is answered from the key index alone: a job.accepted rebuilt with a fresh accepted_at, and the session neither joins the running job\'s stream nor gets the finished job\'s terminal',
    requirements: ['IDEM-001', 'IDEM-003', 'IDEM-004'],
  },
  {
    name: 'idem-ignores-version',
    breaks: 'v1.0 §7.2: a reused key with a different agent MUST result in DUPLICATE_KEY',
    description: 'the idempotency fingerprint records the agent name without its version: the key reused with another version of the agent returns the first job',
    requirements: ['IDEM-002'],
  },
  {
    name: 'idem-conflict-global',
    breaks: 'v1.0 §7.2 / v1.1 §6.6: keys are scoped by principal; no job existence leaks across principals',
    description: 'the conflicting-parameters check runs on the global key index before the principal-scoped lookup: another principal reusing a key with different input gets DUPLICATE_KEY',
    requirements: ['IDEM-005'],
  },
  {
    name: 'foreign-cancel-marks-job',
    breaks: 'v1.1 §7.6: cancellation is reserved for the session that submitted the job',
    description: 'job.cancel marks the job cancel-requested before checking the principal: the foreign cancel is refused, but the job ends job.error CANCELLED when its agent finishes',
    requirements: ['CANCEL-006'],
  },
  {
    name: 'archived-agent-unversioned',
    breaks: 'v1.1 §7.5: once resolved, a job\'s agent version is fixed',
    description: 'a job is archived at its terminal with the bare agent name: listings and job.subscribed of an ended job show "conformance" where they showed "conformance@2.0.0"',
    requirements: ['VER-006'],
  },
  {
    name: 'pre-hello-queued',
    breaks: 'v1.0 §6.1: a frame before the authenticated hello is never acted on',
    description: 'frames that arrive before the hello are queued and run once the session is welcomed: a job.submit sent before the hello creates the job',
    requirements: ['AUTH-003'],
  },
  {
    name: 'ping-before-welcome',
    breaks: 'v1.1 §6.2 / v1.0 §3.1: the runtime responds to session.hello with session.welcome',
    description: 'the heartbeat starts when the session is attached, and its first session.ping goes out before the welcome (only for sessions that negotiated heartbeat)',
    requirements: ['HELLO-001'],
  },
  {
    name: 'lingering-cancel-as-result',
    breaks: 'v1.1 §7.4 / v1.0 §7.4: a cancelled job ends with job.error CANCELLED, final_status "cancelled"',
    description: 'the linger path ends a cancelled job with job.result {final_status: "cancelled"} (the Python SDK\'s form); a cancel without linger is right',
    requirements: ['CANCEL-002'],
  },
  {
    name: 'refusal-without-id',
    breaks: 'v1.0 §5.1: `id` (string, REQUIRED): per-message unique identifier',
    description: 'refusals sent before a session exists (a failed hello or resume) go through a bare writer that leaves out the envelope id',
    requirements: ['ENV-003'],
  },
  {
    name: 'listing-envelope-v1',
    breaks: 'v1.0 §5.1: `arcp` (string, REQUIRED): protocol version ("1.1" for this protocol)',
    description: 'session.jobs is built by the listing module, which kept its own copy of the version constant: arcp "1.0"',
    requirements: ['ENV-002'],
  },
  {
    name: 'cancel-envelope-strict',
    breaks: 'v1.1 §5: implementations MUST ignore unknown top-level envelope fields',
    description: 'job.cancel is validated with a strict envelope schema (the other messages are loose): a cancel carrying an unknown top-level field is refused INVALID_REQUEST',
    requirements: ['ENV-001'],
  },
  {
    name: 'timeout-error-no-job-id',
    breaks: 'v1.1 §8.1 / v1.0 §5.1: job-scoped messages carry job_id',
    description: 'the max_runtime_sec watchdog writes its job.error TIMEOUT with job_id in the payload only, not on the envelope',
    requirements: ['ENV-005'],
  },
  {
    name: 'linger-cancel-twice',
    breaks: 'v1.1 §7.4: a repeated job.cancel produces no second terminal',
    description: 'a second job.cancel while the job lingers forces the CANCELLED terminal at once through a path that skips the once-guard; the linger timer then ends the job again',
    requirements: ['CANCEL-003'],
  },
  {
    name: 'resume-features-reset',
    breaks: 'v1.1 §6.2: either peer MUST NOT use a feature outside the negotiated intersection',
    description: 'a resumed session is rebuilt with the runtime\'s full feature set: a session that did not negotiate heartbeat gets session.ping after its resume',
    requirements: ['HB-005'],
  },
  {
    name: 'token-needs-features',
    breaks: 'v1.0 §6.2: the runtime MUST issue a resume_token',
    description: 'the resume token is minted in the feature-negotiation branch: a hello offering no features is welcomed without resume_token',
    requirements: ['HELLO-002'],
  },
  {
    name: 'resume-gap-replay',
    breaks: 'v1.0 §6.3: a last_event_seq older than the buffer window MUST get RESUME_WINDOW_EXPIRED',
    description: 'a resume whose last_event_seq the buffer no longer covers is welcomed and replayed from the oldest event still buffered, leaving a gap',
    requirements: ['RESUME-005'],
  },
  {
    name: 'subscribe-observe-before-check',
    breaks: 'v1.1 §7.6: the runtime MUST verify the subscriber is permitted to observe the job',
    description: 'job.subscribe joins the job\'s fan-out before the policy check: another principal is refused PERMISSION_DENIED but receives the job\'s events anyway; and joining first marks the job caught up, so a permitted subscriber\'s history replay is lost',
    requirements: ['SUB-007', 'SUB-003', 'SUB-005'],
  },
  {
    name: 'subscribe-live-unchecked',
    breaks: 'v1.1 §14: runtimes MUST default to "same principal only"',
    description: 'the principal check sits in the history branch of job.subscribe: a live subscribe (no history) from another principal is accepted',
    requirements: ['SUB-008'],
  },
  {
    name: 'bye-keeps-streaming',
    breaks: 'v1.0 §6.4: after session.bye no further ARCP messages are sent on the transport',
    description: 'session.bye starts a graceful close that lingers 500 ms with the session still attached, so job events keep flowing after the bye',
    requirements: ['CLOSE-004'],
  },
  {
    name: 'linger-waits-for-agent',
    breaks: 'v1.0 §7.4: the cancelled terminal comes within a bounded grace period',
    description: 'on_cancel.linger_ms is treated as the agent\'s business: no timer bounds it, and the CANCELLED terminal waits for the agent to stop on its own',
    requirements: ['CANCEL-005'],
  },
  // ---- corners of events, sequence, chunks, leases and credentials (issue 13) ----
  {
    name: 'parallel-tail-lost',
    breaks: 'v1.0 §8.3: every event the agent emits reaches the session, in order',
    description: 'the branches of a parallel block write through per-branch buffers that the join flushes, all but the last branch\'s: the final event of the last branch is never sent (its seq is never stamped, so no gap shows)',
    requirements: ['EVT-003'],
  },
  {
    name: 'denial-overtakes-call',
    breaks: 'v1.0 §8.3: events of one job (and of each branch) reach the session in the order they were produced',
    description: 'the lease check before dispatch publishes its denial at once, ahead of the tool_call it denies: a denied tool\'s tool_result arrives before its tool_call (allowed calls keep their order)',
    requirements: ['SEQ-003'],
  },
  {
    name: 'vendor-kind-reregistered',
    breaks: 'v1.0 §8.2: receivers ignore unknown (x-) event kinds rather than erroring',
    description: 'an x- vendor kind is registered in the extension registry on every event; the second event of the same vendor kind fails with "already registered" and the job ends with INTERNAL_ERROR',
    requirements: ['EVT-005'],
  },
  {
    name: 'progress-fraction-string',
    breaks: 'v1.1 §8.2.1: progress `current` is a non-negative number',
    description: 'the runtime formats a fractional progress `current` for display (toFixed(1)), sending it as a string; whole numbers pass through as numbers',
    requirements: ['EVT-006'],
  },
  {
    name: 'history-skips-feature-gate',
    breaks: 'v1.1 §6.2: no peer uses a feature outside the negotiated intersection',
    description: 'job.subscribe with history replays the job\'s buffer without the per-session feature gate of the live fan-out: a subscriber that did not negotiate progress or result_chunk gets those events in its replay',
    requirements: ['EVT-008', 'CHUNK-006'],
  },
  {
    name: 'control-consumes-seq',
    breaks: 'v1.1 §6.4-6.5: heartbeats and session.ack are not included in event_seq',
    description: 'the session\'s message counter that stamps event_seq also counts heartbeat and ack traffic: each session.pong sent and each session.ack received takes a number, so the job frames around them skip one',
    requirements: ['SEQ-005', 'SEQ-006'],
  },
  {
    name: 'cancel-ack-carries-seq',
    breaks: 'v1.0 §8.3: event_seq is strictly monotonic over every frame of the session that carries it',
    description: 'job.cancelled carries event_seq, set to the latest seq the session was sent (meant as "cancelled after this event"): it repeats a number of the sequence',
    requirements: ['SEQ-007'],
  },
  {
    name: 'last-chunk-close-path',
    breaks: 'v1.1 §8.4: every result_chunk carries encoding and more, and the final one says more: false',
    description: 'the final chunk of a result is written by the stream\'s close() path, which sends only result_id, chunk_seq and data (no encoding, no more); the other chunks are complete',
    requirements: ['CHUNK-001', 'CHUNK-003'],
  },
  {
    name: 'chunk-seq-counts-events',
    breaks: 'v1.1 §8.4: chunk_seq is the 0-based chunk index per result_id',
    description: 'chunk_seq is taken from the branch\'s event counter, not counted per result: right only when the chunks are the first events of their branch',
    requirements: ['CHUNK-002'],
  },
  {
    name: 'small-stream-inlined',
    breaks: 'v1.1 §8.4: a job that streamed result_chunks does not also carry an inline result',
    description: 'when the streamed result is small (up to 1 KiB) the job.result also inlines it as `result`, for clients that ignore chunks',
    requirements: ['CHUNK-004'],
  },
  {
    name: 'last-chunk-trimmed',
    breaks: 'v1.1 §8.4: the assembled result is the concatenation of the chunks\' decoded data',
    description: 'a line-oriented text streamer strips the trailing whitespace of the last utf8 chunk, so a result ending in a newline loses it',
    requirements: ['CHUNK-005'],
  },
  {
    name: 'expiry-checked-with-lease',
    breaks: 'v1.1 §9.5: a past or invalid expires_at is rejected with INVALID_REQUEST',
    description: 'expires_at is validated by the lease builder, which is skipped when lease_request names no capability: such a submit is accepted whatever its expires_at says',
    requirements: ['LEASE-002', 'LEASE-003'],
  },
  {
    name: 'lease-kill-via-cancel',
    breaks: 'v1.1 §7.3, §9.5-9.6: LEASE_EXPIRED and BUDGET_EXHAUSTED terminals say final_status "error"',
    description: 'a job killed for a fatal lease error (an operation after expires_at; a second operation after the budget ran out) is ended through the cancel path: its job.error keeps the code but says final_status "cancelled"',
    requirements: ['LEASE-005', 'BUDGET-005'],
  },
  {
    name: 'budget-metered-by-unit',
    breaks: 'v1.1 §9.6: only cost.* metrics decrement the budget counter of their currency',
    description: 'the budget meter matches metrics by unit alone: any metric whose unit is a budgeted currency (a tokens.used in USD) decrements that counter',
    requirements: ['BUDGET-002'],
  },
  {
    name: 'model-prefix-match',
    breaks: 'v1.1 §9.7: a model no model.use pattern matches is rejected with PERMISSION_DENIED',
    description: 'model.use patterns are matched as prefixes (the trailing * stripped), so `tier-fast/*` also allows `tier-fast/small/extra`; other capabilities use the glob',
    requirements: ['MODEL-001'],
  },
  {
    name: 'credentials-announced',
    breaks: 'v1.1 §9.8.2, §14: credentials issued no later than job.accepted, and only to the submitting principal',
    description: 'for a lease with model.use, the model gateway\'s credential is minted when the agent starts and announced, with the job\'s other credentials, in a status event that fans out to every observer of the job',
    requirements: ['CRED-001', 'CRED-006'],
  },
  {
    name: 'credential-cached-by-lease',
    breaks: 'v1.1 §9.8.1-9.8.2: each credential carries id, scheme, value and endpoint; no value is reused across jobs',
    description: 'the gateway client caches credentials by lease: a later job with an identical lease gets the cached credential, read back from a slim record without `scheme`',
    requirements: ['CRED-002', 'CRED-003'],
  },
  {
    name: 'credentials-unnegotiated',
    breaks: 'v1.1 §6.2: no peer uses a feature outside the negotiated intersection',
    description: 'credentials are minted for every lease with model.use (the model gateway needs one) whether or not the session negotiated provisioned_credentials',
    requirements: ['CRED-009'],
  },
  {
    name: 'write-path-raw',
    breaks: 'v1.0 §14: paths are canonicalized before lease evaluation',
    description: 'only fs.read targets are canonicalized: fs.write (and other fs.*) targets are matched as sent, so /workspace/out/../src/main.ts passes /workspace/out/**',
    requirements: ['SEC-003'],
  },
  {
    name: 'result-cap-truncates',
    breaks: 'v1.1 §14 / v1.0 §14: exceeding a result-size limit surfaces as INTERNAL_ERROR, not silent truncation',
    description: 'a streamed result is capped at 1 MiB: past the cap the remaining chunks are dropped and the job ends with success (the last chunk sent says more: true)',
    requirements: ['SEC-007'],
  },
  {
    name: 'list-rows-credentials',
    breaks: 'v1.1 §14: introspection surfaces (session.list_jobs) redact credentials for every principal but the submitter',
    description: 'a session.jobs row carries the job\'s credentials while they are live, whoever lists it: invisible where a principal lists only its own jobs, a leak where the deployment lists other principals\' jobs',
    requirements: ['CRED-005'],
  },
  {
    name: 'delegate-budget-initial',
    breaks: 'v1.1 §9.4: a delegated cost.budget MUST NOT exceed the parent\'s remaining budget at the time of delegation',
    description: 'the delegation check holds the child\'s cost.budget against the parent lease\'s cost.budget as submitted, not against its counter: once the parent has spent some, a child may still ask for the whole initial amount',
    requirements: ['LEASE-008'],
  },
  {
    name: 'delegate-model-unchecked',
    breaks: 'v1.1 §9.4: a child naming a model the parent does not cover is rejected with LEASE_SUBSET_VIOLATION',
    description: 'the delegation subset check predates v1.1\'s model.use and compares only the v1.0 capabilities: a child lease\'s model.use is never compared with the parent\'s',
    requirements: ['LEASE-008'],
  },
  {
    name: 'delegate-expiry-ends-parent',
    breaks: 'v1.0 §10.2: failed delegation validation MUST produce LEASE_SUBSET_VIOLATION as a tool_result on the parent job',
    description: 'a child expires_at later than the parent\'s is caught by job.submit\'s constraint validator first: its INVALID_REQUEST ends the parent job instead of reaching the agent as a tool_result',
    requirements: ['LEASE-008'],
  },
  {
    name: 'rotation-id-missing',
    breaks: 'v1.1 §9.8.2: on rotation the status credential_rotated body carries the credential id and the new value',
    description: 'the first rotation of a credential is announced with its id and new value; later ones come from the refresher\'s own record, which keeps no id, so their status event carries only the value',
    requirements: ['CRED-007'],
  },
] as const satisfies readonly Defect[];

export type DefectName = (typeof DEFECTS)[number]['name'];

export const DEFECT_NAMES: readonly DefectName[] = DEFECTS.map((d) => d.name);

export function isDefectName(name: string): name is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(name);
}

/** The defects switched on for one runtime. */
export class Defects extends Switches<DefectName> {
  constructor(names: readonly DefectName[] = []) {
    super('defect', DEFECT_NAMES, names);
  }
}
