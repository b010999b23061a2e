// An ARCP session over the harness: hello/welcome, negotiated features, typed sends with the
// session id, close, and resume on a fresh connection of the same transcript. The real resume
// token lives only here (a private field); everything recorded or returned is redacted.
import { negotiateFeatures } from '../../spec/features.ts';
import { DEFAULT_PROFILE, type Profile } from './config.ts';
import {
  type CloseInfo,
  type Connection,
  type ConnectionOptions,
  type Envelope,
  type Mark,
  type WaitOptions,
  type WatchOptions,
  DEFAULT_WAIT_MS,
  openConnection,
} from './connection.ts';
import { HarnessError, isHarnessError } from './errors.ts';
import { type FramePredicate, type WireFrame, isType, isWireFrame, payloadOf } from './frames.ts';
import { Transcript } from './transcript.ts';

export interface ClientInfo {
  readonly name: string;
  readonly version: string;
}

export interface ConnectOptions {
  /** Bearer token of the principal. */
  readonly token: string;
  /** Shared with other sessions of the same test; a new one when absent. */
  readonly transcript?: Transcript;
  readonly profile?: Profile;
  /** Features to offer instead of the profile's. */
  readonly features?: readonly string[];
  /** Bound of the connect, the handshake and (by default) every wait. */
  readonly timeoutMs?: number;
  readonly label?: string;
  readonly client?: ClientInfo;
  readonly maxPayloadBytes?: number;
  readonly autoPong?: boolean;
}

export type RawConnectOptions = Omit<ConnectionOptions, 'transcript'> & { readonly transcript?: Transcript };

/** An agent of the welcome's inventory; bare names get `versions: []`. */
export interface AgentInfo {
  readonly name: string;
  readonly versions: readonly string[];
  readonly default?: string;
}

export interface CloseOptions {
  readonly reason?: string;
  /** Bound of the wait for `session.closed`. */
  readonly timeoutMs?: number;
  /** After the ack: how long to wait for the server to close the socket itself. */
  readonly socketTimeoutMs?: number;
}

export interface CloseResult {
  /** `session.closed` arrived (with the `session.bye` close form, a `session.bye` also counts). */
  readonly closedAck: boolean;
  /** The server closed the socket itself within the bound (the harness closes it otherwise). */
  readonly socketClosed: boolean;
}

export interface ResumeOptions {
  /** Default: the highest `event_seq` received on any connection of the session, or 0. */
  readonly lastEventSeq?: number;
  /** Resume token to present instead of the latest (e.g. a stale one). */
  readonly token?: string;
  /** Bearer token to authenticate with instead of the session's. */
  readonly authToken?: string;
  readonly timeoutMs?: number;
  readonly label?: string;
}

export interface Resumed {
  /** The welcome of the resumed session (redacted). */
  readonly welcome: WireFrame;
  /** The new connection, now the session's current one. */
  readonly connection: Connection;
  /** The new connection's first inbox position: covers replay that came before the welcome. */
  readonly mark: Mark;
  /** Frames that arrived on the new connection before the welcome (e.g. replayed events). */
  readonly beforeWelcome: readonly WireFrame[];
}

export interface RequestOptions {
  readonly description: string;
  readonly timeoutMs?: number;
  readonly envelope?: Envelope;
}

/** Matches a reply to a request; gets the request's message id. */
export type ReplyPredicate = (frame: WireFrame, requestId: string, entry: Parameters<FramePredicate>[1]) => boolean;

/** The payload of a first hello (DESIGN §5): client, bearer auth, json encoding, features. */
export function helloPayload(client: ClientInfo, token: string, features: readonly string[]): Record<string, unknown> {
  return {
    client: { name: client.name, version: client.version },
    auth: { scheme: 'bearer', token },
    capabilities: { encodings: ['json'], features: [...features] },
  };
}

export interface ResumeRequestInput {
  readonly client: ClientInfo;
  readonly token: string;
  readonly features: readonly string[];
  readonly sessionId: string;
  readonly resumeToken: string;
  readonly lastEventSeq: number;
}

/** The message that resumes a session in the profile's resume form. */
export function resumeRequest(
  form: Profile['resumeForm'],
  input: ResumeRequestInput,
): { type: string; payload: Record<string, unknown>; envelope: Envelope } {
  const resume = { session_id: input.sessionId, resume_token: input.resumeToken, last_event_seq: input.lastEventSeq };
  switch (form) {
    case 'hello-resume':
      return { type: 'session.hello', payload: { ...helloPayload(input.client, input.token, input.features), resume }, envelope: {} };
    case 'hello-flat':
      return { type: 'session.hello', payload: { ...helloPayload(input.client, input.token, input.features), ...resume }, envelope: {} };
    case 'session-resume':
      return {
        type: 'session.resume',
        payload: { ...resume, auth: { scheme: 'bearer', token: input.token } },
        envelope: { session_id: input.sessionId },
      };
  }
}

/**
 * Waits for the answer to a hello or resume: resolves with `session.welcome`; rejects with
 * `rejected` (session.error, or the socket closed first) or `timeout`.
 */
export async function awaitWelcome(connection: Connection, timeoutMs = connection.timeoutMs, after: Mark = 0): Promise<WireFrame> {
  const redact = (text: string) => connection.transcript.redactor.redactText(text);
  let answer: WireFrame;
  try {
    answer = await connection.waitFor(isType('session.welcome', 'session.error'), {
      description: 'session.welcome or session.error',
      timeoutMs,
      after,
    });
  } catch (error) {
    if (isHarnessError(error, 'closed')) {
      const info = connection.closeInfo;
      const how = info === undefined ? '' : ` (code ${info.code}${info.reason === '' ? '' : `, reason ${JSON.stringify(info.reason)}`})`;
      throw new HarnessError('rejected', `the server closed ${connection.id} before any session.welcome${how}`, {
        redact,
        cause: error,
      });
    }
    throw error;
  }
  if (answer.type === 'session.error') {
    const payload = payloadOf(answer);
    const code = typeof payload.code === 'string' ? payload.code : '(no code)';
    const message = typeof payload.message === 'string' ? `: ${payload.message}` : '';
    throw new HarnessError('rejected', `the server answered with session.error ${code}${message}`, { redact, payload });
  }
  return answer;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function capabilitiesOf(welcome: WireFrame): Readonly<Record<string, unknown>> {
  const capabilities = payloadOf(welcome).capabilities;
  return isWireFrame(capabilities) ? capabilities : {};
}

/** An agents entry in the rich form (v1.1 §7.5, agent_versions): {name, versions: string[], default?: string}. */
export function isRichAgent(entry: unknown): entry is AgentInfo {
  return (
    isWireFrame(entry) &&
    typeof entry.name === 'string' &&
    entry.name !== '' &&
    Array.isArray(entry.versions) &&
    entry.versions.every((v) => typeof v === 'string' && v !== '') &&
    (entry.default === undefined || (typeof entry.default === 'string' && entry.default !== ''))
  );
}

/**
 * How many entries of a welcome's agent inventory a session keeps besides the one the profile
 * names: the kit reads only the conformance agent's entry (and the first, as a fallback), so a
 * welcome listing megabytes of agents costs a session a few entries, not the inventory.
 */
export const AGENTS_KEPT = 64;

/**
 * Normalises the welcome's agent inventory (DESIGN §5: names or {name, versions, default}).
 * With `named`, a longer list keeps its first AGENTS_KEPT entries and every entry of that
 * name. A rich entry is taken as it came, not copied.
 */
export function agentsOf(welcome: WireFrame, named?: string): AgentInfo[] {
  const agents = capabilitiesOf(welcome).agents;
  if (!Array.isArray(agents)) return [];
  const out: AgentInfo[] = [];
  for (const [k, agent] of agents.entries()) {
    const name = typeof agent === 'string' ? agent : isWireFrame(agent) ? stringField(agent.name) : undefined;
    if (name === undefined || name === '') continue;
    if (named !== undefined && k >= AGENTS_KEPT && name !== named) continue;
    if (typeof agent === 'string') {
      out.push({ name, versions: [] });
    } else if (isRichAgent(agent)) {
      out.push(agent);
    } else if (isWireFrame(agent)) {
      const versions = Array.isArray(agent.versions) ? agent.versions.filter((v): v is string => typeof v === 'string') : [];
      const fallback = stringField(agent.default);
      out.push({ name, versions, ...(fallback === undefined ? {} : { default: fallback }) });
    }
  }
  return out;
}

/** What a session keeps of its welcome's `capabilities.agents` besides the normalised list (for VER-001). */
export interface AgentInventory {
  /** The value, when it is not an array (absent: `undefined`). */
  readonly notAnArray?: unknown;
  /** The entries not in the rich form, up to NOT_RICH_KEPT of them, in order. */
  readonly notRich: readonly unknown[];
}

const NOT_RICH_KEPT = 16;

function inventoryOf(welcome: WireFrame): AgentInventory {
  const agents = capabilitiesOf(welcome).agents;
  if (!Array.isArray(agents)) return { notAnArray: agents, notRich: [] };
  const notRich: unknown[] = [];
  for (const entry of agents) {
    if (notRich.length >= NOT_RICH_KEPT) break;
    if (!isRichAgent(entry)) notRich.push(entry);
  }
  return { notRich };
}

/** Session state the connections' listeners feed: real values, never recorded. */
class Tracker {
  highestSeq: number | undefined;
  readonly realTokens = new WeakMap<object, string>();

  attach(connection: Connection): void {
    connection.addInboundListener((frame, entry) => {
      if (!isWireFrame(frame)) return;
      const seq = frame.event_seq;
      if (typeof seq === 'number' && Number.isInteger(seq) && seq >= 0 && (this.highestSeq === undefined || seq > this.highestSeq)) {
        this.highestSeq = seq;
      }
      if (frame.type === 'session.welcome' && isWireFrame(entry.frame)) {
        const token = stringField(payloadOf(frame).resume_token);
        if (token !== undefined) this.realTokens.set(entry.frame, token);
      }
    });
  }
}

async function closeQuietly(connection: Connection): Promise<void> {
  await connection.closeSocket(1000, '', Math.min(connection.timeoutMs, 1000));
}

/** Opens a session: hello, then welcome (or a `rejected`/`timeout`/`unreachable` HarnessError). */
export async function connect(url: string, options: ConnectOptions): Promise<Session> {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const transcript = options.transcript ?? new Transcript();
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const features = options.features ?? profile.features;
  const client = options.client ?? profile.client;
  transcript.redactor.addSecret(options.token);
  const connectionOptions: ConnectionOptions = {
    transcript,
    timeoutMs,
    agentName: profile.agent,
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(profile.subprotocol === undefined ? {} : { subprotocol: profile.subprotocol }),
    ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
    ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }),
  };
  const connection = await openConnection(url, connectionOptions);
  const tracker = new Tracker();
  tracker.attach(connection);
  try {
    connection.send('session.hello', helloPayload(client, options.token, features));
    const welcome = await awaitWelcome(connection, timeoutMs);
    return new Session({ url, token: options.token, profile, features, client, connectionOptions, connection, tracker, welcome });
  } catch (error) {
    await closeQuietly(connection);
    throw error;
  }
}

/** A connection with no hello sent, for tests that write their own (e.g. a bad token). */
export function connectRaw(url: string, options: RawConnectOptions = {}): Promise<Connection> {
  return openConnection(url, { ...options, transcript: options.transcript ?? new Transcript() });
}

interface SessionInit {
  readonly url: string;
  readonly token: string;
  readonly profile: Profile;
  readonly features: readonly string[];
  readonly client: ClientInfo;
  readonly connectionOptions: ConnectionOptions;
  readonly connection: Connection;
  readonly tracker: Tracker;
  readonly welcome: WireFrame;
}

export class Session {
  readonly url: string;
  readonly profile: Profile;
  readonly transcript: Transcript;
  readonly sessionId: string;
  /** Features offered in the hello. */
  readonly offeredFeatures: readonly string[];
  #connection: Connection;
  #welcome!: WireFrame;
  #features!: ReadonlySet<string>;
  #agents!: readonly AgentInfo[];
  #agentInventory!: AgentInventory;
  #resumeToken: string | undefined;
  readonly #token: string;
  readonly #client: ClientInfo;
  readonly #connectionOptions: ConnectionOptions;
  readonly #tracker: Tracker;

  /** Use `connect`. */
  constructor(init: SessionInit) {
    this.url = init.url;
    this.profile = init.profile;
    this.transcript = init.connection.transcript;
    this.offeredFeatures = init.features;
    this.#token = init.token;
    this.#client = init.client;
    this.#connectionOptions = init.connectionOptions;
    this.#tracker = init.tracker;
    this.#connection = init.connection;
    const sessionId = stringField(init.welcome.session_id) ?? stringField(payloadOf(init.welcome).session_id);
    if (sessionId === undefined) {
      throw new HarnessError('protocol', 'session.welcome carries no session_id (neither on the envelope nor in the payload)', {
        redact: (t) => this.transcript.redactor.redactText(t),
      });
    }
    this.sessionId = sessionId;
    this.#adopt(init.connection, init.welcome);
  }

  /** The connection in use (replaced by `resume`). */
  get connection(): Connection {
    return this.#connection;
  }

  /** The latest welcome, redacted, as the transcript keeps it (over the frame bound: its skeleton, transcript-elide.ts). */
  get welcome(): WireFrame {
    return this.#welcome;
  }

  /** The intersection of offered and welcomed features (v1.1 §6.2), from the latest welcome. */
  get features(): ReadonlySet<string> {
    return this.#features;
  }

  get agents(): readonly AgentInfo[] {
    return this.#agents;
  }

  /** The shape of the latest welcome's agent inventory, judged on the whole frame. */
  get agentInventory(): AgentInventory {
    return this.#agentInventory;
  }

  get heartbeatIntervalSec(): number | undefined {
    return numberField(payloadOf(this.#welcome).heartbeat_interval_sec);
  }

  get resumeWindowSec(): number | undefined {
    return numberField(payloadOf(this.#welcome).resume_window_sec);
  }

  /** The real latest resume token. Never log it; compare it, or hand it to `resume`. */
  get resumeToken(): string | undefined {
    return this.#resumeToken;
  }

  /** Highest `event_seq` received on any connection of this session. */
  get lastEventSeq(): number | undefined {
    return this.#tracker.highestSeq;
  }

  /** Sends on the current connection with the session id on the envelope; returns the message id. */
  send(type: string, payload: unknown, envelope: Envelope = {}): string {
    return this.#connection.send(type, payload, { session_id: this.sessionId, ...envelope });
  }

  mark(): Mark {
    return this.#connection.mark();
  }

  waitFor(predicate: FramePredicate, options: WaitOptions): Promise<WireFrame> {
    return this.#connection.waitFor(predicate, options);
  }

  watch(predicate: FramePredicate, options: WatchOptions): Promise<WireFrame | undefined> {
    return this.#connection.watch(predicate, options);
  }

  /** Marks, sends, and waits for the first frame `match` accepts for this request id. */
  request(type: string, payload: unknown, match: ReplyPredicate, options: RequestOptions): Promise<WireFrame> {
    const after = this.mark();
    const requestId = this.send(type, payload, options.envelope);
    return this.waitFor((frame, entry) => match(frame, requestId, entry), {
      description: options.description,
      after,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** Cuts the current connection abruptly (no close frame). */
  drop(): void {
    this.#connection.drop();
  }

  /**
   * Sends the profile's close message, waits (bounded) for the ack and for the server to
   * close the socket, then makes sure the socket is closed. Judging the outcome is the test's.
   */
  async close(options: CloseOptions = {}): Promise<CloseResult> {
    const connection = this.#connection;
    const timeoutMs = options.timeoutMs ?? connection.timeoutMs;
    const form = this.profile.closeForm;
    const after = connection.mark();
    this.send(form, options.reason === undefined ? {} : { reason: options.reason });
    const ackTypes = form === 'session.bye' ? ['session.closed', 'session.bye'] : ['session.closed'];
    const ack = await connection.watch(isType(...ackTypes), { description: ackTypes.join(' or '), forMs: timeoutMs, after });
    const socketTimeoutMs = options.socketTimeoutMs ?? Math.min(timeoutMs, 1000);
    const socketClosed = (await connection.closedWithin(socketTimeoutMs)) !== undefined;
    if (!socketClosed) await connection.closeSocket();
    return { closedAck: ack !== undefined, socketClosed };
  }

  /**
   * Resumes on a new connection of the same transcript with the profile's resume form, the
   * latest resume token and `lastEventSeq`. On success the new connection becomes current;
   * on failure (`rejected`, `timeout`, `unreachable`) the session is unchanged.
   */
  async resume(options: ResumeOptions = {}): Promise<Resumed> {
    const resumeToken = options.token ?? this.#resumeToken;
    const redact = (text: string) => this.transcript.redactor.redactText(text);
    if (resumeToken === undefined) {
      throw new HarnessError('protocol', 'cannot resume: the welcome carried no resume_token', { redact });
    }
    const authToken = options.authToken ?? this.#token;
    this.transcript.redactor.addSecret(authToken);
    this.transcript.redactor.addSecret(resumeToken);
    const timeoutMs = options.timeoutMs ?? this.#connectionOptions.timeoutMs ?? DEFAULT_WAIT_MS;
    const label = options.label ?? this.#connectionOptions.label;
    const connection = await openConnection(this.url, {
      ...this.#connectionOptions,
      timeoutMs,
      ...(label === undefined ? {} : { label }),
    });
    this.#tracker.attach(connection);
    // The resumed session still holds its jobs: their job.errors stay terminals.
    connection.holdings = this.#connection.holdings;
    const request = resumeRequest(this.profile.resumeForm, {
      client: this.#client,
      token: authToken,
      features: this.offeredFeatures,
      sessionId: this.sessionId,
      resumeToken,
      lastEventSeq: options.lastEventSeq ?? this.#tracker.highestSeq ?? 0,
    });
    let welcome: WireFrame;
    try {
      connection.send(request.type, request.payload, request.envelope);
      welcome = await awaitWelcome(connection, timeoutMs);
    } catch (error) {
      await closeQuietly(connection);
      throw error;
    }
    this.#adopt(connection, welcome);
    const welcomeIndex = this.transcript.entryOf(welcome)?.index ?? Number.POSITIVE_INFINITY;
    const beforeWelcome = connection.inbox
      .filter((entry) => entry.index < welcomeIndex)
      .map((entry) => entry.frame)
      .filter(isWireFrame);
    return { welcome: this.#welcome, connection, mark: 0, beforeWelcome };
  }

  toJSON(): Record<string, unknown> {
    return {
      sessionId: this.sessionId,
      connection: this.#connection.id,
      features: [...this.#features],
      lastEventSeq: this.lastEventSeq,
    };
  }

  #adopt(connection: Connection, welcome: WireFrame): void {
    this.#connection = connection;
    // What the transcript keeps of it (a welcome over the frame bound: its skeleton); all the
    // session needs from the whole frame is read here, once.
    this.#welcome = (this.transcript.entryOf(welcome)?.frame as WireFrame | undefined) ?? welcome;
    this.#resumeToken = this.#tracker.realTokens.get(welcome);
    const accepted = capabilitiesOf(welcome).features;
    const welcomed = Array.isArray(accepted) ? accepted.filter((f): f is string => typeof f === 'string') : [];
    this.#features = new Set(negotiateFeatures(this.offeredFeatures, welcomed));
    this.#agents = agentsOf(welcome, this.profile.agent);
    this.#agentInventory = inventoryOf(welcome);
    connection.sessionId = this.sessionId;
  }
}

export type { CloseInfo };
