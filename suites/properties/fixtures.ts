// Saved failing scenarios: the shrunk counterexample of a property, with the seed and path
// that produced it, its redacted transcript, the violated requirement ids and the command
// that replays it. The format is the contract in cli/fixture-schema.ts (`version: 1`); the
// extra fields (`property`, `violations`) are allowed there. Fixtures go to ARCP_FIXTURES_DIR
// when it is set (the CLI points it at its --out directory, so CI runs leave the repo
// clean), else to fixtures/seeds/ of the kit.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Violation } from '../checkers/index.ts';
import { displayUrl } from '../harness/connection.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import type { PropertyName, Scenario } from './scenario.ts';

export const FIXTURE_VERSION = 1;

/** The kit's root directory. */
export const KIT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Committed fixtures: audit seeds and saved property failures. */
export const FIXTURES_ROOT = join(KIT_ROOT, 'fixtures');
export const AUDIT_FIXTURES_DIR = join(FIXTURES_ROOT, 'audit');
export const SEED_FIXTURES_DIR = join(FIXTURES_ROOT, 'seeds');

export interface Fixture {
  readonly version: typeof FIXTURE_VERSION;
  readonly seed: number;
  readonly path?: string;
  readonly property: PropertyName;
  readonly scenario: Scenario;
  readonly violated: readonly string[];
  /** One sentence per violation, with the transcript indices that prove it. */
  readonly violations: readonly Pick<Violation, 'requirement' | 'message' | 'witnesses'>[];
  readonly transcript: readonly TranscriptEntry[];
  /** Set when the transcript passed SEED_TRANSCRIPT_CHARS: entries left out (the witnesses and their neighbours stay). */
  readonly transcriptElided?: { readonly entries: number; readonly budgetChars: number };
  readonly command: string;
  readonly reproduced?: { readonly runs: number; readonly hits: number };
  readonly defect?: string;
  readonly report?: string;
}

export interface FixtureInput {
  readonly property: PropertyName;
  readonly seed: number;
  readonly path: string | undefined;
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  readonly transcript: readonly TranscriptEntry[];
  readonly reproduced?: { readonly runs: number; readonly hits: number };
  /** The server it failed against; shown (scheme, host, path only) in the command. */
  readonly url?: string;
  readonly defect?: string;
  readonly report?: string;
}

/** Where new fixtures go: ARCP_FIXTURES_DIR, else fixtures/seeds/. */
export function fixturesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env.ARCP_FIXTURES_DIR?.trim();
  return dir === undefined || dir === '' ? SEED_FIXTURES_DIR : resolve(dir);
}

/** The file name of a property failure: `<property>-<seed>.json`. */
export function fixtureFileName(property: string, seed: number): string {
  return `${property}-${seed}.json`;
}

/** The replay command as printed in reports; the path is relative to the working directory when inside it. */
export function replayCommand(file: string, options: { url?: string; defect?: string } = {}): string {
  const rel = relative(process.cwd(), file);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  const parts = ['npx arcp-conformance replay', /\s/.test(shown) ? JSON.stringify(shown) : shown];
  if (options.url !== undefined) parts.push('--url', displayUrl(options.url));
  if (options.defect !== undefined) parts.push('--defect', options.defect);
  return parts.join(' ');
}

/** Characters of transcript JSON a seed keeps in full; past it, the start, the end and the witnesses' windows. */
export const SEED_TRANSCRIPT_CHARS = 8 * 1024 * 1024;
const SEED_KEEP_ENDS = 64;
const SEED_WITNESS_RADIUS = 8;

/** The transcript within the seed budget, and how many entries were left out. */
export function seedTranscript(
  transcript: readonly TranscriptEntry[],
  witnesses: readonly number[],
  budgetChars = SEED_TRANSCRIPT_CHARS,
): { transcript: readonly TranscriptEntry[]; elided: number } {
  let chars = 0;
  for (const entry of transcript) {
    chars += (JSON.stringify(entry) ?? '').length;
    if (chars > budgetChars) break;
  }
  if (chars <= budgetChars) return { transcript, elided: 0 };
  const near = (index: number) => witnesses.some((w) => Math.abs(w - index) <= SEED_WITNESS_RADIUS);
  const kept = transcript.filter((e, k) => k < SEED_KEEP_ENDS || k >= transcript.length - SEED_KEEP_ENDS || near(e.index));
  return { transcript: kept, elided: transcript.length - kept.length };
}

export function buildFixture(input: FixtureInput, file: string): Fixture {
  const violated = [...new Set(input.violations.map((v) => v.requirement))].sort();
  const seed = seedTranscript(input.transcript, input.violations.flatMap((v) => v.witnesses));
  return {
    version: FIXTURE_VERSION,
    seed: input.seed,
    ...(input.path === undefined ? {} : { path: input.path }),
    property: input.property,
    scenario: input.scenario,
    violated,
    violations: input.violations.map(({ requirement, message, witnesses }) => ({ requirement, message, witnesses })),
    transcript: seed.transcript,
    ...(seed.elided === 0 ? {} : { transcriptElided: { entries: seed.elided, budgetChars: SEED_TRANSCRIPT_CHARS } }),
    command: replayCommand(file, { ...(input.url === undefined ? {} : { url: input.url }), ...(input.defect === undefined ? {} : { defect: input.defect }) }),
    ...(input.reproduced === undefined ? {} : { reproduced: input.reproduced }),
    ...(input.defect === undefined ? {} : { defect: input.defect }),
    ...(input.report === undefined ? {} : { report: input.report }),
  };
}

/**
 * Writes a fixture and returns its path. `secretsIn` names the kinds of secret a text holds
 * (ScenarioRun.secretsIn): the transcript is redacted already; this is the last check, and
 * a fixture that would hold one is refused, never written.
 */
export function writeFixture(file: string, fixture: Fixture, secretsIn: (text: string) => readonly string[]): string {
  const text = `${JSON.stringify(fixture, null, 2)}\n`;
  const leaked = secretsIn(text);
  if (leaked.length > 0) throw new Error(`refusing to write fixture ${file}: it would contain a ${leaked.join(', ')}`);
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Every `*.json` fixture directly in `dir` (none when it does not exist), sorted by name. */
export function listFixtures(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(dir, n));
}

/** Reads a fixture file as JSON (validation is the reader's: parseScenario, cli/fixture-schema.ts). */
export function readFixtureJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
