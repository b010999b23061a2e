// Every job the runtime knows, by id and by (principal, idempotency_key) (v1.1 §7.2), in
// creation order for listing (v1.1 §6.6). Finished jobs stay until their retention ends.
import { RequestError } from './request-error.ts';
import type { Job } from './job.ts';

export interface ListQuery {
  /** Only this principal's jobs; undefined lists every job (the list-jobs-leak defect). */
  readonly principal: string | undefined;
  /** Whether jobs past their terminal are listed (false: the forget-finished-jobs variant). */
  readonly finished?: boolean;
  readonly status?: readonly string[];
  readonly agent?: string;
  readonly createdAfter?: string;
  readonly limit: number;
  readonly cursor?: string | null;
}

/** Most rows one list_jobs returns, whatever limit is asked. */
export const MAX_LIST_LIMIT = 1000;

function keyOf(principal: string, idempotencyKey: string): string {
  return `${principal}\u0000${idempotencyKey}`;
}

export class JobRegistry {
  readonly #byId = new Map<string, Job>();
  readonly #byKey = new Map<string, Job>();
  #created = 0;

  /** Number for the next job (creation order, 1-based). */
  nextNumber(): number {
    return ++this.#created;
  }

  get size(): number {
    return this.#byId.size;
  }

  add(job: Job): void {
    this.#byId.set(job.id, job);
    if (job.idempotencyKey !== undefined) this.#byKey.set(keyOf(job.principal, job.idempotencyKey), job);
  }

  get(id: string): Job | undefined {
    return this.#byId.get(id);
  }

  findByKey(principal: string, idempotencyKey: string): Job | undefined {
    return this.#byKey.get(keyOf(principal, idempotencyKey));
  }

  remove(job: Job): void {
    this.#byId.delete(job.id);
    if (job.idempotencyKey !== undefined) this.#byKey.delete(keyOf(job.principal, job.idempotencyKey));
  }

  all(): IterableIterator<Job> {
    return this.#byId.values();
  }

  /** One page of jobs matching the query; the cursor is the creation number of the last row. */
  list(query: ListQuery): { jobs: Job[]; nextCursor: string | null } {
    const after = decodeCursor(query.cursor);
    const createdAfter = query.createdAfter === undefined ? undefined : Date.parse(query.createdAfter);
    const limit = Math.min(query.limit, MAX_LIST_LIMIT);
    const page: Job[] = [];
    for (const job of this.#byId.values()) {
      if (job.number <= after) continue;
      if (query.principal !== undefined && job.principal !== query.principal) continue;
      if (query.finished === false && job.terminal !== undefined) continue;
      if (query.status !== undefined && !query.status.includes(job.status)) continue;
      if (query.agent !== undefined && query.agent !== job.agentName && query.agent !== job.agentRef) continue;
      if (createdAfter !== undefined && !(Date.parse(job.createdAt) > createdAfter)) continue;
      if (page.length === limit) return { jobs: page, nextCursor: `c${(page.at(-1) as Job).number}` };
      page.push(job);
    }
    return { jobs: page, nextCursor: null };
  }
}

function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null) return 0;
  const match = /^c(\d{1,15})$/.exec(cursor);
  if (!match) throw new RequestError('INVALID_REQUEST', 'cursor is not one this runtime issued', { cursor });
  return Number(match[1]);
}
