// Switchable defects (DESIGN §6): each re-creates a real bug so the kit can prove it
// catches it. With none switched on the runtime has none of these bugs. Each is realistic:
// it shows on the wire only under the scenario that triggers the original bug.
import { Switches } from './switches.ts';

export interface Defect {
  readonly name: string;
  /** The requirement it breaks, in the spec's words (section). */
  readonly breaks: string;
  readonly description: string;
}

export const DEFECTS = [
  {
    name: 'seq-race',
    breaks: 'v1.1 §8.3 / v1.0 §8.3: event_seq strictly monotonic and gap-free on the wire',
    description: 'audit csharp-event-seq-reorder: seq is stamped, then an async hop of random length, then enqueued; concurrent emitters (parallel branches, lease watchdog, back-pressure status) can write a higher seq first',
  },
  {
    name: 'cancel-after-terminal',
    breaks: 'v1.1 §7.3-7.4: exactly one terminal per job; cancel applies only to a non-terminal job',
    description: 'audit ruby-cancel-after-terminal: cancelling a finished job emits a second terminal job.error CANCELLED and flips the stored status to cancelled',
  },
  {
    name: 'subscription-leak',
    breaks: 'v1.1 §6.7 / §7.6: a gone session must stop receiving fan-out (resource leak)',
    description: 'audit ruby-subscription-leak-on-close: an expired session stays attached to its jobs and fan-out keeps filling its dead outbox (visible in stats())',
  },
  {
    name: 'replay-drops-events',
    breaks: 'v1.0 §6.3 / §8.3: resume replays every event with seq > last_event_seq',
    description: 'off-by-one in resume: the first missed event (last_event_seq + 1) is not replayed',
  },
  {
    name: 'replay-duplicates',
    breaks: 'v1.0 §8.3: strictly monotonic event_seq across resume',
    description: 'off-by-one in resume: the event at last_event_seq is replayed again',
  },
  {
    name: 'resume-token-reused',
    breaks: 'v1.1 §6.3: the resume token rotates on every successful welcome',
    description: 'the welcome after a resume carries the same resume token, and that token keeps working',
  },
  {
    name: 'close-cancels-jobs',
    breaks: 'v1.1 §6.7: in-flight jobs are not affected by session.close',
    description: 'session.close cancels the running jobs the session submitted (job.error CANCELLED)',
  },
  {
    name: 'drop-kills-jobs',
    breaks: 'v1.1 §6.4 / v1.0 §1.2: jobs survive a transport drop and a heartbeat loss',
    description: 'when the transport drops, the jobs the session submitted end with job.error CANCELLED',
  },
  {
    name: 'subscriber-can-cancel',
    breaks: 'v1.1 §7.6 / §14: subscription does not confer cancel authority',
    description: 'cancel checks that the session observes the job instead of checking the submitting principal',
  },
  {
    name: 'credentials-leak',
    breaks: 'v1.1 §7.6 / §14: credentials reach only the submitting principal',
    description: 'job.subscribed carries the credentials whoever subscribes',
  },
  {
    name: 'event-after-terminal',
    breaks: 'v1.1 §7.3: nothing for a job follows its terminal',
    description: 'when one parallel branch ends the job, the other branches are not stopped and their events are still sent',
  },
  {
    name: 'seq-per-job',
    breaks: 'v1.0 §8.3: event_seq is session-scoped, shared by every job of the session',
    description: 'event_seq is counted per job and session, so two concurrent jobs in one session reuse numbers',
  },
  {
    name: 'subscribed-foreign-seq',
    breaks: 'v1.1 §7.6: subscribed events use the subscriber session_id and event_seq space',
    description: 'fan-out forwards the frame stamped for the submitting session (its session_id and seq) to subscribers',
  },
  {
    name: 'list-jobs-leak',
    breaks: 'v1.1 §6.6: list_jobs must not leak job existence across principals',
    description: 'session.list_jobs lists the jobs of every principal',
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
