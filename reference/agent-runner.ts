// Runs a conformance-agent script (spec/conformance-agent.md) as a job's agent. Branches
// are async functions; `parallel` runs them concurrently, so their events interleave like
// any concurrent emitters. Back-to-back events are published in small synchronous batches,
// yielding between batches so other branches, timers and inbound acks get their turn, and
// waiting while a socket's unsent backlog is high (flow control).
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  chunkByteLength,
  chunkData,
  emitBody,
  failRetryable,
  type AgentScript,
  type ChunksStep,
  type DelegateStep,
  type EmitStep,
  type FailStep,
  type FinishStep,
  type Step,
  type ToolStep,
} from '../spec/agent-script.ts';
import type { DelegateRequest, Refusal } from './delegation.ts';
import { STOPPED, leaseExpiredPayload, type Job } from './job.ts';
import { randomId } from './ids.ts';
import { rotatedCredential } from './lease.ts';

/** Events published per synchronous batch before yielding. */
const BATCH = 256;

/** A streamed result up to this size counts as small (the small-stream-inlined defect). */
const SMALL_RESULT_BYTES = 1024;

/** The result-cap-truncates defect's cap on a streamed result (v1.1 §14's example chunk cap). */
const RESULT_CAP_BYTES = 1024 * 1024;

export interface RunnerOptions {
  /** The job.result field of an inline result (`output` under the result-field-renamed variant). */
  readonly resultField: string;
  /** Starts a delegated child job, or says why not (reference/delegation.ts). */
  readonly delegate: (request: DelegateRequest) => Refusal | undefined;
}

export class AgentRunner {
  readonly #job: Job;
  readonly #script: AgentScript;
  readonly #options: RunnerOptions;
  readonly #markers = new Map<string, number>();
  #calls = 0;
  #delegations = 0;
  #sinceYield = 0;
  #chunked: { result_id: string; result_size: number } | undefined;
  /** The streamed data while it is small (the small-stream-inlined defect inlines it). */
  #streamedText = '';
  /** x- kinds seen (the vendor-kind-reregistered defect registers each again). */
  readonly #vendorKinds = new Set<string>();
  /** BUDGET_EXHAUSTED denials so far (the lease-kill-via-cancel defect kills at the second). */
  #budgetDenials = 0;

  constructor(job: Job, script: AgentScript, options: RunnerOptions) {
    this.#job = job;
    this.#script = script;
    this.#options = options;
  }

  /** Runs to the job's terminal; never throws. */
  async run(): Promise<void> {
    const job = this.#job;
    try {
      await this.#runBranch(this.#script.steps, '0');
      await this.#finish({ op: 'finish' }); // steps ran out: success
    } catch (error) {
      if (error === STOPPED) return;
      const message = error instanceof Error ? error.message : String(error);
      await job.agentFinished('job.error', { code: 'INTERNAL_ERROR', message: `agent failed: ${message}`, retryable: true, final_status: 'error' }, 'error');
    }
  }

  /** `lastOfParallel`: the branch is the last of a parallel block (the parallel-tail-lost defect's corner). */
  async #runBranch(steps: readonly Step[], path: string, lastOfParallel = false): Promise<void> {
    const defects = this.#job.defects;
    let children = 0;
    for (const step of steps) {
      this.#checkStop();
      switch (step.op) {
        case 'emit': {
          const count = step.count ?? 1;
          const feature = step.kind === 'progress' ? 'progress' : undefined;
          const body = fixedBodyJson(step);
          const vendorKind = step.kind.startsWith('x-');
          if (step.kind === 'metric' && defects.has('budget-metered-by-unit')) this.#meterByUnit(step.body);
          // parallel-tail-lost: the join never flushes the last branch's buffer, which holds its final event.
          const tailLost = lastOfParallel && step === steps.at(-1) && defects.has('parallel-tail-lost');
          // The hot loop: synchronous unless a publish or a yield hands back a promise.
          for (let index = 0; index < count; index += 1) {
            const marker = this.#nextMarker(path);
            if (tailLost && index === count - 1) break;
            if (vendorKind) this.#registerVendorKind(step.kind);
            const pending = this.#publish(step.kind, body?.(marker) ?? emitBody(step, index, marker), feature);
            if (pending !== undefined) await pending;
          }
          break;
        }
        case 'sleep':
          await this.#sleep(step.ms, false);
          break;
        case 'wait_cancel':
          await this.#sleep(step.max_ms, true);
          break;
        case 'parallel': {
          const paths = step.branches.map(() => `${path}.${children++}`);
          const last = step.branches.length - 1;
          await Promise.all(step.branches.map((branch, k) => this.#runBranch(branch, paths[k] as string, k === last)));
          break;
        }
        case 'cost': {
          const name = `cost.${step.name ?? 'inference'}`;
          await this.#publish('metric', { name, value: step.amount, unit: step.currency, marker: this.#nextMarker(path) });
          const left = this.#job.lease.recordCost(step.currency, step.amount);
          // Runtime-originated (no marker), and only for sessions that negotiated cost.budget.
          if (left !== undefined) await this.#job.publishEvent('metric', { name: 'cost.budget.remaining', value: left, unit: step.currency }, 'cost.budget');
          break;
        }
        case 'tool':
          await this.#tool(path, step);
          break;
        case 'chunks':
          await this.#chunks(path, step);
          break;
        case 'delegate':
          await this.#delegate(path, step);
          break;
        case 'rotate_credential':
          await this.#job.rotateCredentials(rotatedCredential);
          break;
        case 'finish':
        case 'fail':
          await this.#finish(step);
          throw STOPPED; // a branch's finish/fail ends the whole job
      }
    }
  }

  /** The marker of the next event of branch `path` (DESIGN §4). */
  #nextMarker(path: string): { branch: string; i: number } {
    const i = this.#markers.get(path) ?? 0;
    this.#markers.set(path, i + 1);
    return { branch: path, i };
  }

  /**
   * Publishes one event. Every BATCH events it yields a turn (other branches, timers and
   * inbound acks run) and waits while a socket's backlog is high: the returned promise.
   */
  #publish(kind: string, body: Record<string, unknown> | string, feature?: 'progress' | 'result_chunk'): void | Promise<void> {
    this.#checkStop();
    const sent = this.#job.publishEvent(kind, body, feature);
    if (++this.#sinceYield < BATCH) return sent;
    this.#sinceYield = 0;
    return sent === undefined ? this.#yield() : sent.then(() => this.#yield());
  }

  async #yield(): Promise<void> {
    await nextTurn();
    await this.#job.waitForCapacity();
  }

  async #tool(path: string, step: ToolStep): Promise<void> {
    const job = this.#job;
    const call_id = `call_${++this.#calls}`;
    const capability = step.capability ?? 'tool.call';
    const target = step.target ?? step.tool;
    const op = { capability, target, ...(step.model === undefined ? {} : { model: step.model }) };
    const call = { tool: step.tool, call_id, args: op, marker: this.#nextMarker(path) };
    // denial-overtakes-call: a denial known before dispatch is published at once, ahead of its call.
    const early = job.defects.has('denial-overtakes-call') ? job.lease.authorize(op, Date.now()) : undefined;
    if (early !== undefined) {
      await this.#publish('tool_result', { call_id, error: { code: early.code, message: early.message, retryable: false }, marker: this.#nextMarker(path) });
      await this.#publish('tool_call', call);
      return this.#afterDenial(early.code);
    }
    await this.#publish('tool_call', call);
    await nextTurn(); // the tool "runs": other emitters may interleave between call and result
    this.#checkStop();
    const denial = job.lease.authorize(op, Date.now());
    const outcome = denial === undefined ? { result: { ok: true, tool: step.tool } } : { error: { code: denial.code, message: denial.message, retryable: false } };
    await this.#publish('tool_result', { call_id, ...outcome, marker: this.#nextMarker(path) });
    if (denial !== undefined) await this.#afterDenial(denial.code);
  }

  /**
   * v1.0 §10.1-10.2: the marked delegate event (the agent picks delegate_id, unique in the
   * job); a refusal comes back as an unmarked tool_result whose call_id is the delegate_id.
   */
  async #delegate(path: string, step: DelegateStep): Promise<void> {
    const delegate_id = `del_${++this.#delegations}`;
    const { agent, input, lease_request, lease_constraints } = step;
    const body = { delegate_id, agent, input, lease_request, ...(lease_constraints === undefined ? {} : { lease_constraints }), marker: this.#nextMarker(path) };
    await this.#publish('delegate', body);
    await nextTurn(); // the runtime handles the request: other emitters may interleave
    this.#checkStop();
    const refusal = this.#options.delegate({ delegateId: delegate_id, step });
    if (refusal === undefined) return;
    if (refusal.code === 'INVALID_REQUEST' && this.#job.defects.has('delegate-expiry-ends-parent')) {
      await this.#job.end('job.error', { code: refusal.code, message: refusal.message, retryable: false, final_status: 'error' }, 'error');
      throw STOPPED;
    }
    await this.#job.publishEvent('tool_result', { call_id: delegate_id, error: { code: refusal.code, message: refusal.message, retryable: false } });
    await this.#afterDenial(refusal.code);
  }

  /** What follows a denied operation: the end of the job when the denial is fatal. */
  async #afterDenial(code: string): Promise<void> {
    const job = this.#job;
    // lease-kill-via-cancel: the fatal-error kill goes through the cancel path (final_status cancelled).
    const viaCancel = job.defects.has('lease-kill-via-cancel');
    if (code === 'BUDGET_EXHAUSTED' && viaCancel && ++this.#budgetDenials === 2) {
      await job.end('job.error', { code, message: 'budget exhausted; job killed', retryable: false, final_status: 'cancelled' }, 'cancelled');
      throw STOPPED;
    }
    if (code !== 'LEASE_EXPIRED') return;
    // v1.1 §9.5: the runtime ends the job once the agent tries to act on an expired lease.
    if (viaCancel) await job.end('job.error', { ...leaseExpiredPayload(), final_status: 'cancelled' }, 'cancelled');
    else await job.end('job.error', leaseExpiredPayload(), 'error');
    throw STOPPED;
  }

  /** The vendor-kind-reregistered defect: registering a vendor kind a second time fails. */
  #registerVendorKind(kind: string): void {
    if (!this.#job.defects.has('vendor-kind-reregistered')) return;
    if (this.#vendorKinds.has(kind)) throw new Error(`event kind ${kind} is already registered`);
    this.#vendorKinds.add(kind);
  }

  /** The budget-metered-by-unit defect: any metric in a budgeted currency is metered as a cost. */
  #meterByUnit(body: Record<string, unknown> | undefined): void {
    if (typeof body?.unit === 'string' && typeof body.value === 'number') this.#job.lease.recordCost(body.unit, body.value);
  }

  async #chunks(path: string, step: ChunksStep): Promise<void> {
    const encoding = step.encoding ?? 'utf8';
    const result_id = randomId('res_', 8);
    const { parts } = step;
    const count = Array.isArray(parts) ? parts.length : parts.count;
    let result_size = 0;
    this.#chunked = { result_id, result_size };
    const defects = this.#job.defects;
    for (let k = 0; k < count; k += 1) {
      const streamed = Array.isArray(parts) ? (parts[k] as string) : chunkData(k, parts.size, encoding);
      // result-cap-truncates: past the cap the stream silently stops; the job still succeeds.
      if (result_size + chunkByteLength(streamed, encoding) > RESULT_CAP_BYTES && defects.has('result-cap-truncates')) break;
      result_size += chunkByteLength(streamed, encoding);
      this.#chunked = { result_id, result_size };
      const last = k === count - 1;
      // last-chunk-trimmed: a line-oriented streamer trims the end of the text.
      const data = last && encoding === 'utf8' && defects.has('last-chunk-trimmed') ? streamed.trimEnd() : streamed;
      if (result_size <= SMALL_RESULT_BYTES) this.#streamedText += data;
      const marker = this.#nextMarker(path);
      // chunk-seq-counts-events: chunk_seq read off the branch's event counter.
      const chunk_seq = defects.has('chunk-seq-counts-events') ? marker.i : k;
      // last-chunk-close-path: the final chunk is written by close(), which knows no encoding or more.
      const body = last && defects.has('last-chunk-close-path') ? { result_id, chunk_seq, data, marker } : { result_id, chunk_seq, data, encoding, more: !last, marker };
      await this.#publish('result_chunk', body, 'result_chunk');
    }
  }

  async #finish(step: FinishStep | FailStep): Promise<void> {
    const job = this.#job;
    if (step.op === 'fail') {
      const payload = { code: step.code, message: step.message, retryable: failRetryable(step), final_status: 'error' };
      await job.agentFinished('job.error', payload, 'error');
      return;
    }
    const payload: Record<string, unknown> & { final_status: string } = { final_status: 'success' };
    if (this.#chunked !== undefined) {
      Object.assign(payload, this.#chunked);
      // small-stream-inlined: a small streamed result is inlined too, as `result` (what chunk-unaware clients read).
      if (this.#chunked.result_size <= SMALL_RESULT_BYTES && job.defects.has('small-stream-inlined')) payload.result = this.#streamedText;
    } else payload[this.#options.resultField] = step.result === undefined ? { version: job.agentVersion } : step.result;
    if (step.summary !== undefined) payload.summary = step.summary;
    await job.agentFinished('job.result', payload, 'success');
  }

  /** Sleeps `ms`; wait_cancel also returns at a cancel. Throws STOPPED when the job stops. */
  #sleep(ms: number, untilCancel: boolean): Promise<void> {
    const job = this.#job;
    if (job.stopped) return Promise.reject(STOPPED);
    if (untilCancel && job.cancelRequested) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        job.stopSignal.removeEventListener('abort', onStop);
        job.cancelSignal.removeEventListener('abort', onCancel);
      };
      const onStop = (): void => {
        done();
        reject(STOPPED);
      };
      const onCancel = (): void => {
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        resolve();
      }, ms);
      job.stopSignal.addEventListener('abort', onStop, { once: true });
      if (untilCancel) job.cancelSignal.addEventListener('abort', onCancel, { once: true });
    }).then(() => this.#checkStop());
  }

  #checkStop(): void {
    if (this.#job.stopped) throw STOPPED;
  }
}

/** Kinds whose default body does not depend on the event's index (spec/agent-script.ts). */
const FIXED_BODY_KINDS = new Set(['log', 'thought', 'status']);

/**
 * For kinds whose body is the same for every event of the step, a builder of the body's
 * JSON from its marker: the step's body is serialized once, not once per event. Equal to
 * JSON.stringify(emitBody(...)) up to key order.
 */
function fixedBodyJson(step: EmitStep): ((marker: { branch: string; i: number }) => string) | undefined {
  if (!FIXED_BODY_KINDS.has(step.kind) && !step.kind.startsWith('x-')) return undefined;
  const { marker: _dropped, ...rest } = emitBody(step, 0, { branch: '', i: 0 });
  const head = JSON.stringify(rest).slice(0, -1);
  const open = head === '{' ? '{' : `${head},`;
  return (marker) => `${open}"marker":{"branch":${JSON.stringify(marker.branch)},"i":${marker.i}}}`;
}
