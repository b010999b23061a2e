// Whether one lease stays within another: the effective lease within the lease_request
// (v1.0 §7.1: the runtime MAY reduce the requested lease but MUST NOT expand it), and a
// delegated lease within the delegating one (v1.1 §9.4). The kit judges the first, the
// reference runtime enforces the second; both read this one rule. Pure.
//
// Patterns are anchored globs (spec/conformance-agent.md "Lease patterns"): `*` within one
// `/` segment, a `**` segment zero or more whole segments. A pattern is within another only
// when that can be proven (v1.0 §9.4: "if subset cannot be proven, the delegation MUST be
// rejected"): segment by segment, an inner `**` only under an outer `**`, and an inner
// segment's `*` only where an outer `*` can stand in for it. So `/w/a/**` is within `/w/**`,
// `/w/*` is not within `/w/a`, and `/w/**` is not within `/w/*/**` (it also names `/w`).
// cost.budget entries (`CUR:amount`) must not exceed the outer amount of their currency.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether every name the inner segment matches, the outer one matches. The inner segment
 * read literally against the outer glob proves it: an inner `*` can only be consumed by an
 * outer `*`, which matches whatever the inner `*` stands for.
 */
function segmentCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const source = outer.split('*').map(escape).join('[^/]*');
  return new RegExp(`^${source}$`, 's').test(inner);
}

function segmentsCover(outer: readonly string[], inner: readonly string[]): boolean {
  const [o, ...restOuter] = outer;
  const [i, ...restInner] = inner;
  if (o === undefined) return i === undefined;
  // An outer `**` matches nothing (skip it) or absorbs the inner's next segment, whatever it is.
  if (o === '**') return segmentsCover(restOuter, inner) || (i !== undefined && segmentsCover(outer, restInner));
  if (i === undefined || i === '**') return false;
  return segmentCovers(o, i) && segmentsCover(restOuter, restInner);
}

/** Whether every target the `inner` pattern matches, the `outer` pattern matches (conservatively). */
export function patternCovers(outer: string, inner: string): boolean {
  return outer === inner || segmentsCover(outer.split('/'), inner.split('/'));
}

function budgetAmounts(patterns: readonly unknown[]): Map<string, number> | undefined {
  const amounts = new Map<string, number>();
  for (const p of patterns) {
    const m = typeof p === 'string' ? /^([A-Za-z][A-Za-z0-9_-]*):(\d+(?:\.\d+)?)$/.exec(p) : null;
    if (m === null) return undefined;
    const prior = amounts.get(m[1] as string);
    amounts.set(m[1] as string, prior === undefined ? Number(m[2]) : Math.min(prior, Number(m[2])));
  }
  return amounts;
}

function budgetExcess(outer: readonly unknown[], inner: readonly unknown[]): string[] {
  const limits = budgetAmounts(outer);
  const got = budgetAmounts(inner);
  if (got === undefined) return [`cost.budget ${JSON.stringify(inner)} is not a list of CUR:amount entries`];
  if (limits === undefined) return [];
  const problems: string[] = [];
  for (const [currency, amount] of got) {
    const limit = limits.get(currency);
    if (limit === undefined) problems.push(`cost.budget names ${currency}, which the outer lease does not budget`);
    else if (amount > limit) problems.push(`cost.budget grants ${currency}:${amount}, more than the outer ${currency}:${limit}`);
  }
  return problems;
}

/**
 * What the `inner` lease grants beyond the `outer` one, one sentence per excess; empty when
 * it is within it. A capability with an empty list grants nothing and is always fine.
 */
export function leaseExcess(outer: Readonly<Record<string, readonly string[]>>, inner: unknown): string[] {
  if (!isObject(inner)) return [`the lease is ${JSON.stringify(inner)}, not an object`];
  const problems: string[] = [];
  for (const [capability, granted] of Object.entries(inner)) {
    if (!Array.isArray(granted)) {
      problems.push(`${capability} is ${JSON.stringify(granted)}, not a list of patterns`);
      continue;
    }
    if (granted.length === 0) continue;
    const allowed = outer[capability];
    if (allowed === undefined) {
      problems.push(`${capability} ${JSON.stringify(granted)} is named, but the outer lease does not name ${capability}`);
      continue;
    }
    if (capability === 'cost.budget') {
      problems.push(...budgetExcess(allowed, granted));
      continue;
    }
    for (const pattern of granted) {
      if (typeof pattern !== 'string') {
        problems.push(`${capability} holds ${JSON.stringify(pattern)}, not a pattern string`);
      } else if (!allowed.some((p) => patternCovers(p, pattern))) {
        problems.push(`${capability} grants ${JSON.stringify(pattern)}, which no pattern of the outer lease (${allowed.join(', ')}) covers`);
      }
    }
  }
  return problems;
}
