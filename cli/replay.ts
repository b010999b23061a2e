// The seam between the `replay` command and the property suites that own the replay
// machinery. The property work registers an engine; until it does, `replay` says so and
// exits 2. The CLI looks for the engine in REPLAY_ENGINE_MODULE, which must export
// `replayEngine: ReplayEngine` (or call registerReplayEngine when imported).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Profile } from '../suites/harness/config.ts';
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
import type { ReplayFixture } from './fixture-schema.ts';
import { KIT_ROOT } from './paths.ts';

export interface ReplayViolation {
  readonly requirement: string;
  readonly message: string;
  /** Transcript indexes of the frames that prove it. */
  readonly witnesses: readonly number[];
}

export interface ReplayResult {
  readonly violations: readonly ReplayViolation[];
  /** The new transcript, redacted. */
  readonly transcript: readonly TranscriptEntry[];
  /** Why the run could not carry out the scenario (jobs not accepted, a session lost); absent when it did. */
  readonly unexercised?: string;
}

export interface ReplayTarget {
  readonly url: string;
  readonly tokens: { readonly primary: string; readonly secondary?: string };
  readonly timeoutMs: number;
  readonly profile: Profile;
  /** The server process, when the kit started it (--server-cmd): fixtures of leaks sample its memory. */
  readonly serverPid?: number;
}

export interface ReplayEngine {
  replay(fixture: ReplayFixture, target: ReplayTarget): Promise<ReplayResult>;
}

/** Where the property suites put their engine, relative to the kit root. */
export const REPLAY_ENGINE_MODULE = 'suites/properties/replay-engine.ts';

let registered: ReplayEngine | undefined;

export function registerReplayEngine(engine: ReplayEngine): void {
  registered = engine;
}

function isEngine(value: unknown): value is ReplayEngine {
  return typeof value === 'object' && value !== null && typeof (value as ReplayEngine).replay === 'function';
}

/** The registered engine, loading REPLAY_ENGINE_MODULE first if it exists. */
export async function findReplayEngine(): Promise<ReplayEngine | undefined> {
  if (registered) return registered;
  const path = resolve(KIT_ROOT, REPLAY_ENGINE_MODULE);
  if (!existsSync(path)) return undefined;
  const module: Record<string, unknown> = await import(pathToFileURL(path).href);
  if (!registered && isEngine(module.replayEngine)) registered = module.replayEngine;
  return registered;
}
