// Legal variants (DESIGN §5, §8): the mirror of defects.ts. Each is a behaviour the spec
// ALLOWS and real servers have, where our reference made the other legal choice. The kit
// must pass the reference with any of them on (suites/variant-matrix.test.ts). Every entry
// quotes the sentence that allows it; where the spec is silent, the sentence says so.
import { isUlid } from '../spec/ulid.ts';
import { Switches } from './switches.ts';

export interface Variant {
  readonly name: string;
  /** The spec text that makes the behaviour legal (section and quote, or the silence). */
  readonly allowedBy: string;
  /** One line for `serve --help`. */
  readonly description: string;
  /**
   * The profile a kit run needs against a runtime with this variant (a deployment policy the
   * vendor would declare): merged into the embedded run's profile.
   */
  readonly profile?: Readonly<Record<string, string>>;
}

export const VARIANTS = [
  {
    name: 'ulid-ids',
    allowedBy:
      'v1.0 §5.1: "`id` (string, REQUIRED): Per-message unique identifier. SHOULD be a ULID or UUIDv7."; ' +
      'v1.1 §12: INVALID_REQUEST is "Malformed envelope or schema violation" (a runtime may hold senders to the SHOULD)',
    description: 'refuse a frame whose envelope id is not a ULID or UUIDv7 with session.error INVALID_REQUEST',
  },
  {
    name: 'job-error-rejections',
    allowedBy:
      'v1.1 §12 names the error codes, not the message that carries them; v1.0 §5.1: `job_id` is "REQUIRED when applicable" ' +
      '(DESIGN §5: a rejected request may come back as session.error or job.error)',
    description:
      'reject job.submit/cancel/subscribe/unsubscribe with job.error carrying a job_id: the target\'s id (cancel, subscribe) or the ' +
      'original job\'s id (DUPLICATE_KEY) when this session does not hold that job, else a fresh id',
  },
  {
    name: 'runtime-status-event',
    allowedBy:
      'v1.1 §8.2: `status` is a defined kind with body `{ phase, message? }`; spec/conformance-agent.md: "Events the *runtime* adds on ' +
      'its own ... carry no marker"',
    description: 'a job.event status {phase: running} (no marker) before the agent\'s first event',
  },
  {
    name: 'forget-finished-jobs',
    allowedBy:
      'v1.1 §6.6: "the runtime returns jobs the session\'s authenticated principal is permitted to observe. Typically: jobs submitted ' +
      'by this principal." (no sentence says for how long; LIST-007 keeping them is a SHOULD of ours)',
    description: 'session.list_jobs no longer lists a job once it has reached its terminal',
  },
  {
    name: 'proactive-lease-expiry',
    allowedBy: 'v1.1 §9.5: "The runtime MAY proactively terminate jobs whose leases have expired without waiting for a violation."',
    description: 'the lease watchdog ends a job with LEASE_EXPIRED at expires_at itself, with no grace',
  },
  {
    name: 'cancel-no-linger',
    allowedBy:
      'v1.0 §7.4: the runtime "MUST emit a `job.error` with `final_status: \\"cancelled\\"` within a bounded grace period" ' +
      '(at once is within it); "the runtime MAY forcibly terminate the agent process"',
    description: 'an accepted cancel ends the job at once, whatever the script\'s on_cancel.linger_ms',
  },
  {
    name: 'silent-foreign-cancel',
    allowedBy:
      'v1.1 §7.6: "Cancellation is reserved for the session that submitted the job." (no sentence requires a reply to any other); ' +
      'v1.1 §6.6: "MUST NOT leak job existence", so a cancel of an unknown job is ignored the same way',
    description: 'a job.cancel from another principal, or for a job id this principal cannot see, is ignored without a reply',
  },
  {
    name: 'drop-pre-hello',
    allowedBy:
      'v1.0 §6.1-6.2: a session begins with session.hello; no sentence requires answering another frame sent before it',
    description: 'frames other than session.hello/session.resume before the welcome are dropped without a reply',
  },
  {
    name: 'malformed-closes',
    allowedBy:
      'v1.1 §4 / v1.0 §4.1: messages are "text frames containing JSON payloads"; no sentence requires answering a frame that is not ' +
      'an ARCP envelope (payload schema violations still get INVALID_REQUEST, v1.1 §9.5 requires it for expires_at)',
    description: 'a frame that is not an ARCP envelope (not JSON, not an object, bad arcp/type) closes the transport (1007), no reply',
  },
  {
    name: 'no-next-cursor',
    allowedBy: 'v1.1 §6.6: the example shows `"next_cursor": null`; no sentence requires the key when there is no next page',
    description: 'session.jobs omits next_cursor when there is no next page',
  },
  {
    name: 'result-field-renamed',
    allowedBy: 'v1.1 §8.4 / v1.0 §7.3: job.result carries final_status; no sentence names the field of an inline result',
    description: 'job.result carries the inline result under `output` instead of `result`',
  },
  {
    name: 'no-session-closed',
    allowedBy:
      'v1.1 §6.7: "The runtime acknowledges with `session.closed`." (no MUST; CLOSE-001 is a SHOULD); v1.0 §6.4: "Either party MAY initiate ' +
      'clean session closure"',
    description: 'session.close closes the transport without sending session.closed',
  },
  {
    name: 'frame-limit-64k',
    allowedBy: 'RFC 6455 §10.4: "Implementations that have implementation- and/or platform-specific limitations regarding the frame size ... MUST protect themselves"; ARCP sets no minimum frame size',
    description: 'inbound frames over 64 KiB close the transport with 1009 (a common server default)',
  },
  {
    name: 'open-subscribe',
    allowedBy:
      'v1.1 §7.6: "Other principals are governed by deployment policy."; v1.1 §6.6: "The runtime MAY include jobs from other principals ' +
      'if deployment policy permits."; v1.1 §14: "require explicit policy configuration to broaden it" (this variant is that configuration)',
    description: 'any principal may subscribe to and list any job (declared in the profile: subscribePolicy any, listPolicy any)',
    profile: { subscribePolicy: 'any', listPolicy: 'any' },
  },
  {
    name: 'agent-without-optional-steps',
    allowedBy:
      'spec/conformance-agent.md "Optional steps": a conformance agent MAY leave out delegate and rotate_credential, and rejects a ' +
      'script using them with INVALID_REQUEST; v1.1 §10: "An agent MAY delegate"; v1.1 §9.8.2: "The runtime MAY rotate or re-issue a credential mid-job"',
    description: 'the conformance agent knows no delegate or rotate_credential step: a script with one is rejected with INVALID_REQUEST',
  },
] as const satisfies readonly Variant[];

export type VariantName = (typeof VARIANTS)[number]['name'];

export const VARIANT_NAMES: readonly VariantName[] = VARIANTS.map((v) => v.name);

export function isVariantName(name: string): name is VariantName {
  return (VARIANT_NAMES as readonly string[]).includes(name);
}

/** The merged profile a kit run needs against a runtime with `names` on. */
export function variantProfile(names: readonly VariantName[]): Record<string, string> {
  const profile: Record<string, string> = {};
  for (const variant of VARIANTS) {
    if (names.includes(variant.name) && 'profile' in variant) Object.assign(profile, variant.profile);
  }
  return profile;
}

/** The variants switched on for one runtime. */
export class Variants extends Switches<VariantName> {
  constructor(names: readonly VariantName[] = []) {
    super('variant', VARIANT_NAMES, names);
  }
}

/** Inbound envelope ids the ulid-ids variant accepts: a ULID (Crockford base32) or a UUIDv7. */
export function isUlidOrUuidV7(id: unknown): boolean {
  return typeof id === 'string' && (isUlid(id) || UUID_V7.test(id));
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
