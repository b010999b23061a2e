import { z } from 'zod';
import { ErrorPayloadSchema } from './errors.ts';
import { EventPayloadSchema } from './events.ts';
import { BudgetSchema, CredentialSchema, LeaseConstraintsSchema, LeaseSchema } from './lease.ts';
import { AgentRef, JobStatus, Seq, Timestamp } from './primitives.ts';

/** The protocol version the kit speaks and requires (DESIGN §5). */
export const ARCP_VERSION = '1.1';

type Presence = 'required' | 'optional' | 'absent';
interface EnvelopeShape {
  session?: Presence;
  job?: Presence;
  seq?: Presence;
}

const NonEmpty = z.string().min(1);

function field<T extends z.ZodTypeAny>(schema: T, presence: Presence) {
  return presence === 'required' ? schema : schema.optional();
}

// v1.1 §5, v1.0 §5.1: the envelope. Unknown top-level fields are always allowed.
function message<T extends string, P extends z.ZodTypeAny>(type: T, payload: P, shape: EnvelopeShape = {}) {
  const { session = 'required', job = 'optional', seq = 'optional' } = shape;
  return z.looseObject({
    arcp: z.literal(ARCP_VERSION),
    id: NonEmpty,
    type: z.literal(type),
    session_id: field(NonEmpty, session),
    trace_id: z.string().optional(),
    job_id: field(NonEmpty, job),
    event_seq: field(Seq, seq),
    payload,
  });
}

// ---- shared payload parts ----------------------------------------------------------

// v1.1 §6.2: a peer's name and version.
const Software = z.looseObject({ name: NonEmpty, version: z.string() });

// v1.1 §6.2: capabilities block of hello and welcome.
const Capabilities = z.looseObject({
  encodings: z.array(z.string()).optional(),
  features: z.array(z.string()).optional(),
});

// v1.1 §6.2 / v1.0 §6.2: agent inventory entries are bare names or the rich form (DESIGN §5).
export const AgentInventoryEntry = z.union([
  NonEmpty,
  z.looseObject({ name: NonEmpty, versions: z.array(NonEmpty), default: NonEmpty.optional() }),
]);

// v1.0 §6.3: the resume block of a hello (DESIGN §5 default resume form).
export const ResumeBlock = z.looseObject({
  session_id: NonEmpty,
  resume_token: NonEmpty,
  last_event_seq: Seq,
});

// v1.1 §6.6: one row of session.jobs; the same observable view as job.subscribed (§7.6).
export const JobSummary = z.looseObject({
  job_id: NonEmpty,
  agent: NonEmpty,
  status: JobStatus,
  lease: LeaseSchema,
  lease_constraints: LeaseConstraintsSchema.optional(),
  budget: BudgetSchema.optional(),
  parent_job_id: NonEmpty.nullable().optional(),
  created_at: Timestamp,
  trace_id: z.string().optional(),
  last_event_seq: Seq.optional(),
  credentials: z.array(CredentialSchema).optional(),
});

// ---- session messages ---------------------------------------------------------------

// v1.1 §6.1-6.2, v1.0 §6.3: session.hello; carries a resume block when resuming. The flat
// `resume_token`/`last_event_seq` form is a profile option (DESIGN §5).
export const SessionHello = message(
  'session.hello',
  z.looseObject({
    client: Software.optional(),
    auth: z.looseObject({ scheme: NonEmpty, token: z.string() }).optional(),
    capabilities: Capabilities.optional(),
    resume: ResumeBlock.optional(),
    session_id: NonEmpty.optional(),
    resume_token: NonEmpty.optional(),
    last_event_seq: Seq.optional(),
  }),
  { session: 'optional' },
);

// v1.1 §6.3: the `session.resume` message form of resume (a profile option, DESIGN §5).
export const SessionResume = message(
  'session.resume',
  z.looseObject({
    session_id: NonEmpty,
    resume_token: NonEmpty,
    last_event_seq: Seq,
    auth: z.looseObject({ scheme: NonEmpty, token: z.string() }).optional(),
  }),
  { session: 'optional' },
);

// v1.1 §6.2: session.welcome. The session id may sit on the envelope or in the payload.
export const SessionWelcome = message(
  'session.welcome',
  z.looseObject({
    session_id: NonEmpty.optional(),
    runtime: Software.optional(),
    resume_token: NonEmpty,
    resume_window_sec: z.number().nonnegative().optional(),
    heartbeat_interval_sec: z.number().positive().optional(),
    capabilities: Capabilities.extend({ agents: z.array(AgentInventoryEntry).optional() }).optional(),
  }),
  { session: 'optional' },
);

// v1.0 §6.1, v1.1 §12: session.error; may precede any welcome.
export const SessionError = message('session.error', ErrorPayloadSchema, { session: 'optional' });

// v1.1 §6.7: session.close.
export const SessionClose = message('session.close', z.looseObject({ reason: z.string().optional() }));

// v1.1 §6.7: session.closed acknowledges a close.
export const SessionClosed = message('session.closed', z.looseObject({ reason: z.string().optional() }));

// v1.0 §6.4: session.bye, accepted as an alias of session.close.
export const SessionBye = message('session.bye', z.looseObject({ reason: z.string().optional() }));

// v1.1 §6.4: session.ping.
export const SessionPing = message('session.ping', z.looseObject({ nonce: NonEmpty, sent_at: Timestamp.optional() }));

// v1.1 §6.4: session.pong echoes the ping's nonce.
export const SessionPong = message(
  'session.pong',
  z.looseObject({ ping_nonce: NonEmpty, received_at: Timestamp.optional() }),
);

// v1.1 §6.5: session.ack.
export const SessionAck = message('session.ack', z.looseObject({ last_processed_seq: Seq }));

// v1.1 §6.6: session.list_jobs.
export const SessionListJobs = message(
  'session.list_jobs',
  z.looseObject({
    filter: z
      .looseObject({
        status: z.array(JobStatus).optional(),
        agent: z.string().optional(),
        created_after: Timestamp.optional(),
      })
      .optional(),
    limit: z.number().int().positive().optional(),
    cursor: z.string().nullable().optional(),
  }),
);

// v1.1 §6.6: session.jobs answers a list_jobs, echoing its id as request_id.
export const SessionJobs = message(
  'session.jobs',
  z.looseObject({
    request_id: NonEmpty,
    jobs: z.array(JobSummary),
    next_cursor: z.string().nullable().optional(),
  }),
);

// ---- job messages --------------------------------------------------------------------

// v1.1 §7.1: job.submit.
export const JobSubmit = message(
  'job.submit',
  z.looseObject({
    agent: AgentRef,
    input: z.unknown().optional(),
    lease_request: LeaseSchema.optional(),
    lease_constraints: LeaseConstraintsSchema.optional(),
    idempotency_key: NonEmpty.optional(),
    max_runtime_sec: z.number().positive().optional(),
  }),
);

// v1.1 §7.1, §7.5, §9.8: job.accepted with the effective lease and resolved agent.
export const JobAcceptedPayload = z.looseObject({
    job_id: NonEmpty,
    agent: NonEmpty.optional(),
    lease: LeaseSchema,
    lease_constraints: LeaseConstraintsSchema.optional(),
    budget: BudgetSchema.optional(),
    credentials: z.array(CredentialSchema).optional(),
    accepted_at: Timestamp.optional(),
    trace_id: z.string().optional(),
    parent_job_id: NonEmpty.nullable().optional(),
    delegate_id: NonEmpty.optional(),
});
export const JobAccepted = message('job.accepted', JobAcceptedPayload);

// v1.1 §8.1, v1.0 §5.1: job.event carries job_id and event_seq.
export const JobEvent = message('job.event', EventPayloadSchema, { job: 'required', seq: 'required' });

// v1.1 §8.4, v1.0 §7.3: job.result, the success terminal; inline result or result_id.
export const JobResult = message(
  'job.result',
  z.looseObject({
    final_status: z.literal('success'),
    result: z.unknown().optional(),
    result_id: NonEmpty.optional(),
    result_size: z.number().int().nonnegative().optional(),
    summary: z.string().optional(),
  }),
  { job: 'required', seq: 'required' },
);

// v1.1 §7.3-7.4, §12: job.error. As a job's terminal it carries job_id, event_seq and
// final_status; as a rejected request (DESIGN §5) it may carry none of them.
export const JobError = message(
  'job.error',
  ErrorPayloadSchema.extend({ final_status: z.enum(['error', 'cancelled', 'timed_out']).optional() }),
);

// v1.1 §7.4, v1.0 §7.4: job.cancel; the kit sends job_id on the envelope and in the payload.
export const JobCancel = message(
  'job.cancel',
  z.looseObject({ job_id: NonEmpty.optional(), reason: z.string().optional() }),
);

// v1.1 §7.4: job.cancelled acknowledges a cancel.
export const JobCancelled = message(
  'job.cancelled',
  z.looseObject({ job_id: NonEmpty.optional(), reason: z.string().optional() }),
);

// v1.1 §7.6: job.subscribe.
export const JobSubscribe = message(
  'job.subscribe',
  z.looseObject({ job_id: NonEmpty, from_event_seq: Seq.optional(), history: z.boolean().optional() }),
);

// v1.1 §7.6: job.subscribed, the subscriber's authority descriptor.
export const JobSubscribed = message(
  'job.subscribed',
  z.looseObject({
    job_id: NonEmpty,
    current_status: JobStatus,
    agent: NonEmpty,
    lease: LeaseSchema,
    lease_constraints: LeaseConstraintsSchema.optional(),
    budget: BudgetSchema.optional(),
    parent_job_id: NonEmpty.nullable().optional(),
    trace_id: z.string().optional(),
    subscribed_from: Seq,
    replayed: z.boolean(),
    credentials: z.array(CredentialSchema).optional(),
  }),
);

// v1.1 §7.6: job.unsubscribe.
export const JobUnsubscribe = message('job.unsubscribe', z.looseObject({ job_id: NonEmpty }));

// ---- registry ------------------------------------------------------------------------

/** Every message type with its schema. */
export const MESSAGE_SCHEMAS = {
  'session.hello': SessionHello,
  'session.resume': SessionResume,
  'session.welcome': SessionWelcome,
  'session.error': SessionError,
  'session.close': SessionClose,
  'session.closed': SessionClosed,
  'session.bye': SessionBye,
  'session.ping': SessionPing,
  'session.pong': SessionPong,
  'session.ack': SessionAck,
  'session.list_jobs': SessionListJobs,
  'session.jobs': SessionJobs,
  'job.submit': JobSubmit,
  'job.accepted': JobAccepted,
  'job.event': JobEvent,
  'job.result': JobResult,
  'job.error': JobError,
  'job.cancel': JobCancel,
  'job.cancelled': JobCancelled,
  'job.subscribe': JobSubscribe,
  'job.subscribed': JobSubscribed,
  'job.unsubscribe': JobUnsubscribe,
} as const;

export type MessageType = keyof typeof MESSAGE_SCHEMAS;
export type Message<T extends MessageType = MessageType> = z.infer<(typeof MESSAGE_SCHEMAS)[T]>;
export type Payload<T extends MessageType> = Message<T>['payload'];
export const MESSAGE_TYPES = Object.keys(MESSAGE_SCHEMAS) as MessageType[];

/** Types a client sends to a runtime. */
export const CLIENT_MESSAGE_TYPES: readonly MessageType[] = [
  'session.hello',
  'session.resume',
  'session.close',
  'session.bye',
  'session.ping',
  'session.pong',
  'session.ack',
  'session.list_jobs',
  'job.submit',
  'job.cancel',
  'job.subscribe',
  'job.unsubscribe',
];

/** Types a runtime sends to a client. */
export const SERVER_MESSAGE_TYPES: readonly MessageType[] = [
  'session.welcome',
  'session.error',
  'session.closed',
  'session.bye',
  'session.ping',
  'session.pong',
  'session.jobs',
  'job.accepted',
  'job.event',
  'job.result',
  'job.error',
  'job.cancelled',
  'job.subscribed',
];

/** Messages that carry `event_seq` in the session's sequence (v1.0 §8.3). */
export const SEQUENCED_TYPES: ReadonlySet<string> = new Set(['job.event', 'job.result', 'job.error']);

export function isMessageType(type: unknown): type is MessageType {
  return typeof type === 'string' && Object.hasOwn(MESSAGE_SCHEMAS, type);
}
