// One handshake before the suites run: connect, send session.hello with the primary token,
// expect session.welcome within the timeout. An unreachable URL or a refused token then
// costs one clear line and exit 2 instead of a wall of failing tests. A plain ws client
// of its own, so nothing here depends on the harness under test but one pure parser: a
// welcome listing many thousand agents is read as the suites read it (long-agent-lists.ts).
import { ulid } from '../spec/ulid.ts';
import WebSocket from 'ws';
import { negotiateFeatures } from '../spec/features.ts';
import { ARCP_VERSION } from '../spec/messages.ts';
import type { Profile } from '../suites/harness/config.ts';
import { parseBoundingAgentList } from '../suites/harness/long-agent-lists.ts';
import { UsageError } from './errors.ts';
import { publicUrl } from './target.ts';

export interface PreflightOptions {
  readonly url: string;
  readonly token: string;
  /** Names the token in messages (`ARCP_TOKEN`), never its value. */
  readonly tokenName: string;
  readonly profile: Profile;
  readonly timeoutMs: number;
}

export interface PreflightResult {
  readonly runtime?: { readonly name: string; readonly version: string };
  /** The effective feature set: what the hello offered and the welcome accepted. */
  readonly features: readonly string[];
  readonly agents: readonly string[];
  /** Agents the welcome listed beyond `agents` (a list of many thousand is kept bounded). */
  readonly agentsUnlisted: number;
  /** Whether the profile's conformance agent is in the welcome's inventory. */
  readonly agentListed: boolean;
  /** From sending the hello to receiving the welcome: how quickly this server answers. */
  readonly roundTripMs: number;
}

export class PreflightError extends UsageError {}

type Loose = Record<string, unknown>;

function obj(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

/** A server-provided string made safe for one line of terminal output. */
function quoteServer(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const clean = text.replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function agentNames(agents: unknown): string[] {
  if (!Array.isArray(agents)) return [];
  return agents
    .map((a) => (typeof a === 'string' ? a : obj(a).name))
    .filter((n): n is string => typeof n === 'string')
    .map((n) => n.split('@')[0] as string);
}

function describeWelcome(frame: Loose, profile: Profile, agentsUnlisted: number): Omit<PreflightResult, 'roundTripMs'> {
  const payload = obj(frame.payload);
  const capabilities = obj(payload.capabilities);
  const accepted = Array.isArray(capabilities.features) ? capabilities.features.filter((f): f is string => typeof f === 'string') : [];
  const runtime = obj(payload.runtime);
  const agents = agentNames(capabilities.agents);
  return {
    ...(typeof runtime.name === 'string'
      ? { runtime: { name: quoteServer(runtime.name, 60), version: quoteServer(runtime.version ?? '', 30) } }
      : {}),
    features: negotiateFeatures(profile.features, accepted),
    agents: agents.map((a) => quoteServer(a, 60)),
    agentsUnlisted,
    agentListed: agents.includes(profile.agent),
  };
}

function connectError(error: Error & { code?: string }, where: string): string {
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
  };
  const why = (error.code && reasons[error.code]) ?? quoteServer(error.message, 120);
  return `cannot connect to ${where}: ${why}${error.code ? ` (${error.code})` : ''}`;
}

/** Runs the handshake; resolves with what the welcome said, or throws a PreflightError. */
export function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const where = publicUrl(options.url);
  const { profile, timeoutMs } = options;
  return new Promise<PreflightResult>((resolve, reject) => {
    let settled = false;
    const ws = new WebSocket(options.url, profile.subprotocol === undefined ? [] : [profile.subprotocol], {
      handshakeTimeout: timeoutMs,
      maxPayload: 16 * 1024 * 1024,
    });
    const finish = (outcome: { result: PreflightResult } | { error: string }, sessionId?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('result' in outcome && ws.readyState === WebSocket.OPEN) {
        // Say goodbye politely; the suites start fresh sessions of their own.
        const type = profile.closeForm;
        try {
          ws.send(JSON.stringify({ arcp: ARCP_VERSION, id: ulid(), type, ...(sessionId ? { session_id: sessionId } : {}), payload: { reason: 'preflight done' } }));
        } catch {
          // The socket is closing anyway.
        }
      }
      closeQuietly(ws);
      if ('result' in outcome) resolve(outcome.result);
      else reject(new PreflightError(outcome.error));
    };
    const timer = setTimeout(() => {
      const stage = ws.readyState === WebSocket.OPEN ? 'no session.welcome' : 'no WebSocket connection';
      finish({ error: `${stage} from ${where} within ${timeoutMs} ms (raise it with --timeout MS)` });
    }, timeoutMs);

    ws.on('unexpected-response', (_request, response) => {
      const status = `HTTP ${response.statusCode ?? '?'}${response.statusMessage ? ` ${quoteServer(response.statusMessage, 60)}` : ''}`;
      const hint = response.statusCode === 401 || response.statusCode === 403 ? ' (the server wants credentials at the HTTP level?)' : '';
      response.resume();
      finish({ error: `${where} refused the WebSocket upgrade with ${status}${hint}` });
    });
    ws.on('error', (error: Error & { code?: string }) => finish({ error: connectError(error, where) }));
    let helloSentAt = 0;
    ws.on('open', () => {
      helloSentAt = performance.now();
      const hello = {
        arcp: ARCP_VERSION,
        id: ulid(),
        type: 'session.hello',
        payload: {
          client: profile.client,
          auth: { scheme: 'bearer', token: options.token },
          capabilities: { encodings: ['json'], features: profile.features },
        },
      };
      ws.send(JSON.stringify(hello));
    });
    ws.on('message', (data) => {
      let frame: Loose;
      let agentsUnlisted = 0;
      try {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
        const bounded = parseBoundingAgentList(bytes, () => [Buffer.from(JSON.stringify(profile.agent))]);
        agentsUnlisted = bounded?.agentsElided ?? 0;
        frame = obj(bounded === undefined ? JSON.parse(bytes.toString('utf8')) : bounded.value);
      } catch {
        finish({ error: `${where} answered the hello with a frame that is not JSON` });
        return;
      }
      if (frame.type === 'session.welcome') {
        const sessionId = typeof frame.session_id === 'string' ? frame.session_id : obj(frame.payload).session_id;
        const roundTripMs = performance.now() - helloSentAt;
        finish({ result: { ...describeWelcome(frame, profile, agentsUnlisted), roundTripMs } }, typeof sessionId === 'string' ? sessionId : undefined);
      } else if (frame.type === 'session.error') {
        const payload = obj(frame.payload);
        const code = quoteServer(payload.code ?? '(no code)', 40);
        const message = payload.message === undefined ? '' : `: ${quoteServer(payload.message)}`;
        finish({
          error:
            code === 'UNAUTHENTICATED'
              ? `${where} rejected ${options.tokenName} (session.error UNAUTHENTICATED${message})`
              : `${where} refused the hello with session.error ${code}${message}`,
        });
      }
      // Anything else before the welcome (a ping, a vendor frame) is not the preflight's business.
    });
    ws.on('close', (code, reason) => {
      const why = `${code}${reason.length > 0 ? ` ${quoteServer(reason.toString('utf8'), 80)}` : ''}`;
      finish({
        error: `${where} closed the connection before any session.welcome (close ${why}): is ${options.tokenName} valid for this server?`,
      });
    });
  });
}

function closeQuietly(ws: WebSocket): void {
  ws.removeAllListeners('message');
  ws.on('error', () => {});
  if (ws.readyState === WebSocket.OPEN) {
    ws.close(1000, 'preflight done');
    // A server that never answers the close must not keep the process alive.
    setTimeout(() => ws.terminate(), 1000).unref();
  } else if (ws.readyState === WebSocket.CONNECTING) {
    ws.terminate();
  }
}
