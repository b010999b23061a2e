// The three properties: which scenarios each generates, which history checkers judge its
// runs, the requirement ids it declares (exactly those its checkers can report on its
// scenarios), and its default run budget: measured against the embedded reference runtime
// (one property at a time, 2-core machine) 120 concurrent-emitter runs take ~8 s, 200
// duplicate-cancel runs ~7 s and 100 mid-job-disconnect runs ~8 s, so the three together
// stay within 20-30 s. ARCP_RUNS overrides them.
import type fc from 'fast-check';
import {
  cancelChecker,
  chunkChecker,
  credentialChecker,
  envelopeChecker,
  errorPayloadChecker,
  listingChecker,
  livenessChecker,
  markerChecker,
  resumeChecker,
  sequenceChecker,
  statusChecker,
  terminalChecker,
  type CheckerFactory,
} from '../checkers/index.ts';
import type { Profile } from '../harness/config.ts';
import { outcomeChecker } from '../checkers/outcome-checker.ts';
import { PROPERTY_NAMES, type PropertyName, type Scenario } from './scenario.ts';
import type { Capabilities } from './scenarios/capabilities.ts';
import { concurrentEmitters } from './scenarios/concurrent-emitters.ts';
import { duplicateCancels } from './scenarios/duplicate-cancels.ts';
import { midJobDisconnects } from './scenarios/mid-job-disconnects.ts';

export interface PropertyDefinition {
  readonly name: PropertyName;
  /** Test title, in plain words. */
  readonly title: string;
  /** Its checkers under the default profile; `checkersFor` adapts them to a target's policies. */
  readonly checkers: readonly CheckerFactory[];
  /** The ids the property judges: its checkers' ids that its scenarios can exercise. */
  readonly requirements: readonly string[];
  /** Runs per property run when ARCP_RUNS is not set. */
  readonly defaultRuns: number;
  arbitrary(caps: Capabilities): fc.Arbitrary<Scenario>;
}

function judged(checkers: readonly CheckerFactory[], unreachable: readonly string[]): string[] {
  const ids = new Set(checkers.flatMap((c) => c.requirements));
  for (const id of unreachable) ids.delete(id);
  return [...ids].sort();
}

// Checkers every property runs: order, envelopes, terminals, markers, status, error payloads.
const CORE: readonly CheckerFactory[] = [sequenceChecker, envelopeChecker, terminalChecker, statusChecker, markerChecker, errorPayloadChecker, livenessChecker, outcomeChecker];

// Ids a scenario without cancels / without disconnects / without foreign listings can never produce.
const CANCEL_IDS = ['CANCEL-001', 'CANCEL-002', 'CANCEL-003', 'CANCEL-004', 'CANCEL-006', 'CANCEL-007'];
const DISCONNECT_IDS = ['SEQ-004', 'LIFE-006', 'CLOSE-002', 'CLOSE-003', 'RESUME-001', 'RESUME-002', 'RESUME-003', 'RESUME-004'];
const LISTING_IDS = ['CRED-005'];

// Only concurrent-emitters lists jobs from the other principal's session (LIST-002, CRED-005).
const concurrentCheckers = [...CORE, chunkChecker, credentialChecker, listingChecker];
const cancelCheckers = [...CORE, cancelChecker, credentialChecker];
const disconnectCheckers = [...CORE, resumeChecker, chunkChecker];

export const PROPERTIES: Readonly<Record<PropertyName, PropertyDefinition>> = {
  'concurrent-emitters': {
    name: 'concurrent-emitters',
    title: 'concurrent emitters (parallel branches, runtime events, subscribers) keep every session history valid',
    checkers: concurrentCheckers,
    requirements: judged(concurrentCheckers, [...CANCEL_IDS, ...DISCONNECT_IDS]),
    defaultRuns: 120,
    arbitrary: concurrentEmitters,
  },
  'duplicate-cancels': {
    name: 'duplicate-cancels',
    title: 'duplicate, late and unauthorized cancels never yield a second terminal or a changed status',
    checkers: cancelCheckers,
    requirements: judged(cancelCheckers, DISCONNECT_IDS),
    defaultRuns: 200,
    arbitrary: duplicateCancels,
  },
  'mid-job-disconnects': {
    name: 'mid-job-disconnects',
    title: 'drops, closes and resumes mid-job lose, repeat or reorder nothing',
    checkers: disconnectCheckers,
    requirements: judged(disconnectCheckers, [...CANCEL_IDS, ...LISTING_IDS]),
    defaultRuns: 100,
    arbitrary: midJobDisconnects,
  },
};

/**
 * The property's checkers for a target: the listing checker judges the usual policy (a
 * principal lists only its own jobs) and is left out where the profile's listPolicy is
 * `any`, which lists other principals' jobs on purpose.
 */
export function checkersFor(property: PropertyDefinition, profile: Pick<Profile, 'listPolicy'>): readonly CheckerFactory[] {
  return profile.listPolicy === 'own' ? property.checkers : property.checkers.filter((c) => c !== listingChecker);
}

export function propertyByName(name: string): PropertyDefinition | undefined {
  return (PROPERTY_NAMES as readonly string[]).includes(name) ? PROPERTIES[name as PropertyName] : undefined;
}
