// Leases (v1.1 §9): pattern matching, expiry, budget counters, and the check every
// authority-bearing operation goes through. Pure apart from the clock passed in.
import { posix } from 'node:path';
import { parseAmount, type Budget, type Credential, type Lease, type LeaseConstraints } from '../spec/index.ts';
import type { Defects } from './defects.ts';
import { randomId } from './ids.ts';

const globCache = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Anchored glob (v1.0 §9.2): `*` matches within one `/`-separated segment, `**` matches
 * zero or more whole segments. Anything else is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  const cached = globCache.get(pattern);
  if (cached) return cached;
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // `a/**` also matches `a`; `**/b` also matches `b`; `a/**/b` also matches `a/b`.
      if (index === 0) source += last ? '.*' : '(?:[^/]*/)*';
      else source = source.slice(0, -1) + (last ? '(?:/.*)?' : '(?:/[^/]*)*/');
      return;
    }
    source += segment.split('*').map(escapeRegExp).join('[^/]*');
    if (!last) source += '/';
  });
  const regexp = new RegExp(`^${source}$`, 's');
  if (globCache.size > 10_000) globCache.clear();
  globCache.set(pattern, regexp);
  return regexp;
}

export function globMatches(pattern: string, target: string): boolean {
  return globToRegExp(pattern).test(target);
}

/** The fs-star-crosses-slash defect's matcher: shell-style, `*` and `**` both match `/` (fnmatch without FNM_PATHNAME). */
function looseGlobMatches(pattern: string, target: string): boolean {
  return new RegExp(`^${pattern.split(/\*+/).map(escapeRegExp).join('.*')}$`, 's').test(target);
}

/**
 * Targets are canonicalized before matching (v1.0 §14): fs paths lose `.`/`..` and `//`;
 * net.fetch URLs go through the WHATWG parser, which resolves `..` and `%2e%2e` segments.
 * A URL that does not parse cannot be proven covered, so it has no canonical form.
 */
export function canonicalTarget(capability: string, target: string): string | undefined {
  if (capability === 'net.fetch') {
    try {
      return new URL(target).href;
    } catch {
      return undefined;
    }
  }
  if (!capability.startsWith('fs.')) return target;
  const normalized = posix.normalize(target);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** Per-currency counters from `cost.budget` amounts; a repeated currency keeps the smallest. */
export function initialBudget(lease: Lease): Map<string, number> | undefined {
  const amounts = lease['cost.budget'];
  if (amounts === undefined) return undefined;
  const budget = new Map<string, number>();
  for (const amount of amounts) {
    const parsed = parseAmount(amount);
    if (!parsed) continue;
    const prior = budget.get(parsed.currency);
    budget.set(parsed.currency, prior === undefined ? parsed.value : Math.min(prior, parsed.value));
  }
  return budget;
}

export interface Operation {
  readonly capability: string;
  readonly target: string;
  readonly model?: string;
}

export type Denial = { readonly code: 'LEASE_EXPIRED' | 'PERMISSION_DENIED' | 'BUDGET_EXHAUSTED'; readonly message: string };

/** A job's effective lease and the counters it carries while the job runs. */
export class LeaseState {
  readonly lease: Lease;
  readonly constraints: LeaseConstraints | undefined;
  readonly expiresAtMs: number | undefined;
  readonly #budget: Map<string, number> | undefined;
  readonly #defects: Defects | undefined;
  /** Operations once allowed (the expiry-cached-grant defect trusts this cache). */
  readonly #granted = new Set<string>();

  constructor(lease: Lease, constraints: LeaseConstraints | undefined, defects?: Defects) {
    this.#defects = defects;
    this.lease = lease;
    this.constraints = constraints;
    this.expiresAtMs = constraints?.expires_at === undefined ? undefined : Date.parse(constraints.expires_at);
    this.#budget = initialBudget(lease);
  }

  get hasBudget(): boolean {
    return this.#budget !== undefined;
  }

  /** Current counters, e.g. { USD: 3.5 } (v1.1 §7.1, §7.6). */
  budget(): Budget | undefined {
    return this.#budget === undefined ? undefined : Object.fromEntries(this.#budget);
  }

  expired(now: number): boolean {
    return this.expiresAtMs !== undefined && now >= this.expiresAtMs;
  }

  /**
   * v1.1 §9.3, §9.5-9.7: the check before any operation. Order: expiry, capability,
   * model, budget. Undefined when the operation is allowed.
   */
  authorize(op: Operation, now: number): Denial | undefined {
    return this.#grant(op, now) ?? this.#spend();
  }

  // Expiry, capability and model: what the expiry-cached-grant defect remembers per operation.
  #grant(op: Operation, now: number): Denial | undefined {
    const key = JSON.stringify([op.capability, op.target, op.model ?? null]);
    if (this.#granted.has(key) && this.#defects?.has('expiry-cached-grant')) return undefined;
    if (this.expired(now)) return { code: 'LEASE_EXPIRED', message: `lease expired at ${this.constraints?.expires_at}` };
    // write-path-raw: only fs.read targets are canonicalized.
    const raw = op.capability.startsWith('fs.') && op.capability !== 'fs.read' && this.#defects?.has('write-path-raw');
    const target = raw ? op.target : canonicalTarget(op.capability, op.target);
    const patterns = this.lease[op.capability] ?? [];
    const matches = op.capability.startsWith('fs.') && this.#defects?.has('fs-star-crosses-slash') ? looseGlobMatches : globMatches;
    if (target === undefined || !patterns.some((p) => matches(p, target))) {
      return { code: 'PERMISSION_DENIED', message: `${op.capability} ${JSON.stringify(target ?? op.target)} is not covered by the lease` };
    }
    if (op.model !== undefined) {
      const models = this.lease['model.use'] ?? [];
      // model-prefix-match: patterns read as prefixes once their trailing * is stripped.
      const matchesModel = this.#defects?.has('model-prefix-match') ? (p: string, m: string) => m.startsWith(p.replace(/\*+$/, '')) : globMatches;
      if (!models.some((p) => matchesModel(p, op.model as string))) {
        return { code: 'PERMISSION_DENIED', message: `model ${JSON.stringify(op.model)} is not covered by model.use` };
      }
    }
    this.#granted.add(key);
    return undefined;
  }

  // v1.1 §9.6: a counter at or below zero refuses (the budget-zero-allows defect: only below).
  #spend(): Denial | undefined {
    const exhausted = this.#defects?.has('budget-zero-allows') ? (left: number) => left < 0 : (left: number) => left <= 0;
    for (const [currency, left] of this.#budget ?? []) {
      if (exhausted(left)) return { code: 'BUDGET_EXHAUSTED', message: `${currency} budget exhausted` };
    }
    return undefined;
  }

  /**
   * v1.1 §9.6: a cost.* metric decrements the matching counter; negative values are
   * rejected. Returns the counter left, or undefined when nothing was decremented.
   */
  recordCost(currency: string, amount: number): number | undefined {
    const left = this.#budget?.get(currency);
    if (left === undefined || !(amount >= 0)) return undefined;
    const next = Math.round((left - amount) * 1e9) / 1e9; // keep 0.1+0.2 artefacts off the wire
    this.#budget?.set(currency, next);
    return next;
  }
}

/** v1.1 §9.8: one fake gateway credential per job, constrained to the lease. */
export function issueCredential(lease: Lease, constraints: LeaseConstraints | undefined): Credential {
  const baked: Record<string, unknown> = {};
  if (lease['cost.budget']) baked['cost.budget'] = [...lease['cost.budget']];
  if (lease['model.use']) baked['model.use'] = [...lease['model.use']];
  if (constraints?.expires_at) baked.expires_at = constraints.expires_at;
  return {
    id: randomId('cred_', 8),
    scheme: 'bearer',
    value: randomId('sk-virt-', 24),
    endpoint: 'https://gateway.invalid/v1',
    profile: 'generic',
    constraints: baked,
  };
}

/** v1.1 §9.8.2: a credential re-issued mid-job: same id, scheme and endpoint, a new value. */
export function rotatedCredential(prior: Credential): Credential {
  return { ...prior, value: randomId('sk-virt-', 24) };
}
