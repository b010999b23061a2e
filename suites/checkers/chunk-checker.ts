// Result streaming (v1.1 §8.4), in each session's view of a job, counting each seq once:
// chunks of one result_id carry chunk_seq 0, 1, 2, ... (CHUNK-002; a subscriber that joined
// mid-stream starts wherever it starts); the last has `more: false` and nothing of that
// result_id follows it, and the job.result does not come before it (CHUNK-003); once a chunk
// was seen, the job's job.result names a streamed result_id and carries no inline `result`
// (CHUNK-004).
import type { FrameFacts, JobState, SessionState } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { chunkOf, isTerminalFrame, stringField } from './wire.ts';

const REQUIREMENTS = ['CHUNK-002', 'CHUNK-003', 'CHUNK-004'] as const;

interface ResultStream {
  /** The chunk_seq the next chunk must carry, once known. */
  next: number | undefined;
  lastIndex: number;
  doneIndex: number | undefined;
}

interface ChunkView {
  readonly session: SessionState;
  readonly job: JobState;
  readonly strict: boolean;
  readonly results: Map<string, ResultStream>;
  firstChunk: { readonly index: number; readonly resultId: string } | undefined;
}

class ChunkChecker extends FrameChecker {
  private readonly views = new Map<string, ChunkView>();

  constructor(context: CheckerContext) {
    super('chunk', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session, job } = facts;
    if (wire === undefined || !facts.fresh || session === undefined || job === undefined) return;
    if (isTerminalFrame(wire) && facts.priorTerminal === undefined) {
      if (wire.type === 'job.result') this.checkResult(facts);
      // Chunks after the terminal are terminal-checker.ts's LIFE-002: nothing left to keep.
      this.views.delete(`${session.id}\u0000${job.id}`);
      return;
    }
    const chunk = chunkOf(wire);
    if (chunk === undefined) return;
    const view = this.view(session, job);
    view.firstChunk ??= { index: entry.index, resultId: chunk.resultId };
    const where = `result ${chunk.resultId} of job ${job.id} in ${this.tracker.describeSession(session)}`;
    let stream = view.results.get(chunk.resultId);
    if (stream === undefined) {
      stream = { next: view.strict ? 0 : undefined, lastIndex: job.acceptedIndex ?? entry.index, doneIndex: undefined };
      view.results.set(chunk.resultId, stream);
    }
    if (stream.doneIndex !== undefined) {
      this.log.add('CHUNK-003', `A chunk (chunk_seq ${chunk.chunkSeq}) of ${where} arrived after its final chunk with more: false.`, [stream.doneIndex, entry.index]);
      return;
    }
    if (chunk.chunkSeq === undefined) return;
    if (stream.next !== undefined && chunk.chunkSeq !== stream.next) {
      this.log.add('CHUNK-002', `Chunk ${chunk.chunkSeq} of ${where} arrived where chunk ${stream.next} was due.`, [stream.lastIndex, entry.index]);
    }
    stream.next = chunk.chunkSeq + 1;
    stream.lastIndex = entry.index;
    if (chunk.more === false) stream.doneIndex = entry.index;
  }

  private view(session: SessionState, job: JobState): ChunkView {
    const key = `${session.id}\u0000${job.id}`;
    let view = this.views.get(key);
    if (view === undefined) {
      view = { session, job, strict: job.owners[0] === session.id, results: new Map(), firstChunk: undefined };
      this.views.set(key, view);
    }
    return view;
  }

  private checkResult(facts: FrameFacts): void {
    const { entry, wire, session, job } = facts;
    if (wire === undefined || session === undefined || job === undefined) return;
    const view = this.views.get(`${session.id}\u0000${job.id}`);
    const first = view?.firstChunk;
    if (view === undefined || first === undefined) return;
    const where = `job ${job.id} in ${this.tracker.describeSession(session)}`;
    const resultId = stringField(wire.payload, 'result_id');
    if (resultId === undefined) {
      this.log.add('CHUNK-004', `The job.result of ${where} carries no result_id although result ${first.resultId} was streamed in chunks.`, [first.index, entry.index]);
    } else if (!view.results.has(resultId)) {
      this.log.add('CHUNK-004', `The job.result of ${where} names result_id ${resultId}, but the streamed result was ${first.resultId}.`, [first.index, entry.index]);
    }
    if (Object.hasOwn(wire.payload, 'result')) {
      this.log.add('CHUNK-004', `The job.result of ${where} carries an inline result although the job streamed result chunks.`, [first.index, entry.index]);
    }
    const stream = resultId === undefined ? undefined : view.results.get(resultId);
    if (stream !== undefined && stream.doneIndex === undefined) {
      this.log.add('CHUNK-003', `The job.result of ${where} came before result ${resultId}'s final chunk with more: false.`, [stream.lastIndex, entry.index]);
    }
  }
}

export const chunkChecker: CheckerFactory = {
  name: 'chunk',
  requirements: REQUIREMENTS,
  create: (context) => new ChunkChecker(context),
};
