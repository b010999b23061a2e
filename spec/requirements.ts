// The requirement catalogue: every testable requirement of the ARCP v1.1 draft
// (sections 5-9, 12, 14) plus the v1.0 requirements v1.1 relies on, in our own
// words, as data (DESIGN §3, §5). Tests cite these ids; reporters group by area.
//
// Stability rules:
// - An id (`AREA-NNN`) is never renumbered, reused or moved to another area once
//   published. New requirements take the next free number of their area.
// - A withdrawn requirement stays in the array; its text starts with
//   "Withdrawn (<catalogue version>): " and says why. Tests stop citing it.
// - Rewording text, or correcting section/level/features/observable/needsAgent,
//   bumps the `-kit.N` suffix of CATALOGUE_VERSION; it never changes the id.
//
// Levels follow the quoted sentence (DESIGN §5): an entry is a MUST only when one of its
// `quotes` carries MUST, MUST NOT, REQUIRED or SHALL and, read plainly, says what `text`
// says (a REQUIRED field's definition counts). What rests on a SHOULD, on a sentence
// without a keyword ("The runtime responds: ..."), on an example or on our own reading is
// a SHOULD at most, so it can WARN but never FAIL. Quotes are verbatim (whitespace aside)
// and spec/quotes.test.ts finds each one in the section it names.
//
// Conventions: `text` states what the SERVER does; MUST NOT counts as MUST and
// SHOULD NOT as SHOULD; `features` lists the negotiated flags without which the
// entry is N/A ([] = core, including entries about a feature NOT being negotiated);
// entries that are not observable on the wire have needsAgent false (moot).

import type { Feature } from './features.ts';
import type { Requirement, SpecQuote } from './requirement-types.ts';

export const CATALOGUE_VERSION = '1.1.0-kit.2';

/** Area prefix -> human title, used by reports to group verdicts. */
export const AREAS = {
  ENV: 'Envelope & wire format',
  AUTH: 'Authentication',
  HELLO: 'Hello / welcome & feature negotiation',
  RESUME: 'Session resume',
  HB: 'Heartbeats',
  ACK: 'Event acknowledgement & back-pressure',
  LIST: 'Job listing',
  CLOSE: 'Session close',
  JOB: 'Job submission & acceptance',
  IDEM: 'Idempotency',
  LIFE: 'Job lifecycle & terminals',
  CANCEL: 'Cancellation',
  VER: 'Agent versioning',
  SUB: 'Subscription',
  EVT: 'Event kinds & bodies',
  SEQ: 'Ordering & sequence numbers',
  CHUNK: 'Result streaming',
  LEASE: 'Lease enforcement & expiration',
  BUDGET: 'Budget capability',
  MODEL: 'Model capability',
  CRED: 'Provisioned credentials',
  ERR: 'Error taxonomy & payloads',
  SEC: 'Security considerations',
  LEAK: 'Resource leaks',
} as const;

export type Area = keyof typeof AREAS;

const HB: Feature[] = ['heartbeat'];
const ACK: Feature[] = ['ack'];
const LIST: Feature[] = ['list_jobs'];
const SUB: Feature[] = ['subscribe'];
const EXP: Feature[] = ['lease_expires_at'];
const BUD: Feature[] = ['cost.budget'];
const MOD: Feature[] = ['model.use'];
const CRED: Feature[] = ['provisioned_credentials'];
const PROG: Feature[] = ['progress'];
const CHUNK: Feature[] = ['result_chunk'];
const VER: Feature[] = ['agent_versions'];

// Sentences several entries rest on (verbatim; spec/quotes.test.ts checks them like the rest).
const EVENT_SEQ_FIELD: SpecQuote = { section: '1.0 §5.1', quote: '`event_seq` (integer, REQUIRED on `job.event`, `job.result`, `job.error`): Monotonic, session-scoped sequence number.' };
const SESSION_ID_FIELD: SpecQuote = { section: '1.0 §5.1', quote: '`session_id` (string, REQUIRED after welcome): Identifies the session.' };
const HELLO_REJECTS_BAD_TOKEN: SpecQuote = { section: '1.0 §6.1', quote: 'Runtimes MUST reject `session.hello` messages missing or presenting an invalid token with `session.error` and immediate transport close.' };
const WELCOME_RESPONDS: SpecQuote = { section: '1.1 §6.2', quote: '`session.welcome` responds with feature acknowledgement, an agent inventory enriched with version information, and a heartbeat interval:' };
const FEATURE_INTERSECTION: SpecQuote = { section: '1.1 §6.2', quote: 'Either peer MUST NOT use a feature outside that intersection.' };
const RESUMABLE_FOR_WINDOW: SpecQuote = { section: '1.0 §6.2', quote: 'The runtime MUST guarantee that a session can be resumed for at least `resume_window_sec` seconds after the most recent message.' };
const NO_JOB_LEAK: SpecQuote = { section: '1.1 §6.6', quote: 'Implementations MUST NOT leak job existence across principals not authorized to know about them.' };
const LIST_RESPONDS: SpecQuote = { section: '1.1 §6.6', quote: 'All `filter` fields are optional. The runtime responds:' };
const ACCEPTED_ECHOES: SpecQuote = { section: '1.1 §7.1', quote: '`job.accepted` echoes the effective lease and constraints, plus initial budget counters if `cost.budget` is in the lease:' };
const TERMINAL_REPLAY: SpecQuote = { section: '1.0 §7.2', quote: 'If terminal, the runtime MUST return the existing `job_id` and replay the terminal event.' };
const TERMINAL_STATES: SpecQuote = { section: '1.1 §7.3', quote: 'Terminal states are `success`, `error`, `cancelled`, and `timed_out`.' };
const CANCEL_ACKNOWLEDGED: SpecQuote = { section: '1.1 §7.4', quote: 'The runtime acknowledges with `job.cancelled` and emits `job.error` with code `CANCELLED` and `final_status: "cancelled"`.' };
const CANCEL_WITHIN_GRACE: SpecQuote = { section: '1.0 §7.4', quote: 'The runtime MUST signal the agent to stop, MUST emit a `job.error` with `final_status: "cancelled"` within a bounded grace period (default 30 seconds), and MUST release the job\'s lease.' };
const PER_JOB_ORDER: SpecQuote = { section: '1.0 §8.3', quote: 'Per-job ordering is implied: events for a given `job_id` MUST appear in the order they were produced.' };
const RESUME_REPLAYS_ALL: SpecQuote = { section: '1.0 §8.3', quote: '**Gap-free across reconnects**: Resume MUST replay every event whose seq is greater than the client\'s `last_event_seq`.' };
const BUFFERED_EVENTS: SpecQuote = { section: '1.0 §14', quote: 'Runtimes MUST encrypt buffered events at rest if the deployment environment is untrusted, and MUST purge them when the buffer window expires.' };

export const REQUIREMENTS: readonly Requirement[] = [
  // ENV: envelope & wire format (1.1 §5, 1.0 §4-5)
  { id: 'ENV-001', section: '1.1 §5', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'The server ignores unknown top-level envelope fields in client frames and processes the frame as if they were absent.',
    quotes: [
      { section: '1.1 §5', quote: 'Implementations MUST ignore unknown top-level envelope fields, ensuring forward compatibility as the protocol evolves.' },
    ] },
  { id: 'ENV-002', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends carries the protocol version field `arcp` with the value "1.1".',
    quotes: [
      { section: '1.0 §5.1', quote: '`arcp` (string, REQUIRED): Protocol version.' },
    ] },
  { id: 'ENV-003', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends is one JSON object in a WebSocket text frame with a non-empty string `id`, a string `type` and an object `payload`.',
    quotes: [
      { section: '1.0 §5.1', quote: '`id` (string, REQUIRED): Per-message unique identifier.' },
      { section: '1.0 §5.1', quote: '`type` (string, REQUIRED): The message type.' },
      { section: '1.0 §5.1', quote: '`payload` (object, REQUIRED): Type-specific message body.' },
      { section: '1.0 §4.1', quote: 'For network-reachable runtimes, ARCP messages MUST be carried over WebSocket [RFC6455] using text frames containing JSON payloads.' },
    ] },
  { id: 'ENV-004', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends after session.welcome carries a `session_id` equal to the id of the session it belongs to.',
    quotes: [
      SESSION_ID_FIELD,
    ] },
  { id: 'ENV-005', section: '1.1 §8.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job.event, job.result and job.error frame carries the envelope `job_id` of the job it belongs to.',
    quotes: [
      { section: '1.1 §8.1', quote: 'Each event is a JSON object with `type`, `session_id`, `job_id`, `event_seq`, and `payload` fields.' },
      { section: '1.0 §5.1', quote: '`job_id` (string, REQUIRED when applicable): Identifies the job for job-scoped messages.' },
    ] },

  // AUTH: authentication (1.1 §6.1, 1.0 §6.1)
  { id: 'AUTH-001', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A session.hello without a bearer token is answered with session.error and a transport close, never with session.welcome (the error\'s code: ERR-009).',
    quotes: [
      HELLO_REJECTS_BAD_TOKEN,
    ] },
  { id: 'AUTH-002', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A session.hello with an invalid bearer token is answered with session.error and a transport close, never with session.welcome (the error\'s code: ERR-009).',
    quotes: [
      HELLO_REJECTS_BAD_TOKEN,
    ] },
  { id: 'AUTH-003', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Frames other than session.hello received before a successful welcome are never acted on (no job is created); the server may answer them with an error or drop them silently.',
    quotes: [
      { section: '1.0 §6.1', quote: 'The client authenticates by presenting a bearer token in the `session.hello` payload.' },
      HELLO_REJECTS_BAD_TOKEN,
      { section: '1.0 §5.1', quote: '`session_id` (string, REQUIRED after welcome): Identifies the session. Absent only on `session.hello` and the corresponding `session.welcome`.' },
    ] },
  { id: 'AUTH-004', section: '1.1 §6.6', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume authenticated as a principal other than the session\'s own gets no welcome for that session, whatever resume token it presents (the session would reveal that principal\'s jobs).',
    quotes: [
      NO_JOB_LEAK,
      { section: '1.0 §14', quote: 'The `resume_token` is a session credential.' },
    ] },

  // HELLO: hello / welcome & feature negotiation (1.1 §6.2, 1.0 §6.2)
  { id: 'HELLO-001', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A valid session.hello is answered first with session.welcome carrying a new `session_id` distinct from every other session\'s.',
    quotes: [
      WELCOME_RESPONDS,
      { section: '1.0 §3.1', quote: 'Runtime responds with `session.welcome`, assigning a `session_id` and `resume_token`.' },
      { section: '1.0 §6.2', quote: 'The runtime MUST issue a `resume_token` opaque to the client.' },
      RESUMABLE_FOR_WINDOW,
      SESSION_ID_FIELD,
    ] },
  { id: 'HELLO-002', section: '1.0 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'session.welcome carries a non-empty opaque string `resume_token`.',
    quotes: [
      { section: '1.0 §6.2', quote: 'The runtime MUST issue a `resume_token` opaque to the client.' },
    ] },
  { id: 'HELLO-003', section: '1.1 §6.2', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'session.welcome lists the features the runtime accepts as a string array in `capabilities.features`.',
    quotes: [
      WELCOME_RESPONDS,
    ] },
  { id: 'HELLO-004', section: '1.1 §6.2', level: 'SHOULD', features: HB, observable: true, needsAgent: false,
    text: 'When heartbeat is negotiated, session.welcome carries a positive number `heartbeat_interval_sec`.',
    quotes: [
      WELCOME_RESPONDS,
      { section: '1.1 §6.4', quote: 'The receiver MUST respond promptly (within `heartbeat_interval_sec`) with `session.pong`:' },
    ] },
  { id: 'HELLO-005', section: '1.1 §6.2', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'The server answers a hello offering feature names it does not know with a welcome, leaving those names out of the effective feature set (using a feature outside it: HB-005, EVT-008, CHUNK-006, CRED-009).',
    quotes: [
      { section: '1.1 §6.2', quote: '`session.hello` carries a `features` capability list so the runtime can detect what the client supports and adapt:' },
      { section: '1.1 §6.2', quote: 'The effective feature set is the intersection of `session.hello` features and `session.welcome` features. Either peer MUST NOT use a feature outside that intersection.' },
    ] },

  // RESUME: session resume (1.1 §6.3, 1.0 §6.2-6.3)
  { id: 'RESUME-001', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume presenting the current resume_token within resume_window_sec of the session\'s last message, even after an abrupt drop, gets a session.welcome reusing the original session_id.',
    quotes: [
      { section: '1.0 §6.3', quote: 'Issues a new `session.welcome` reusing the original `session_id` and a fresh `resume_token`.' },
      RESUMABLE_FOR_WINDOW,
    ] },
  { id: 'RESUME-002', section: '1.1 §6.3', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'Every successful welcome, including one answering a resume, carries a fresh resume_token different from every earlier token of the session.',
    quotes: [
      { section: '1.1 §6.3', quote: 'The resume token rotates on every successful welcome.' },
      { section: '1.0 §6.3', quote: 'Issues a new `session.welcome` reusing the original `session_id` and a fresh `resume_token`.' },
    ] },
  { id: 'RESUME-003', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'On resume the server replays, unchanged and each exactly once, every job.event, job.result and job.error with event_seq above the presented last_event_seq, and none at or below it.',
    quotes: [
      { section: '1.0 §6.3', quote: 'Replays all `job.event`, `job.result`, and `job.error` messages with `event_seq > 1827` that are still within the buffer window.' },
      RESUME_REPLAYS_ALL,
    ] },
  { id: 'RESUME-004', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After the replay the server resumes live delivery, so each job still running delivers all its remaining events and its terminal to the resumed session.',
    quotes: [
      { section: '1.0 §6.3', quote: 'Resumes live streaming of events.' },
      RESUME_REPLAYS_ALL,
    ] },
  { id: 'RESUME-005', section: '1.1 §6.3', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume after the window has elapsed, or whose last_event_seq the buffer no longer covers, gets session.error RESUME_WINDOW_EXPIRED and a close, never a welcome or a replay with a gap.',
    quotes: [
      { section: '1.1 §6.3', quote: '`RESUME_WINDOW_EXPIRED` is returned if the buffer no longer covers the requested `last_event_seq`.' },
      { section: '1.0 §6.3', quote: 'If `last_event_seq` is older than the buffer window, the runtime MUST respond with `session.error` containing `{"code": "RESUME_WINDOW_EXPIRED"}` and close the transport.' },
    ] },
  { id: 'RESUME-006', section: '1.0 §14', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume presenting a wrong resume_token is rejected (session.error or transport close) and never re-attaches the session.',
    quotes: [
      { section: '1.0 §14', quote: 'The `resume_token` is a session credential. Disclosure permits an attacker to hijack a session in progress.' },
      HELLO_REJECTS_BAD_TOKEN,
    ] },

  // HB: heartbeats (1.1 §6.4)
  { id: 'HB-001', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: false,
    text: 'The server answers session.ping with session.pong whose `ping_nonce` equals the ping\'s `nonce`, within heartbeat_interval_sec.',
    quotes: [
      { section: '1.1 §6.4', quote: 'The receiver MUST respond promptly (within `heartbeat_interval_sec`) with `session.pong`:' },
    ] },
  { id: 'HB-002', section: '1.1 §6.4', level: 'SHOULD', features: HB, observable: true, needsAgent: false,
    text: 'While heartbeat is negotiated the server sends at least one frame in every heartbeat interval, a session.ping when otherwise idle.',
    quotes: [
      { section: '1.1 §6.4', quote: 'When negotiated, both peers SHOULD ensure at least one message flows in each direction per `heartbeat_interval_sec`. An idle peer sends `session.ping`:' },
    ] },
  { id: 'HB-003', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: true,
    text: 'The server never terminates a job because its session\'s heartbeat was lost: the job keeps running and the session stays resumable.',
    quotes: [
      { section: '1.1 §6.4', quote: 'The runtime MUST NOT terminate jobs on heartbeat loss; the session continues to exist for the resume window.' },
    ] },
  { id: 'HB-004', section: '1.1 §6.4', level: 'MAY', features: HB, observable: true, needsAgent: false,
    text: 'After two consecutive heartbeat intervals without any frame from the client the server may close the transport, surfacing HEARTBEAT_LOST.',
    quotes: [
      { section: '1.1 §6.4', quote: 'A peer that observes no messages (of any kind) from its counterpart for two consecutive intervals MAY treat the connection as dead, close the transport, and surface `HEARTBEAT_LOST`.' },
    ] },
  { id: 'HB-005', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'When heartbeat is not negotiated the server sends no session.ping.',
    quotes: [
      FEATURE_INTERSECTION,
    ] },

  // ACK: event acknowledgement & back-pressure (1.1 §6.5)
  { id: 'ACK-001', section: '1.1 §6.5', level: 'SHOULD', features: ACK, observable: true, needsAgent: false,
    text: 'The server accepts session.ack silently, without an error reply.',
    quotes: [
      { section: '1.1 §6.5', quote: 'The client MAY periodically inform the runtime of its highest processed event sequence:' },
      { section: '1.1 §6.5', quote: '`session.ack` is purely advisory.' },
    ] },
  { id: 'ACK-002', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: false, needsAgent: false,
    text: 'The server keeps events the client has not acknowledged buffered, even past the resume window, unless memory or buffer-count limits force eviction.',
    quotes: [
      { section: '1.1 §6.5', quote: 'MUST NOT free events the client has not yet acknowledged, even if the resume window has elapsed, unless memory or buffer-count limits force eviction.' },
    ] },
  { id: 'ACK-003', section: '1.1 §6.5', level: 'MAY', features: ACK, observable: false, needsAgent: false,
    text: 'The server may free buffered events at or below the acknowledged seq before the resume window ends.',
    quotes: [
      { section: '1.1 §6.5', quote: 'MAY free buffered events with `seq ≤ last_processed_seq` earlier than the time-based resume window would.' },
    ] },
  { id: 'ACK-004', section: '1.1 §6.5', level: 'MAY', features: ACK, observable: true, needsAgent: true,
    text: 'The server may signal a slow consumer with a status event whose body.phase is "back_pressure", inside the session\'s normal event_seq.',
    quotes: [
      { section: '1.1 §6.5', quote: 'MAY use the lag between the latest emitted seq and `last_processed_seq` to detect slow consumers and emit implementation-defined back-pressure signals (e.g., a `status` event with `phase: "back_pressure"`).' },
    ] },
  { id: 'ACK-005', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: true, needsAgent: true,
    text: 'Acknowledgements never change resume: it replays exactly the events after the presented last_event_seq, whatever was acked, or fails with RESUME_WINDOW_EXPIRED.',
    quotes: [
      { section: '1.1 §6.5', quote: 'Resume continues to require the client to present `last_event_seq` independently; the runtime does not assume an unacknowledged event is unreceived.' },
      RESUME_REPLAYS_ALL,
    ] },

  // LIST: job listing (1.1 §6.6)
  { id: 'LIST-001', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: false,
    text: 'The server answers session.list_jobs with session.jobs carrying a `jobs` array, a `next_cursor` that is a string when another page follows (null or absent otherwise), and a `request_id` equal to the request\'s envelope id.',
    quotes: [
      LIST_RESPONDS,
      { section: '1.1 §6.6', quote: '"request_id": "01J...", "jobs": [' },
    ] },
  { id: 'LIST-002', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'The server never lists, or otherwise reveals the existence of, a job to a principal not authorized to observe it.',
    quotes: [
      NO_JOB_LEAK,
    ] },
  { id: 'LIST-003', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'A listing includes every job submitted in the current session that matches the filter.',
    quotes: [
      { section: '1.1 §6.6', quote: 'Scope: the runtime returns jobs the session\'s authenticated principal is permitted to observe. Typically: jobs submitted by this principal.' },
    ] },
  { id: 'LIST-004', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'Each listed job carries its `job_id` and a `status` from pending, running, success, error, cancelled and timed_out.',
    quotes: [
      LIST_RESPONDS,
      TERMINAL_STATES,
      { section: '1.1 §6.6', quote: '"job_id": "job_01JABC...", "agent": "code-refactor@2.0.0", "status": "running",' },
    ] },
  { id: 'LIST-005', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'Every job in a filtered listing matches all given filter fields (status set, agent, created_after).',
    quotes: [
      { section: '1.1 §6.6', quote: 'All `filter` fields are optional.' },
    ] },
  { id: 'LIST-006', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'Each page holds at most `limit` jobs, and following `next_cursor` until it is null or absent yields every matching job exactly once.',
    quotes: [
      LIST_RESPONDS,
      { section: '1.1 §6.6', quote: '"limit": 100, "cursor": null' },
      { section: '1.1 §6.6', quote: '"next_cursor": null' },
    ] },
  { id: 'LIST-007', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'A finished job stays listed, with its terminal status, at least while its events are within the resume window.',
    quotes: [
      { section: '1.1 §6.6', quote: 'Scope: the runtime returns jobs the session\'s authenticated principal is permitted to observe.' },
    ] },
  { id: 'LIST-008', section: '1.1 §6.6', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.cancel or job.subscribe naming a job another principal may not observe gets the same answer (type and code, or silence) as one naming a job id that does not exist.',
    quotes: [
      NO_JOB_LEAK,
    ] },

  // CLOSE: session close (1.1 §6.7, 1.0 §6.4)
  { id: 'CLOSE-001', section: '1.1 §6.7', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'The server answers session.close with session.closed rather than only closing the transport.',
    quotes: [
      { section: '1.1 §6.7', quote: 'The runtime acknowledges with `session.closed`.' },
    ] },
  { id: 'CLOSE-002', section: '1.1 §6.7', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Closing a session does not affect its in-flight jobs: they keep running to their own terminal.',
    quotes: [
      { section: '1.1 §6.7', quote: 'In-flight jobs are not affected; they continue running and remain resumable within the resume window.' },
    ] },
  { id: 'CLOSE-003', section: '1.1 §6.7', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After session.close the session\'s jobs remain resumable: a resume within the window delivers their remaining events and terminals.',
    quotes: [
      { section: '1.1 §6.7', quote: 'In-flight jobs are not affected; they continue running and remain resumable within the resume window.' },
      RESUMABLE_FOR_WINDOW,
    ] },
  { id: 'CLOSE-004', section: '1.0 §6.4', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'The server accepts session.bye as a clean close: it replies with no error and sends no further ARCP frames on that transport.',
    quotes: [
      { section: '1.0 §6.4', quote: 'After `session.bye`, no further ARCP messages MUST be sent on the transport.' },
    ] },

  // JOB: submission & acceptance (1.1 §7.1, 1.0 §7.1, §11)
  { id: 'JOB-001', section: '1.1 §7.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A valid job.submit for an available agent is answered with job.accepted carrying a string `job_id` and the effective `lease` object.',
    quotes: [
      ACCEPTED_ECHOES,
      { section: '1.0 §3.1', quote: 'Runtime responds with `job.accepted` carrying a `job_id`.' },
      { section: '1.0 §11', quote: 'If absent, the runtime MUST generate one and include it in `job.accepted.payload.trace_id`.' },
      { section: '1.0 §7.1', quote: 'The runtime MAY reduce the requested lease (e.g., because the bearer token\'s authorization caps it) but MUST NOT silently expand it. The effective lease appears in `job.accepted.payload.lease`.' },
    ] },
  { id: 'JOB-002', section: '1.0 §7.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The effective lease in job.accepted may narrow the lease_request but never grants a capability or pattern beyond it.',
    quotes: [
      { section: '1.0 §7.1', quote: 'The runtime MAY reduce the requested lease (e.g., because the bearer token\'s authorization caps it) but MUST NOT silently expand it.' },
    ] },
  { id: 'JOB-003', section: '1.0 §3.1', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'On the submitting session, job.accepted for a new job precedes every job.event, job.result and job.error of that job.',
    quotes: [
      { section: '1.0 §3.1', quote: 'Runtime responds with `job.accepted` carrying a `job_id`. 5. Runtime emits `job.event` messages as the job runs.' },
    ] },
  { id: 'JOB-004', section: '1.0 §11', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When job.submit carries no trace_id, job.accepted carries a generated W3C `trace_id`.',
    quotes: [
      { section: '1.0 §11', quote: 'If absent, the runtime MUST generate one and include it in `job.accepted.payload.trace_id`.' },
    ] },
  { id: 'JOB-005', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A job.submit naming an agent that is not registered is rejected with AGENT_NOT_AVAILABLE and creates no job.',
    quotes: [
      { section: '1.1 §12', quote: '| `AGENT_NOT_AVAILABLE` | Requested `agent` is not registered. |' },
    ] },

  // IDEM: idempotency (1.1 §7.2, 1.0 §7.2)
  { id: 'IDEM-001', section: '1.1 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.submit repeating an idempotency_key with identical parameters, from any session of the same principal, gets the same job.accepted payload (fields the drafts do not define aside) and job_id as the first.',
    quotes: [
      { section: '1.1 §7.2', quote: 'If `idempotency_key` is present on `job.submit`, the runtime MUST return the same `job.accepted` payload for any subsequent submission with the same key and identical parameters.' },
      { section: '1.0 §7.2', quote: 'Two `job.submit` messages with the same `(session.auth.principal, idempotency_key)` within an implementation-defined window (default 24 hours) MUST resolve to the same `job_id`.' },
    ] },
  { id: 'IDEM-002', section: '1.1 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A reused idempotency_key with a different agent or input is rejected with DUPLICATE_KEY and starts no new job.',
    quotes: [
      { section: '1.1 §7.2', quote: 'A reused key with conflicting parameters returns `DUPLICATE_KEY`.' },
      { section: '1.0 §7.2', quote: 'Submitting a job with an `idempotency_key` that matches a prior job but with a *different* `agent` or materially different `input` MUST result in error `DUPLICATE_KEY`.' },
    ] },
  { id: 'IDEM-003', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeat submission while the job runs returns the existing job_id and then streams that job\'s further events to the resubmitting session.',
    quotes: [
      { section: '1.0 §7.2', quote: 'If the prior job is still running, the runtime MUST return the existing `job_id` and begin streaming current events.' },
    ] },
  { id: 'IDEM-004', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeat submission after the job ended returns the existing job_id and delivers the job\'s terminal to a session that has not yet received it.',
    quotes: [
      TERMINAL_REPLAY,
    ] },
  { id: 'IDEM-005', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The same idempotency_key from a different principal never returns the other principal\'s job nor a DUPLICATE_KEY that reveals it.',
    quotes: [
      { section: '1.0 §7.2', quote: 'Two `job.submit` messages with the same `(session.auth.principal, idempotency_key)` within an implementation-defined window (default 24 hours) MUST resolve to the same `job_id`.' },
      NO_JOB_LEAK,
    ] },

  // LIFE: lifecycle & terminals (1.1 §7.3, 1.0 §7.3)
  { id: 'LIFE-001', section: '1.1 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job a session submitted or subscribed to reaches exactly one terminal frame (job.result or job.error) in that session, live and in resume replays together, beside the replay a resubmission of its idempotency_key asks for.',
    quotes: [
      TERMINAL_STATES,
      TERMINAL_REPLAY,
    ] },
  { id: 'LIFE-002', section: '1.1 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After a job\'s terminal frame the server sends no further job.event, job.result or job.error for that job in that session, beside the terminal a resubmission of its idempotency_key replays.',
    quotes: [
      TERMINAL_STATES,
      TERMINAL_REPLAY,
    ] },
  { id: 'LIFE-003', section: '1.0 §7.3', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'job.result carries final_status "success", and job.error carries final_status "error", "cancelled" or "timed_out".',
    quotes: [
      { section: '1.0 §7.3', quote: 'The terminal events `job.result` (success) and `job.error` (failure/cancelled/timed_out) carry a `final_status` field distinguishing the terminal state.' },
    ] },
  { id: 'LIFE-004', section: '1.1 §7.3', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Once a job is terminal its status never changes: later listings and job.subscribed report the final_status of its terminal.',
    quotes: [
      TERMINAL_STATES,
    ] },
  { id: 'LIFE-005', section: '1.1 §7.3', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'A job that exceeds its max_runtime_sec ends with job.error code TIMEOUT and final_status "timed_out".',
    quotes: [
      TERMINAL_STATES,
      { section: '1.1 §12', quote: '| `TIMEOUT` | Job exceeded `max_runtime_sec`. |' },
    ] },
  { id: 'LIFE-006', section: '1.0 §1.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An abrupt transport drop never ends a job: it keeps running server-side until its own terminal.',
    quotes: [
      { section: '1.0 §1.2', quote: 'ARCP requires that the runtime survive transport drops;' },
      { section: '1.1 §6.4', quote: 'The runtime MUST NOT terminate jobs on heartbeat loss; the session continues to exist for the resume window.' },
    ] },
  { id: 'LIFE-007', section: '1.0 §7.3', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'A job whose agent fails ends with a job.error carrying final_status "error", a code and a message.',
    quotes: [
      { section: '1.0 §7.3', quote: 'The terminal events `job.result` (success) and `job.error` (failure/cancelled/timed_out) carry a `final_status` field distinguishing the terminal state.' },
    ] },

  { id: 'LIFE-008', section: '1.1 §8.4', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'A job.result without result_id carries its inline result in the payload field `result`, the one name clients can rely on (the drafts name none).',
    quotes: [
      { section: '1.1 §8.4', quote: 'When `result_id` is absent, the result is inline in the payload.' },
    ] },

  // CANCEL: cancellation (1.1 §7.4, §7.6, §14; 1.0 §7.4)
  { id: 'CANCEL-001', section: '1.1 §7.4', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'The server acknowledges job.cancel for a live job with job.cancelled, sent before that job\'s terminal.',
    quotes: [
      CANCEL_ACKNOWLEDGED,
    ] },
  { id: 'CANCEL-002', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A cancelled live job ends with exactly one job.error with code CANCELLED and final_status "cancelled".',
    quotes: [
      CANCEL_ACKNOWLEDGED,
      CANCEL_WITHIN_GRACE,
    ] },
  { id: 'CANCEL-003', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeated job.cancel for the same job produces no second terminal for it.',
    quotes: [
      { section: '1.1 §7.4', quote: 'The submitting session MAY send `job.cancel` at any time for a non-terminal job.' },
      CANCEL_WITHIN_GRACE,
    ] },
  { id: 'CANCEL-004', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.cancel for an already terminal job emits no new terminal for it (a changed status in later listings is LIFE-004).',
    quotes: [
      { section: '1.1 §7.4', quote: 'The submitting session MAY send `job.cancel` at any time for a non-terminal job.' },
      TERMINAL_REPLAY,
    ] },
  { id: 'CANCEL-005', section: '1.0 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The cancel terminal arrives within a bounded grace period (30 s by default) even when the agent ignores the cancel.',
    quotes: [
      CANCEL_WITHIN_GRACE,
    ] },
  { id: 'CANCEL-006', section: '1.1 §7.6', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.cancel from a session of a principal other than the submitter leaves the job running, and any answer to it is the one a job_id that does not exist would get.',
    quotes: [
      { section: '1.1 §7.6', quote: 'Cancellation is reserved for the session that submitted the job.' },
      NO_JOB_LEAK,
    ] },
  { id: 'CANCEL-007', section: '1.1 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Subscribing confers no cancel authority: a job.cancel from a subscribed session of another principal leaves the job running, whether or not the server answers it.',
    quotes: [
      { section: '1.1 §14', quote: 'Subscription MUST NOT confer cancel authority.' },
    ] },
  { id: 'CANCEL-008', section: '1.1 §7.7', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A session that resumed keeps cancel authority over the jobs it submitted before the drop.',
    quotes: [
      { section: '1.1 §7.7', quote: '| Carries cancel authority | Yes | No |' },
      CANCEL_WITHIN_GRACE,
    ] },

  // VER: agent versioning (1.1 §7.5)
  { id: 'VER-001', section: '1.1 §7.5', level: 'SHOULD', features: VER, observable: true, needsAgent: false,
    text: 'With agent_versions negotiated, each entry of the welcome\'s capabilities.agents is an object with `name`, a `versions` array and, if advertised, a `default` version.',
    quotes: [
      { section: '1.1 §7.5', quote: 'A bare `name` resolves to the `default` version advertised in `session.welcome.payload.capabilities.agents`.' },
      WELCOME_RESPONDS,
    ] },
  { id: 'VER-002', section: '1.1 §7.5', level: 'SHOULD', features: VER, observable: true, needsAgent: true,
    text: 'A bare agent name resolves to the advertised default version, shown as name@default in job.accepted.',
    quotes: [
      { section: '1.1 §7.5', quote: 'A bare `name` resolves to the `default` version advertised in `session.welcome.payload.capabilities.agents`.' },
      { section: '1.1 §7.5', quote: 'The resolved version appears in `job.accepted.payload` and in listings as `agent: "name@version"`.' },
    ] },
  { id: 'VER-003', section: '1.1 §7.5', level: 'SHOULD', features: VER, observable: true, needsAgent: true,
    text: 'A submission naming name@version runs exactly that version, shown as name@version in job.accepted.',
    quotes: [
      { section: '1.1 §7.5', quote: '`name@version` requests an exact version.' },
      { section: '1.1 §7.5', quote: 'The resolved version appears in `job.accepted.payload` and in listings as `agent: "name@version"`.' },
    ] },
  { id: 'VER-004', section: '1.1 §7.5', level: 'SHOULD', features: VER, observable: true, needsAgent: false,
    text: 'A submission naming a registered agent with a version it does not offer is rejected with AGENT_VERSION_NOT_AVAILABLE.',
    quotes: [
      { section: '1.1 §7.5', quote: 'If unavailable, the runtime returns `AGENT_VERSION_NOT_AVAILABLE`.' },
    ] },
  { id: 'VER-005', section: '1.1 §12', level: 'SHOULD', features: VER, observable: true, needsAgent: false,
    text: 'A submission naming an unregistered agent with a version suffix is rejected with AGENT_NOT_AVAILABLE, not AGENT_VERSION_NOT_AVAILABLE.',
    quotes: [
      { section: '1.1 §12', quote: '| `AGENT_VERSION_NOT_AVAILABLE` | Agent name resolved but requested version unavailable. |' },
    ] },
  { id: 'VER-006', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: true,
    text: 'A job\'s resolved agent version never changes: every listing and job.subscribed that shows the job\'s agent shows the same value for the whole life of the job.',
    quotes: [
      { section: '1.1 §7.5', quote: 'Once resolved, a job\'s agent version is fixed; the runtime MUST NOT migrate a running job to a different version.' },
    ] },

  // SUB: subscription (1.1 §7.6, §14)
  { id: 'SUB-001', section: '1.1 §7.6', level: 'SHOULD', features: SUB, observable: true, needsAgent: true,
    text: 'A permitted job.subscribe is answered with job.subscribed carrying `job_id`, `current_status`, `agent` and `lease`.',
    quotes: [
      { section: '1.1 §7.6', quote: 'The `job.subscribed` payload is the subscriber\'s **authority descriptor** for the job' },
    ] },
  { id: 'SUB-002', section: '1.1 §7.6', level: 'SHOULD', features: SUB, observable: true, needsAgent: true,
    text: 'job.subscribed echoes the job\'s `lease_constraints` when it has them and carries the current `budget` counters when cost.budget is in its lease.',
    quotes: [
      { section: '1.1 §7.6', quote: '`lease_constraints` (OPTIONAL) — echoed when present, currently `expires_at` (§9.5).' },
      { section: '1.1 §7.6', quote: '`budget` (OPTIONAL) — the **current** per-currency counters at subscription time (§9.6), present when `cost.budget` is in the lease.' },
    ] },
  { id: 'SUB-003', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'With history true the server replays the job\'s buffered events after from_event_seq, each once and in production order, before live events.',
    quotes: [
      { section: '1.1 §7.6', quote: 'If specified along with `history: true`, the runtime replays buffered events with `seq > from_event_seq` before resuming live streaming.' },
      PER_JOB_ORDER,
    ] },
  { id: 'SUB-004', section: '1.1 §7.6', level: 'SHOULD', features: SUB, observable: true, needsAgent: true,
    text: 'With history absent or false the subscriber receives only events the job emits after job.subscribed, with no replay.',
    quotes: [
      { section: '1.1 §7.6', quote: 'If `false`, the client only sees events emitted after subscription is acknowledged.' },
    ] },
  { id: 'SUB-005', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Across the switch from history replay to live delivery each event of the job reaches the subscriber exactly once, none missing.',
    quotes: [
      { section: '1.1 §7.6', quote: 'If specified along with `history: true`, the runtime replays buffered events with `seq > from_event_seq` before resuming live streaming.' },
      PER_JOB_ORDER,
    ] },
  { id: 'SUB-006', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Events forwarded to a subscriber carry the subscriber\'s session_id and event_seq numbers from the subscriber session\'s own sequence.',
    quotes: [
      { section: '1.1 §7.6', quote: 'After subscription, `job.event` messages for the subscribed job appear in the session\'s stream interleaved with other jobs\' events, using the session\'s normal `event_seq` space.' },
      SESSION_ID_FIELD,
      EVENT_SEQ_FIELD,
    ] },
  { id: 'SUB-007', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'A job.subscribe the principal is not authorized for is refused, with PERMISSION_DENIED (or JOB_NOT_FOUND, which reveals nothing) if answered, and delivers none of the job\'s events.',
    quotes: [
      { section: '1.1 §7.6', quote: 'Authorization: the runtime MUST verify the subscribing session\'s principal is permitted to observe the target job.' },
      { section: '1.1 §7.6', quote: 'Unauthorized subscription returns `PERMISSION_DENIED`.' },
    ] },
  { id: 'SUB-008', section: '1.1 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'By default only the submitting principal may subscribe: another principal\'s job.subscribe is refused unless policy was explicitly broadened.',
    quotes: [
      { section: '1.1 §14', quote: 'Runtimes MUST default to "same principal only" and require explicit policy configuration to broaden it.' },
    ] },
  { id: 'SUB-009', section: '1.1 §14', level: 'SHOULD', features: SUB, observable: false, needsAgent: false,
    text: 'The server logs every job.subscribe with subscriber principal, target job, target principal and policy decision.',
    quotes: [
      { section: '1.1 §14', quote: 'Every `job.subscribe` SHOULD be logged with subscriber principal, target job, target principal, and policy decision.' },
    ] },

  // EVT: event kinds & bodies, progress (1.1 §8.1-8.2, 1.0 §8.1-8.2)
  { id: 'EVT-001', section: '1.1 §8.1', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Every job.event payload carries a string `kind` and an object `body`.',
    quotes: [
      { section: '1.1 §8.1', quote: 'The `payload` carries a `kind` discriminator and a `body` object whose shape is kind-specific.' },
    ] },
  { id: 'EVT-002', section: '1.0 §8.1', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Every job.event payload carries `ts`, an ISO 8601 timestamp of when the event was produced.',
    quotes: [
      { section: '1.0 §8.1', quote: '"kind": "<event kind>", "ts": "2026-05-13T19:42:13.842Z",' },
    ] },
  { id: 'EVT-003', section: '1.0 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every event of a defined kind the agent emits reaches each session receiving the job once, with its kind and body fields unchanged.',
    quotes: [
      PER_JOB_ORDER,
    ] },
  { id: 'EVT-004', section: '1.1 §8.2', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Events carry their kind\'s required body fields: log {level, message}, thought {text}, tool_call {tool, args, call_id}, tool_result {call_id, result or error}, status {phase}, metric {name, value}, artifact_ref {uri, content_type}.',
    quotes: [
      { section: '1.1 §8.2', quote: 'The following event `kind` values are defined:' },
      { section: '1.1 §8.2', quote: '| `log` | `{ level, message }` |' },
      { section: '1.1 §8.2', quote: '| `status` | `{ phase, message? }` |' },
    ] },
  { id: 'EVT-005', section: '1.0 §8.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An agent event of an unknown vendor kind (x-...) neither errors the session nor ends the job.',
    quotes: [
      { section: '1.0 §8.2', quote: 'Implementations MAY define additional event kinds in a vendor namespace (`x-vendor.kind`). Receivers MUST ignore unknown kinds rather than erroring.' },
    ] },
  { id: 'EVT-006', section: '1.1 §8.2.1', level: 'MUST', features: PROG, observable: true, needsAgent: true,
    text: 'progress events carry a non-negative number `current`, and `total`, when present, is a number.',
    quotes: [
      { section: '1.1 §8.2.1', quote: '`current` MUST be a non-negative number.' },
    ] },
  { id: 'EVT-007', section: '1.1 §8.2.1', level: 'SHOULD', features: PROG, observable: true, needsAgent: true,
    text: 'In progress events that carry `total`, `current` does not exceed `total`.',
    quotes: [
      { section: '1.1 §8.2.1', quote: 'If `total` is present, `current` SHOULD be ≤ `total`.' },
    ] },
  { id: 'EVT-008', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When progress is not negotiated the server sends no progress events.',
    quotes: [
      FEATURE_INTERSECTION,
    ] },

  // SEQ: ordering & sequence numbers (1.1 §8.3, 1.0 §5.1, §8.3)
  { id: 'SEQ-001', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job.event, job.result and job.error carries an integer `event_seq`.',
    quotes: [
      EVENT_SEQ_FIELD,
    ] },
  { id: 'SEQ-002', section: '1.1 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Within a session each job.event, job.result or job.error has event_seq exactly one above the previous one, across own and subscribed jobs and under concurrent emitters.',
    quotes: [
      { section: '1.1 §8.3', quote: 'Sequence numbers are session-scoped, strictly monotonic, and gap-free across reconnects within the buffer window.' },
      EVENT_SEQ_FIELD,
    ] },
  { id: 'SEQ-003', section: '1.0 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Events of one job, and of each concurrent branch within it, reach the session in the order they were produced.',
    quotes: [
      PER_JOB_ORDER,
    ] },
  { id: 'SEQ-004', section: '1.1 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Across a resume the sequence stays gap-free: replayed then live events continue the +1 chain with no gap, repeat or restart.',
    quotes: [
      { section: '1.1 §8.3', quote: 'Sequence numbers are session-scoped, strictly monotonic, and gap-free across reconnects within the buffer window.' },
      RESUME_REPLAYS_ALL,
    ] },
  { id: 'SEQ-005', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: true,
    text: 'session.ping and session.pong consume no event_seq: job frames sent around them stay contiguous.',
    quotes: [
      { section: '1.1 §6.4', quote: 'Heartbeats are NOT included in `event_seq`.' },
      EVENT_SEQ_FIELD,
    ] },
  { id: 'SEQ-006', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: true, needsAgent: true,
    text: 'session.ack consumes no event_seq: job frames sent around it stay contiguous.',
    quotes: [
      { section: '1.1 §6.5', quote: '`session.ack` messages are not included in `event_seq`.' },
      EVENT_SEQ_FIELD,
    ] },
  { id: 'SEQ-007', section: '1.0 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Any other frame that carries event_seq takes part in the same strictly +1 sequence instead of repeating or skipping a number.',
    quotes: [
      { section: '1.0 §8.3', quote: '**Strictly monotonic**: `event_seq[n+1] > event_seq[n]` for any two consecutive messages from the runtime within a session.' },
      EVENT_SEQ_FIELD,
    ] },

  // CHUNK: result streaming (1.1 §8.4)
  { id: 'CHUNK-001', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'result_chunk bodies carry a string `result_id`, an integer `chunk_seq`, a string `data`, an `encoding` of utf8 or base64, and a boolean `more`.',
    quotes: [
      { section: '1.1 §8.4', quote: '`result_id` (REQUIRED): Stable identifier for the assembled result, generated by the runtime when the agent begins streaming.' },
      { section: '1.1 §8.4', quote: '`encoding` (REQUIRED): One of `utf8`, `base64`.' },
      { section: '1.1 §8.4', quote: '`more` (REQUIRED): `true` if additional chunks follow; `false` on the final chunk.' },
    ] },
  { id: 'CHUNK-002', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Chunks of one result_id are sent in chunk_seq order 0, 1, 2 and so on, with no gap or repeat.',
    quotes: [
      { section: '1.1 §8.4', quote: '`chunk_seq` (REQUIRED): 0-based monotonic chunk index per `result_id`. The chunks for one `result_id` MUST be emitted in order.' },
    ] },
  { id: 'CHUNK-003', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Exactly the last chunk of a result_id has `more` false, and no chunk of that result_id follows it.',
    quotes: [
      { section: '1.1 §8.4', quote: '`more` (REQUIRED): `true` if additional chunks follow; `false` on the final chunk.' },
    ] },
  { id: 'CHUNK-004', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Once a job has emitted a result_chunk, its job.result carries the streamed `result_id` and no inline result.',
    quotes: [
      { section: '1.1 §8.4', quote: 'Implementations MUST NOT mix inline result and `result_chunk` in the same job. Once a `result_chunk` is emitted, the terminating `job.result` MUST carry `result_id`.' },
    ] },
  { id: 'CHUNK-005', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Decoding and concatenating a result\'s chunks in chunk_seq order yields exactly the result the agent streamed.',
    quotes: [
      { section: '1.1 §8.4', quote: 'When `result_id` is present, the assembled result is the concatenation of the chunks\' decoded `data` in `chunk_seq` order.' },
      { section: '1.1 §8.4', quote: '`data` (REQUIRED): Chunk payload. Encoding is governed by `encoding`.' },
    ] },
  { id: 'CHUNK-006', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When result_chunk is not negotiated the server sends no result_chunk events.',
    quotes: [
      FEATURE_INTERSECTION,
    ] },

  // LEASE: lease enforcement & expiration (1.1 §9.1-9.5, §14; 1.0 §9, §10)
  { id: 'LEASE-001', section: '1.1 §7.1', level: 'SHOULD', features: EXP, observable: true, needsAgent: true,
    text: 'job.accepted echoes the submitted lease_constraints.expires_at.',
    quotes: [
      ACCEPTED_ECHOES,
    ] },
  { id: 'LEASE-002', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'A job.submit whose expires_at is not in the future is rejected with INVALID_REQUEST and creates no job.',
    quotes: [
      { section: '1.1 §9.5', quote: '`expires_at` is ISO 8601 with timezone, MUST be UTC (`Z` suffix), and MUST be in the future at submission time. Past or invalid values are rejected with `INVALID_REQUEST`.' },
    ] },
  { id: 'LEASE-003', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'A job.submit whose expires_at is not a valid ISO 8601 UTC timestamp with a Z suffix is rejected with INVALID_REQUEST and creates no job.',
    quotes: [
      { section: '1.1 §9.5', quote: '`expires_at` is ISO 8601 with timezone, MUST be UTC (`Z` suffix), and MUST be in the future at submission time. Past or invalid values are rejected with `INVALID_REQUEST`.' },
    ] },
  { id: 'LEASE-004', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'Operations against the lease attempted at or after expires_at fail with LEASE_EXPIRED, for example as a tool_result error.',
    quotes: [
      { section: '1.1 §9.5', quote: 'Operations attempted at or after `expires_at` MUST fail with `LEASE_EXPIRED`. The error is surfaced via the normal mechanism (e.g., as a `tool_result` event with the error code).' },
    ] },
  { id: 'LEASE-005', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'If the agent attempts an authority-bearing operation after expiry, the job ends with job.error code LEASE_EXPIRED and final_status "error".',
    quotes: [
      { section: '1.1 §9.5', quote: 'The runtime MUST emit `job.error` with code `LEASE_EXPIRED` and `final_status: "error"` if the job is still active when its lease expires and the agent attempts any further authority-bearing operation.' },
    ] },
  { id: 'LEASE-006', section: '1.1 §14', level: 'MUST', features: EXP, observable: false, needsAgent: false,
    text: 'The server evaluates expires_at against a monotonic, NTP-disciplined clock.',
    quotes: [
      { section: '1.1 §14', quote: 'Runtimes MUST evaluate `expires_at` against a monotonic, NTP-disciplined clock.' },
    ] },
  { id: 'LEASE-007', section: '1.1 §9.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An operation not covered by the effective lease fails with PERMISSION_DENIED before it is dispatched.',
    quotes: [
      { section: '1.1 §9.3', quote: 'An operation not covered by the lease MUST fail with `PERMISSION_DENIED`. Enforcement is synchronous and occurs before the operation is dispatched.' },
    ] },
  { id: 'LEASE-008', section: '1.1 §9.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A delegation whose child lease exceeds the parent\'s (capabilities, remaining budget, expires_at or models) is refused with LEASE_SUBSET_VIOLATION as a tool_result on the parent.',
    quotes: [
      { section: '1.1 §9.4', quote: 'A delegated lease MUST be a strict subset of the delegating lease.' },
      { section: '1.0 §10.2', quote: 'Failed validation MUST produce error `LEASE_SUBSET_VIOLATION` *as a `tool_result` event on the parent job*, not as a session-level error.' },
    ] },

  // BUDGET: budget capability (1.1 §9.6)
  { id: 'BUDGET-001', section: '1.1 §9.6', level: 'SHOULD', features: BUD, observable: true, needsAgent: true,
    text: 'job.accepted carries a `budget` counter for each budgeted currency, initialised to the budgeted amount.',
    quotes: [
      { section: '1.1 §9.6', quote: 'Each is a separate counter, initialized at the budgeted value at job acceptance.' },
      ACCEPTED_ECHOES,
    ] },
  { id: 'BUDGET-002', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'Each cost.* metric whose unit is a budgeted currency decrements that currency\'s counter by its value, and no other metric changes any counter.',
    quotes: [
      { section: '1.1 §9.6', quote: 'The runtime MUST decrement the matching counter by `value` on each such metric event.' },
    ] },
  { id: 'BUDGET-003', section: '1.1 §9.6', level: 'SHOULD', features: BUD, observable: true, needsAgent: true,
    text: 'A cost metric with a negative value is rejected and leaves every budget counter unchanged.',
    quotes: [
      { section: '1.1 §9.6', quote: 'Negative values are rejected and produce no decrement.' },
    ] },
  { id: 'BUDGET-004', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'Once any budget counter is at or below zero, every further operation through the lease fails with BUDGET_EXHAUSTED.',
    quotes: [
      { section: '1.1 §9.6', quote: 'If any counter is ≤ 0, the operation MUST fail with `BUDGET_EXHAUSTED`.' },
    ] },
  { id: 'BUDGET-005', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'A job ended by budget exhaustion ends with job.error code BUDGET_EXHAUSTED and final_status "error".',
    quotes: [
      { section: '1.1 §9.6', quote: 'If any counter is ≤ 0, the operation MUST fail with `BUDGET_EXHAUSTED`. The error MAY appear as a `tool_result` error (allowing the agent to handle it) or as `job.error` with `final_status: "error"` (if the runtime treats exhaustion as fatal).' },
      { section: '1.1 §7.3', quote: '`BUDGET_EXHAUSTED` and `LEASE_EXPIRED` errors both result in `final_status: "error"`.' },
    ] },
  { id: 'BUDGET-006', section: '1.1 §9.6', level: 'MAY', features: BUD, observable: true, needsAgent: true,
    text: 'The server may emit cost.budget.remaining metric events after material decrements.',
    quotes: [
      { section: '1.1 §9.6', quote: 'Runtimes MAY emit these `cost.budget.remaining` metrics proactively after material decrements, allowing clients to render budget gauges without summing every cost event.' },
    ] },

  // MODEL: model capability (1.1 §9.7)
  { id: 'MODEL-001', section: '1.1 §9.7', level: 'MUST', features: MOD, observable: true, needsAgent: true,
    text: 'An agent\'s invocation of a model that matches no model.use pattern of the lease is rejected with PERMISSION_DENIED.',
    quotes: [
      { section: '1.1 §9.7', quote: 'The runtime MUST reject any agent attempt to invoke a model whose identifier does not match at least one pattern. The rejection MUST surface as `PERMISSION_DENIED`.' },
    ] },
  { id: 'MODEL-002', section: '1.1 §9.7', level: 'MUST', features: MOD, observable: false, needsAgent: false,
    text: 'When configured to require model.use, the server treats a lease without it as forbidding every model invocation.',
    quotes: [
      { section: '1.1 §9.7', quote: 'A lease that does not name `model.use` MUST be treated as forbidding LLM invocation when the runtime is configured to require it; otherwise the runtime MAY allow any registered model.' },
    ] },

  // CRED: provisioned credentials (1.1 §9.8, §14)
  { id: 'CRED-001', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'Credentials are issued no later than job.accepted: none first appears in a later frame except through rotation.',
    quotes: [
      { section: '1.1 §9.8.2', quote: 'The runtime MUST issue credentials no later than `job.accepted` and MUST surface them only over the authenticated ARCP transport.' },
    ] },
  { id: 'CRED-002', section: '1.1 §9.8.1', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'Each credential carries a string `id`, `scheme`, `value` and `endpoint`.',
    quotes: [
      { section: '1.1 §9.8.1', quote: '`id` (REQUIRED): Stable identifier for the credential within the job.' },
      { section: '1.1 §9.8.1', quote: '`scheme` (REQUIRED): Authentication scheme.' },
      { section: '1.1 §9.8.1', quote: '`value` (REQUIRED): The credential material.' },
      { section: '1.1 §9.8.1', quote: '`endpoint` (REQUIRED): The base URL at which the credential is valid.' },
    ] },
  { id: 'CRED-003', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'A credential `value` is never reused across jobs.',
    quotes: [
      { section: '1.1 §9.8.2', quote: 'Credentials are scoped to a single job. The runtime MUST NOT reuse a credential `value` across jobs.' },
    ] },
  { id: 'CRED-004', section: '1.1 §14', level: 'MUST', features: ['provisioned_credentials', 'subscribe'], observable: true, needsAgent: true,
    text: 'job.subscribed carries `credentials` only when the subscribing principal is the job\'s submitter.',
    quotes: [
      { section: '1.1 §14', quote: 'Subscribers (§7.6) MUST NOT receive `credentials` from `job.accepted` they did not submit;' },
      { section: '1.1 §7.6', quote: 'per §14 the runtime MUST include `credentials` in `job.subscribed` (and `session.list_jobs`) solely when the subscribing principal is the job\'s original submitter, and MUST redact the field for every other authorized observer.' },
    ] },
  { id: 'CRED-005', section: '1.1 §14', level: 'MUST', features: ['provisioned_credentials', 'list_jobs'], observable: true, needsAgent: true,
    text: 'session.jobs entries carry `credentials` only when the listing principal is the job\'s submitter.',
    quotes: [
      { section: '1.1 §14', quote: 'runtimes MUST redact the field from any introspection surface (e.g., `session.list_jobs`) presented to a principal that is not the job\'s submitter.' },
    ] },
  { id: 'CRED-006', section: '1.1 §14', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'No credential value reaches, in any frame, a session of a principal other than the job\'s submitter.',
    quotes: [
      { section: '1.1 §14', quote: 'Subscribers (§7.6) MUST NOT receive `credentials` from `job.accepted` they did not submit; runtimes MUST redact the field from any introspection surface (e.g., `session.list_jobs`) presented to a principal that is not the job\'s submitter.' },
    ] },
  { id: 'CRED-007', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'A mid-job credential rotation is announced by a status event with phase "credential_rotated" whose body carries the credential `id` and the new `value`.',
    quotes: [
      { section: '1.1 §9.8.2', quote: 'On rotation it MUST emit a `status` event with `phase: "credential_rotated"` whose body carries the credential `id` and the new `value`; the prior `value` MUST be revoked promptly.' },
    ] },
  { id: 'CRED-008', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: false, needsAgent: false,
    text: 'The server revokes each credential at the upstream when its job reaches any terminal state, and revokes a rotated-out value promptly.',
    quotes: [
      { section: '1.1 §9.8.2', quote: 'The runtime MUST revoke each credential at the upstream when the job reaches a terminal state (`success`, `error`, `cancelled`, `timed_out`), regardless of how termination occurred.' },
    ] },
  { id: 'CRED-009', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When provisioned_credentials is not negotiated, job.accepted carries no `credentials`.',
    quotes: [
      FEATURE_INTERSECTION,
    ] },

  // ERR: error taxonomy & payloads (1.1 §12, 1.0 §12)
  { id: 'ERR-001', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'Every error payload (session.error, job.error, tool_result error) carries a string `code`, a string `message` and a boolean `retryable`, and `details`, if present, is an object.',
    quotes: [
      { section: '1.1 §12', quote: 'Error payloads carry a `retryable` boolean.' },
      { section: '1.0 §12', quote: 'Error payload shape:' },
    ] },
  { id: 'ERR-002', section: '1.0 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'Every session.error code, and every job.error code not reporting the agent\'s own business failure, is one of the 15 canonical codes.',
    quotes: [
      { section: '1.0 §12', quote: 'ARCP defines a closed set of canonical error codes for v1.0:' },
      { section: '1.0 §12', quote: 'only the codes above are protocol-canonical.' },
    ] },
  { id: 'ERR-003', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'LEASE_EXPIRED and BUDGET_EXHAUSTED errors carry retryable false.',
    quotes: [
      { section: '1.1 §12', quote: '`LEASE_EXPIRED` and `BUDGET_EXHAUSTED` MUST be returned with `retryable: false` — naive retry will fail identically.' },
    ] },
  { id: 'ERR-004', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'INTERNAL_ERROR errors carry retryable true, except one reporting an exceeded resource limit, which v1.0 §14 makes non-retryable.',
    quotes: [
      { section: '1.1 §12', quote: '| `INTERNAL_ERROR` | Unrecoverable runtime fault. Always retryable. |' },
      { section: '1.0 §14', quote: 'Exceeding limits MUST surface as `INTERNAL_ERROR` with a non-retryable signal, not silent truncation.' },
    ] },
  { id: 'ERR-005', section: '1.1 §7.3', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'A job.error\'s code and final_status agree: CANCELLED with "cancelled", TIMEOUT with "timed_out", and any other code with "error".',
    quotes: [
      CANCEL_ACKNOWLEDGED,
      { section: '1.1 §7.3', quote: '`BUDGET_EXHAUSTED` and `LEASE_EXPIRED` errors both result in `final_status: "error"`.' },
    ] },
  { id: 'ERR-006', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A malformed envelope is rejected with INVALID_REQUEST or closes the transport, a payload violating its message schema is rejected with INVALID_REQUEST, and neither creates a job.',
    quotes: [
      { section: '1.1 §12', quote: '| `INVALID_REQUEST` | Malformed envelope or schema violation. |' },
    ] },
  { id: 'ERR-007', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A job.subscribe naming a job_id that does not exist is rejected with JOB_NOT_FOUND; a job.cancel naming one is ignored or rejected with JOB_NOT_FOUND.',
    quotes: [
      { section: '1.1 §12', quote: '| `JOB_NOT_FOUND` | Referenced `job_id` does not exist or is not visible. |' },
    ] },
  { id: 'ERR-008', section: '1.0 §13.4', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A rejected request other than a failed hello or resume leaves the session open and usable.',
    quotes: [
      { section: '1.0 §13.4', quote: 'Lease violations are *not* session-fatal; they\'re routine error handling for an agent.' },
    ] },
  { id: 'ERR-009', section: '1.1 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A session.error refusing a hello for a missing or invalid bearer token carries code UNAUTHENTICATED.',
    quotes: [
      { section: '1.1 §12', quote: '| `UNAUTHENTICATED` | Missing or invalid authentication. |' },
      { section: '1.0 §12', quote: '| `UNAUTHENTICATED` | Missing or invalid authentication on `session.hello`. |' },
    ] },

  // SEC: security considerations (1.1 §14, 1.0 §14)
  { id: 'SEC-001', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'Network deployments carry ARCP only over TLS (wss://), never sending bearer tokens in the clear.',
    quotes: [
      { section: '1.0 §14', quote: 'Network deployments MUST use TLS [RFC8446]. Bearer tokens MUST NOT be transmitted over unencrypted transports.' },
    ] },
  { id: 'SEC-002', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server generates resume tokens with at least 128 bits of cryptographically random entropy.',
    quotes: [
      { section: '1.0 §14', quote: 'Runtimes MUST generate `resume_token` values with at least 128 bits of cryptographically random entropy.' },
    ] },
  { id: 'SEC-003', section: '1.0 §14', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The server canonicalises paths and URLs before lease evaluation, so `..` traversal or encoded characters cannot escape a pattern.',
    quotes: [
      { section: '1.0 §14', quote: 'Runtimes MUST canonicalize paths and URLs before lease evaluation.' },
    ] },
  { id: 'SEC-004', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server purges buffered events when the buffer window expires.',
    quotes: [
      BUFFERED_EVENTS,
    ] },
  { id: 'SEC-005', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server encrypts buffered events at rest when the deployment environment is untrusted.',
    quotes: [
      BUFFERED_EVENTS,
    ] },
  { id: 'SEC-006', section: '1.1 §14', level: 'SHOULD', features: CHUNK, observable: false, needsAgent: false,
    text: 'The server caps the size of each result chunk (about 1 MB) and of the total streamed result.',
    quotes: [
      { section: '1.1 §14', quote: 'Runtimes SHOULD cap individual chunk size (e.g., 1 MB) and total streamed result size.' },
    ] },
  { id: 'SEC-007', section: '1.1 §14', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Exceeding a chunk-size, result-size or per-session buffer limit surfaces as INTERNAL_ERROR, never as silent truncation.',
    quotes: [
      { section: '1.1 §14', quote: 'Exceeding either MUST result in `INTERNAL_ERROR`.' },
      { section: '1.0 §14', quote: 'Exceeding limits MUST surface as `INTERNAL_ERROR` with a non-retryable signal, not silent truncation.' },
    ] },

  // LEAK: resource leaks (1.1 §6.7, §14; 1.0 §14; audit ruby-subscription-leak-on-close)
  { id: 'LEAK-001', section: '1.0 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Once a closed or dropped session\'s resume window has passed, the server keeps nothing for its subscriptions: fan-out to it stops and memory no longer grows with the jobs\' events.',
    quotes: [
      BUFFERED_EVENTS,
    ] },
];

for (const r of REQUIREMENTS) Object.freeze(r);
Object.freeze(REQUIREMENTS);

const BY_ID: ReadonlyMap<string, Requirement> = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export const REQUIREMENT_IDS: ReadonlySet<string> = new Set(BY_ID.keys());

/** The requirement with this id; throws for an id the catalogue does not know. */
export function requirement(id: string): Requirement {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`Unknown requirement id "${id}" (catalogue ${CATALOGUE_VERSION})`);
  return r;
}

/** The area prefix of a requirement id, e.g. `SEQ` for `SEQ-002`; throws for a malformed id or unknown area. */
export function areaOf(id: string): string {
  const m = /^([A-Z]+)-\d{3}$/.exec(id);
  const prefix = m?.[1];
  if (prefix === undefined || !Object.hasOwn(AREAS, prefix)) {
    throw new Error(`Not a requirement id of a known area: "${id}"`);
  }
  return prefix;
}
