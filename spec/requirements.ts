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
// Conventions: `text` states what the SERVER does; MUST NOT counts as MUST and
// SHOULD NOT as SHOULD; `features` lists the negotiated flags without which the
// entry is N/A ([] = core, including entries about a feature NOT being negotiated);
// entries that are not observable on the wire have needsAgent false (moot).

import type { Feature } from './features.ts';
import type { Requirement } from './requirement-types.ts';

export const CATALOGUE_VERSION = '1.1.0-kit.1';

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

export const REQUIREMENTS: readonly Requirement[] = [
  // ENV: envelope & wire format (1.1 §5, 1.0 §4-5)
  { id: 'ENV-001', section: '1.1 §5', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'The server ignores unknown top-level envelope fields in client frames and processes the frame as if they were absent.' },
  { id: 'ENV-002', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends carries the protocol version field `arcp` with the value "1.1".' },
  { id: 'ENV-003', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends is one JSON object in a WebSocket text frame with a non-empty string `id`, a string `type` and an object `payload`.' },
  { id: 'ENV-004', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every frame the server sends after session.welcome carries a `session_id` equal to the id of the session it belongs to.' },
  { id: 'ENV-005', section: '1.1 §8.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job.event, job.result and job.error frame carries the envelope `job_id` of the job it belongs to.' },

  // AUTH: authentication (1.1 §6.1, 1.0 §6.1)
  { id: 'AUTH-001', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A session.hello without a bearer token is answered with session.error code UNAUTHENTICATED and a transport close, never with session.welcome.' },
  { id: 'AUTH-002', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A session.hello with an invalid bearer token is answered with session.error code UNAUTHENTICATED and a transport close, never with session.welcome.' },
  { id: 'AUTH-003', section: '1.0 §6.1', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Frames other than session.hello received before a successful welcome are rejected and never acted on (no job is created).' },

  // HELLO: hello / welcome & feature negotiation (1.1 §6.2, 1.0 §6.2)
  { id: 'HELLO-001', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A valid session.hello is answered first with session.welcome carrying a new `session_id` distinct from every other session\'s.' },
  { id: 'HELLO-002', section: '1.0 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'session.welcome carries a non-empty opaque string `resume_token`.' },
  { id: 'HELLO-003', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'session.welcome lists the features the runtime accepts as a string array in `capabilities.features`.' },
  { id: 'HELLO-004', section: '1.1 §6.2', level: 'MUST', features: HB, observable: true, needsAgent: false,
    text: 'When heartbeat is negotiated, session.welcome carries a positive number `heartbeat_interval_sec`.' },
  { id: 'HELLO-005', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'The server accepts unknown feature names in the hello and uses no feature outside the intersection of the hello and welcome feature lists.' },

  // RESUME: session resume (1.1 §6.3, 1.0 §6.2-6.3)
  { id: 'RESUME-001', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume presenting the current resume_token within resume_window_sec of the session\'s last message, even after an abrupt drop, gets a session.welcome reusing the original session_id.' },
  { id: 'RESUME-002', section: '1.1 §6.3', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every successful welcome, including one answering a resume, carries a fresh resume_token different from every earlier token of the session.' },
  { id: 'RESUME-003', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'On resume the server replays, unchanged and each exactly once, every job.event, job.result and job.error with event_seq above the presented last_event_seq, and none at or below it.' },
  { id: 'RESUME-004', section: '1.0 §6.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After the replay the server resumes live delivery, so each job still running delivers all its remaining events and its terminal to the resumed session.' },
  { id: 'RESUME-005', section: '1.1 §6.3', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume after the window has elapsed, or whose last_event_seq the buffer no longer covers, gets session.error RESUME_WINDOW_EXPIRED and a close, never a welcome or a replay with a gap.' },
  { id: 'RESUME-006', section: '1.0 §14', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A resume presenting a wrong resume_token is rejected (session.error or transport close) and never re-attaches the session.' },

  // HB: heartbeats (1.1 §6.4)
  { id: 'HB-001', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: false,
    text: 'The server answers session.ping with session.pong whose `ping_nonce` equals the ping\'s `nonce`, within heartbeat_interval_sec.' },
  { id: 'HB-002', section: '1.1 §6.4', level: 'SHOULD', features: HB, observable: true, needsAgent: false,
    text: 'While heartbeat is negotiated the server sends at least one frame in every heartbeat interval, a session.ping when otherwise idle.' },
  { id: 'HB-003', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: true,
    text: 'The server never terminates a job because its session\'s heartbeat was lost: the job keeps running and the session stays resumable.' },
  { id: 'HB-004', section: '1.1 §6.4', level: 'MAY', features: HB, observable: true, needsAgent: false,
    text: 'After two consecutive heartbeat intervals without any frame from the client the server may close the transport, surfacing HEARTBEAT_LOST.' },
  { id: 'HB-005', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'When heartbeat is not negotiated the server sends no session.ping.' },

  // ACK: event acknowledgement & back-pressure (1.1 §6.5)
  { id: 'ACK-001', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: true, needsAgent: false,
    text: 'The server accepts session.ack silently, without an error reply.' },
  { id: 'ACK-002', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: false, needsAgent: false,
    text: 'The server keeps events the client has not acknowledged buffered, even past the resume window, unless memory or buffer-count limits force eviction.' },
  { id: 'ACK-003', section: '1.1 §6.5', level: 'MAY', features: ACK, observable: false, needsAgent: false,
    text: 'The server may free buffered events at or below the acknowledged seq before the resume window ends.' },
  { id: 'ACK-004', section: '1.1 §6.5', level: 'MAY', features: ACK, observable: true, needsAgent: true,
    text: 'The server may signal a slow consumer with a status event whose body.phase is "back_pressure", inside the session\'s normal event_seq.' },
  { id: 'ACK-005', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: true, needsAgent: true,
    text: 'Acknowledgements never change resume: it replays exactly the events after the presented last_event_seq, whatever was acked, or fails with RESUME_WINDOW_EXPIRED.' },

  // LIST: job listing (1.1 §6.6)
  { id: 'LIST-001', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: false,
    text: 'The server answers session.list_jobs with session.jobs carrying a `jobs` array, a `next_cursor` (string or null) and a `request_id` equal to the request\'s envelope id.' },
  { id: 'LIST-002', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'The server never lists, or otherwise reveals the existence of, a job to a principal not authorized to observe it.' },
  { id: 'LIST-003', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'A listing includes every job submitted in the current session that matches the filter.' },
  { id: 'LIST-004', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'Each listed job carries its `job_id` and a `status` from pending, running, success, error, cancelled and timed_out.' },
  { id: 'LIST-005', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'Every job in a filtered listing matches all given filter fields (status set, agent, created_after).' },
  { id: 'LIST-006', section: '1.1 §6.6', level: 'MUST', features: LIST, observable: true, needsAgent: true,
    text: 'Each page holds at most `limit` jobs, and following `next_cursor` until it is null yields every matching job exactly once.' },
  { id: 'LIST-007', section: '1.1 §6.6', level: 'SHOULD', features: LIST, observable: true, needsAgent: true,
    text: 'A finished job stays listed, with its terminal status, at least while its events are within the resume window.' },

  // CLOSE: session close (1.1 §6.7, 1.0 §6.4)
  { id: 'CLOSE-001', section: '1.1 §6.7', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'The server answers session.close with session.closed rather than only closing the transport.' },
  { id: 'CLOSE-002', section: '1.1 §6.7', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Closing a session does not affect its in-flight jobs: they keep running to their own terminal.' },
  { id: 'CLOSE-003', section: '1.1 §6.7', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After session.close the session\'s jobs remain resumable: a resume within the window delivers their remaining events and terminals.' },
  { id: 'CLOSE-004', section: '1.0 §6.4', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'The server accepts session.bye as a clean close: it replies with no error and sends no further ARCP frames on that transport.' },

  // JOB: submission & acceptance (1.1 §7.1, 1.0 §7.1, §11)
  { id: 'JOB-001', section: '1.1 §7.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A valid job.submit for an available agent is answered with job.accepted carrying a string `job_id` and the effective `lease` object.' },
  { id: 'JOB-002', section: '1.0 §7.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The effective lease in job.accepted may narrow the lease_request but never grants a capability or pattern beyond it.' },
  { id: 'JOB-003', section: '1.0 §3.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'On the submitting session, job.accepted for a new job precedes every job.event, job.result and job.error of that job.' },
  { id: 'JOB-004', section: '1.0 §11', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When job.submit carries no trace_id, job.accepted carries a generated W3C `trace_id`.' },
  { id: 'JOB-005', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A job.submit naming an agent that is not registered is rejected with AGENT_NOT_AVAILABLE and creates no job.' },

  // IDEM: idempotency (1.1 §7.2, 1.0 §7.2)
  { id: 'IDEM-001', section: '1.1 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.submit repeating an idempotency_key with identical parameters, from any session of the same principal, gets the same job.accepted payload and job_id as the first.' },
  { id: 'IDEM-002', section: '1.1 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A reused idempotency_key with a different agent or input is rejected with DUPLICATE_KEY and starts no new job.' },
  { id: 'IDEM-003', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeat submission while the job runs returns the existing job_id and then streams that job\'s further events to the resubmitting session.' },
  { id: 'IDEM-004', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeat submission after the job ended returns the existing job_id and delivers the job\'s terminal to a session that has not yet received it.' },
  { id: 'IDEM-005', section: '1.0 §7.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The same idempotency_key from a different principal never returns the other principal\'s job nor a DUPLICATE_KEY that reveals it.' },

  // LIFE: lifecycle & terminals (1.1 §7.3, 1.0 §7.3)
  { id: 'LIFE-001', section: '1.0 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job a session submitted or subscribed to reaches exactly one terminal frame (job.result or job.error) in that session, counting live delivery and resume replays together.' },
  { id: 'LIFE-002', section: '1.0 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'After a job\'s terminal frame the server sends no further job.event, job.result or job.error for that job in that session.' },
  { id: 'LIFE-003', section: '1.0 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'job.result carries final_status "success", and job.error carries final_status "error", "cancelled" or "timed_out".' },
  { id: 'LIFE-004', section: '1.1 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Once a job is terminal its status never changes: later listings and job.subscribed report the final_status of its terminal.' },
  { id: 'LIFE-005', section: '1.1 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job that exceeds its max_runtime_sec ends with job.error code TIMEOUT and final_status "timed_out".' },
  { id: 'LIFE-006', section: '1.0 §1.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An abrupt transport drop never ends a job: it keeps running server-side until its own terminal.' },
  { id: 'LIFE-007', section: '1.0 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job whose agent fails ends with a job.error carrying final_status "error", a code and a message.' },
  // v1.1 §8.4 says only "When `result_id` is absent, the result is inline in the payload": the field name is ours
  // (spec/conformance-agent.md, every example client reads `result`), so another name is an interoperability WARN.
  { id: 'LIFE-008', section: '1.1 §8.4', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'job.result carries an inline result under the field `result`, the name clients read.' },

  // CANCEL: cancellation (1.1 §7.4, §7.6, §14; 1.0 §7.4)
  { id: 'CANCEL-001', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The server acknowledges job.cancel for a live job with job.cancelled, sent before that job\'s terminal.' },
  { id: 'CANCEL-002', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A cancelled live job ends with exactly one job.error with code CANCELLED and final_status "cancelled".' },
  { id: 'CANCEL-003', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A repeated job.cancel for the same job produces no second terminal for it.' },
  { id: 'CANCEL-004', section: '1.1 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.cancel for an already terminal job emits no new terminal and does not change the job\'s recorded status.' },
  { id: 'CANCEL-005', section: '1.0 §7.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The cancel terminal arrives within a bounded grace period (30 s by default) even when the agent ignores the cancel.' },
  { id: 'CANCEL-006', section: '1.1 §7.6', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.cancel from a session of a principal other than the submitter is rejected and leaves the job running.' },
  { id: 'CANCEL-007', section: '1.1 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Subscribing confers no cancel authority: a job.cancel from a subscribed session of another principal is rejected and the job keeps running.' },
  { id: 'CANCEL-008', section: '1.1 §7.7', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A session that resumed keeps cancel authority over the jobs it submitted before the drop.' },

  // VER: agent versioning (1.1 §7.5)
  { id: 'VER-001', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: false,
    text: 'With agent_versions negotiated, each entry of the welcome\'s capabilities.agents is an object with `name`, a `versions` array and, if advertised, a `default` version.' },
  { id: 'VER-002', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: true,
    text: 'A bare agent name resolves to the advertised default version, shown as name@default in job.accepted.' },
  { id: 'VER-003', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: true,
    text: 'A submission naming name@version runs exactly that version, shown as name@version in job.accepted.' },
  { id: 'VER-004', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: false,
    text: 'A submission naming a registered agent with a version it does not offer is rejected with AGENT_VERSION_NOT_AVAILABLE.' },
  { id: 'VER-005', section: '1.1 §12', level: 'MUST', features: VER, observable: true, needsAgent: false,
    text: 'A submission naming an unregistered agent with a version suffix is rejected with AGENT_NOT_AVAILABLE, not AGENT_VERSION_NOT_AVAILABLE.' },
  { id: 'VER-006', section: '1.1 §7.5', level: 'MUST', features: VER, observable: true, needsAgent: true,
    text: 'Listings and job.subscribed show the job\'s resolved agent as name@version, unchanged for the whole life of the job.' },

  // SUB: subscription (1.1 §7.6, §14)
  { id: 'SUB-001', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'A permitted job.subscribe is answered with job.subscribed carrying `job_id`, `current_status`, `agent` and `lease`.' },
  { id: 'SUB-002', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'job.subscribed echoes the job\'s `lease_constraints` when it has them and carries the current `budget` counters when cost.budget is in its lease.' },
  { id: 'SUB-003', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'With history true the server replays the job\'s buffered events after from_event_seq, each once and in production order, before live events.' },
  { id: 'SUB-004', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'With history absent or false the subscriber receives only events the job emits after job.subscribed, with no replay.' },
  { id: 'SUB-005', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Across the switch from history replay to live delivery each event of the job reaches the subscriber exactly once, none missing.' },
  { id: 'SUB-006', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Events forwarded to a subscriber carry the subscriber\'s session_id and event_seq numbers from the subscriber session\'s own sequence.' },
  { id: 'SUB-007', section: '1.1 §7.6', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'A job.subscribe the principal is not authorized for is rejected with PERMISSION_DENIED (or JOB_NOT_FOUND) and delivers none of the job\'s events.' },
  { id: 'SUB-008', section: '1.1 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'By default only the submitting principal may subscribe: another principal\'s job.subscribe is refused unless policy was explicitly broadened.' },
  { id: 'SUB-009', section: '1.1 §14', level: 'SHOULD', features: SUB, observable: false, needsAgent: false,
    text: 'The server logs every job.subscribe with subscriber principal, target job, target principal and policy decision.' },

  // EVT: event kinds & bodies, progress (1.1 §8.1-8.2, 1.0 §8.1-8.2)
  { id: 'EVT-001', section: '1.1 §8.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job.event payload carries a string `kind` and an object `body`.' },
  { id: 'EVT-002', section: '1.0 §8.1', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'Every job.event payload carries `ts`, an ISO 8601 timestamp of when the event was produced.' },
  { id: 'EVT-003', section: '1.0 §8.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every event of a defined kind the agent emits reaches each session receiving the job once, with its kind and body fields unchanged.' },
  { id: 'EVT-004', section: '1.1 §8.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Events carry their kind\'s required body fields: log {level, message}, thought {text}, tool_call {tool, args, call_id}, tool_result {call_id, result or error}, status {phase}, metric {name, value}, artifact_ref {uri, content_type}.' },
  { id: 'EVT-005', section: '1.0 §8.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An agent event of an unknown vendor kind (x-...) neither errors the session nor ends the job.' },
  { id: 'EVT-006', section: '1.1 §8.2.1', level: 'MUST', features: PROG, observable: true, needsAgent: true,
    text: 'progress events carry a non-negative number `current`, and `total`, when present, is a number.' },
  { id: 'EVT-007', section: '1.1 §8.2.1', level: 'SHOULD', features: PROG, observable: true, needsAgent: true,
    text: 'In progress events that carry `total`, `current` does not exceed `total`.' },
  { id: 'EVT-008', section: '1.1 §6.2', level: 'SHOULD', features: [], observable: true, needsAgent: true,
    text: 'When progress is not negotiated the server sends no progress events.' },

  // SEQ: ordering & sequence numbers (1.1 §8.3, 1.0 §5.1, §8.3)
  { id: 'SEQ-001', section: '1.0 §5.1', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Every job.event, job.result and job.error carries an integer `event_seq`.' },
  { id: 'SEQ-002', section: '1.1 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Within a session each job.event, job.result or job.error has event_seq exactly one above the previous one, across own and subscribed jobs and under concurrent emitters.' },
  { id: 'SEQ-003', section: '1.0 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Events of one job, and of each concurrent branch within it, reach the session in the order they were produced.' },
  { id: 'SEQ-004', section: '1.1 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Across a resume the sequence stays gap-free: replayed then live events continue the +1 chain with no gap, repeat or restart.' },
  { id: 'SEQ-005', section: '1.1 §6.4', level: 'MUST', features: HB, observable: true, needsAgent: true,
    text: 'session.ping and session.pong consume no event_seq: job frames sent around them stay contiguous.' },
  { id: 'SEQ-006', section: '1.1 §6.5', level: 'MUST', features: ACK, observable: true, needsAgent: true,
    text: 'session.ack consumes no event_seq: job frames sent around it stay contiguous.' },
  { id: 'SEQ-007', section: '1.0 §8.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Any other frame that carries event_seq takes part in the same strictly +1 sequence instead of repeating or skipping a number.' },

  // CHUNK: result streaming (1.1 §8.4)
  { id: 'CHUNK-001', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'result_chunk bodies carry a string `result_id`, an integer `chunk_seq`, a string `data`, an `encoding` of utf8 or base64, and a boolean `more`.' },
  { id: 'CHUNK-002', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Chunks of one result_id are sent in chunk_seq order 0, 1, 2 and so on, with no gap or repeat.' },
  { id: 'CHUNK-003', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Exactly the last chunk of a result_id has `more` false, and no chunk of that result_id follows it.' },
  { id: 'CHUNK-004', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Once a job has emitted a result_chunk, its job.result carries the streamed `result_id` and no inline result.' },
  { id: 'CHUNK-005', section: '1.1 §8.4', level: 'MUST', features: CHUNK, observable: true, needsAgent: true,
    text: 'Decoding and concatenating a result\'s chunks in chunk_seq order yields exactly the result the agent streamed.' },
  { id: 'CHUNK-006', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When result_chunk is not negotiated the server sends no result_chunk events.' },

  // LEASE: lease enforcement & expiration (1.1 §9.1-9.5, §14; 1.0 §9, §10)
  { id: 'LEASE-001', section: '1.1 §7.1', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'job.accepted echoes the submitted lease_constraints.expires_at.' },
  { id: 'LEASE-002', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'A job.submit whose expires_at is not in the future is rejected with INVALID_REQUEST and creates no job.' },
  { id: 'LEASE-003', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'A job.submit whose expires_at is not a valid ISO 8601 UTC timestamp with a Z suffix is rejected with INVALID_REQUEST and creates no job.' },
  { id: 'LEASE-004', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'Operations against the lease attempted at or after expires_at fail with LEASE_EXPIRED, for example as a tool_result error.' },
  { id: 'LEASE-005', section: '1.1 §9.5', level: 'MUST', features: EXP, observable: true, needsAgent: true,
    text: 'If the agent attempts an authority-bearing operation after expiry, the job ends with job.error code LEASE_EXPIRED and final_status "error".' },
  { id: 'LEASE-006', section: '1.1 §14', level: 'MUST', features: EXP, observable: false, needsAgent: false,
    text: 'The server evaluates expires_at against a monotonic, NTP-disciplined clock.' },
  { id: 'LEASE-007', section: '1.1 §9.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'An operation not covered by the effective lease fails with PERMISSION_DENIED before it is dispatched.' },
  { id: 'LEASE-008', section: '1.1 §9.4', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A delegation whose child lease exceeds the parent\'s (capabilities, remaining budget, expires_at or models) is refused with LEASE_SUBSET_VIOLATION as a tool_result on the parent.' },

  // BUDGET: budget capability (1.1 §9.6)
  { id: 'BUDGET-001', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'job.accepted carries a `budget` counter for each budgeted currency, initialised to the budgeted amount.' },
  { id: 'BUDGET-002', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'Each cost.* metric whose unit is a budgeted currency decrements that currency\'s counter by its value, and no other metric changes any counter.' },
  { id: 'BUDGET-003', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'A cost metric with a negative value is rejected and leaves every budget counter unchanged.' },
  { id: 'BUDGET-004', section: '1.1 §9.6', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'Once any budget counter is at or below zero, every further operation through the lease fails with BUDGET_EXHAUSTED.' },
  { id: 'BUDGET-005', section: '1.1 §7.3', level: 'MUST', features: BUD, observable: true, needsAgent: true,
    text: 'A job ended by budget exhaustion ends with job.error code BUDGET_EXHAUSTED and final_status "error".' },
  { id: 'BUDGET-006', section: '1.1 §9.6', level: 'MAY', features: BUD, observable: true, needsAgent: true,
    text: 'The server may emit cost.budget.remaining metric events after material decrements.' },

  // MODEL: model capability (1.1 §9.7)
  { id: 'MODEL-001', section: '1.1 §9.7', level: 'MUST', features: MOD, observable: true, needsAgent: true,
    text: 'An agent\'s invocation of a model that matches no model.use pattern of the lease is rejected with PERMISSION_DENIED.' },
  { id: 'MODEL-002', section: '1.1 §9.7', level: 'MUST', features: MOD, observable: false, needsAgent: false,
    text: 'When configured to require model.use, the server treats a lease without it as forbidding every model invocation.' },

  // CRED: provisioned credentials (1.1 §9.8, §14)
  { id: 'CRED-001', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'Credentials are issued no later than job.accepted: none first appears in a later frame except through rotation.' },
  { id: 'CRED-002', section: '1.1 §9.8.1', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'Each credential carries a string `id`, `scheme`, `value` and `endpoint`.' },
  { id: 'CRED-003', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'A credential `value` is never reused across jobs.' },
  { id: 'CRED-004', section: '1.1 §14', level: 'MUST', features: ['provisioned_credentials', 'subscribe'], observable: true, needsAgent: true,
    text: 'job.subscribed carries `credentials` only when the subscribing principal is the job\'s submitter.' },
  { id: 'CRED-005', section: '1.1 §14', level: 'MUST', features: ['provisioned_credentials', 'list_jobs'], observable: true, needsAgent: true,
    text: 'session.jobs entries carry `credentials` only when the listing principal is the job\'s submitter.' },
  { id: 'CRED-006', section: '1.1 §14', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'No credential value reaches, in any frame, a session of a principal other than the job\'s submitter.' },
  { id: 'CRED-007', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: true, needsAgent: true,
    text: 'A mid-job credential rotation is announced by a status event with phase "credential_rotated" whose body carries the credential `id` and the new `value`.' },
  { id: 'CRED-008', section: '1.1 §9.8.2', level: 'MUST', features: CRED, observable: false, needsAgent: false,
    text: 'The server revokes each credential at the upstream when its job reaches any terminal state, and revokes a rotated-out value promptly.' },
  { id: 'CRED-009', section: '1.1 §6.2', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'When provisioned_credentials is not negotiated, job.accepted carries no `credentials`.' },

  // ERR: error taxonomy & payloads (1.1 §12, 1.0 §12)
  { id: 'ERR-001', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every error payload (session.error, job.error, tool_result error) carries a string `code`, a string `message` and a boolean `retryable`, and `details`, if present, is an object.' },
  { id: 'ERR-002', section: '1.0 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'Every session.error code, and every job.error code not reporting the agent\'s own business failure, is one of the 15 canonical codes.' },
  { id: 'ERR-003', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'LEASE_EXPIRED and BUDGET_EXHAUSTED errors carry retryable false.' },
  { id: 'ERR-004', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'INTERNAL_ERROR errors carry retryable true.' },
  { id: 'ERR-005', section: '1.1 §7.3', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'A job.error\'s code and final_status agree: CANCELLED with "cancelled", TIMEOUT with "timed_out", and any other code with "error".' },
  { id: 'ERR-006', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A frame with a malformed envelope or a payload violating its message schema is rejected with INVALID_REQUEST, and no job is created.' },
  { id: 'ERR-007', section: '1.1 §12', level: 'MUST', features: [], observable: true, needsAgent: false,
    text: 'A job.cancel or job.subscribe naming a job_id that does not exist is rejected with JOB_NOT_FOUND.' },
  { id: 'ERR-008', section: '1.0 §12', level: 'SHOULD', features: [], observable: true, needsAgent: false,
    text: 'A rejected request other than a failed hello or resume leaves the session open and usable.' },

  // SEC: security considerations (1.1 §14, 1.0 §14)
  { id: 'SEC-001', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'Network deployments carry ARCP only over TLS (wss://), never sending bearer tokens in the clear.' },
  { id: 'SEC-002', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server generates resume tokens with at least 128 bits of cryptographically random entropy.' },
  { id: 'SEC-003', section: '1.0 §14', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'The server canonicalises paths and URLs before lease evaluation, so `..` traversal or encoded characters cannot escape a pattern.' },
  { id: 'SEC-004', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server purges buffered events when the buffer window expires.' },
  { id: 'SEC-005', section: '1.0 §14', level: 'MUST', features: [], observable: false, needsAgent: false,
    text: 'The server encrypts buffered events at rest when the deployment environment is untrusted.' },
  { id: 'SEC-006', section: '1.1 §14', level: 'SHOULD', features: CHUNK, observable: false, needsAgent: false,
    text: 'The server caps the size of each result chunk (about 1 MB) and of the total streamed result.' },
  { id: 'SEC-007', section: '1.1 §14', level: 'MUST', features: [], observable: true, needsAgent: true,
    text: 'Exceeding a chunk-size, result-size or per-session buffer limit surfaces as INTERNAL_ERROR, never as silent truncation.' },

  // LEAK: resource leaks (1.1 §6.7, §14; 1.0 §14; audit ruby-subscription-leak-on-close)
  { id: 'LEAK-001', section: '1.0 §14', level: 'MUST', features: SUB, observable: true, needsAgent: true,
    text: 'Once a closed or dropped session\'s resume window has passed, the server keeps nothing for its subscriptions: fan-out to it stops and memory no longer grows with the jobs\' events.' },
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
