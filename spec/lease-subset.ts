// Whether one lease stays within another: the effective lease within the lease_request
// (v1.0 §7.1: the runtime MAY reduce the requested lease but MUST NOT expand it), which the
// kit judges, and a delegated child lease within its parent's (v1.1 §9.4), which the
// reference runtime enforces: one rule, read by both. Patterns are anchored globs
// (spec/conformance-agent.md "Lease patterns"): `*` within one `/` segment, `**` zero or more
// whole segments. A pattern is within another lease when every target it matches, some
// pattern of that lease matches too (so `/w/a/**` is within `/w/**`, while `/w/*` is not
// within `/w/a` and `fetch/**` is not within `fetch/*`). cost.budget entries (`CUR:amount`)
// must not exceed the outer amount of their currency. Pure.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A glob as the pieces of its language: a literal character, `*` (a run within a segment),
 * `**` (any run), or a mark that the next `optional` pieces may be absent as a whole.
 */
type Piece = { readonly lit: string } | 'segment' | 'any' | { readonly optional: number };

/** `/**` is zero or more whole segments: nothing, or a `/` and any run (a leading `**` + `/` likewise). */
function piecesOf(glob: string): Piece[] {
  const pieces: Piece[] = [];
  for (let k = 0; k < glob.length; ) {
    if (glob.startsWith('/**', k) && (k + 3 === glob.length || glob[k + 3] === '/')) {
      pieces.push({ optional: 2 }, { lit: '/' }, 'any');
      k += 3;
    } else if (glob.startsWith('**/', k) && k === 0) {
      pieces.push({ optional: 2 }, 'any', { lit: '/' });
      k += 3;
    } else if (glob.startsWith('**', k)) {
      pieces.push('any');
      k += 2;
    } else if (glob[k] === '*') {
      pieces.push('segment');
      k += 1;
    } else {
      pieces.push({ lit: glob[k] as string });
      k += 1;
    }
  }
  return pieces;
}

const isLit = (p: Piece | undefined): p is { readonly lit: string } => typeof p === 'object' && 'lit' in p;
const isOptional = (p: Piece | undefined): p is { readonly optional: number } => typeof p === 'object' && 'optional' in p;

/**
 * Whether every target glob `inner` matches, glob `outer` matches too. Inner's wildcards are
 * read as the sets they stand for: an inner `*` is covered only by an outer `*` or `**`, an
 * inner `**` only by an outer `**` (it may cross a `/`); each way an optional part of inner
 * can go must be covered. Sound, and exact for the anchored globs leases use; polynomial in
 * the patterns' lengths, whatever a server sends.
 */
export function globWithin(inner: string, outer: string): boolean {
  if (inner === outer) return true;
  const ins = piecesOf(inner);
  const outs = piecesOf(outer);
  const memo = new Map<number, boolean>();
  const within = (i: number, j: number): boolean => {
    const key = i * (outs.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const p = ins[i];
    const o = outs[j];
    let result: boolean;
    if (isOptional(p)) result = within(i + 1 + p.optional, j) && within(i + 1, j);
    else if (isOptional(o)) result = within(i, j + 1 + o.optional) || within(i, j + 1);
    else if (o === undefined) result = p === undefined;
    else if (o === 'any') result = within(i, j + 1) || (p !== undefined && within(i + 1, j));
    else if (o === 'segment') result = within(i, j + 1) || ((p === 'segment' || (isLit(p) && p.lit !== '/')) && within(i + 1, j));
    else result = isLit(p) && p.lit === o.lit && within(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return within(0, 0);
}

function budgetAmounts(patterns: readonly unknown[]): Map<string, number> | undefined {
  const amounts = new Map<string, number>();
  for (const p of patterns) {
    const m = typeof p === 'string' ? /^([A-Za-z][A-Za-z0-9_-]*):(\d+(?:\.\d+)?)$/.exec(p) : null;
    if (m === null) return undefined;
    amounts.set(m[1] as string, Number(m[2]));
  }
  return amounts;
}

function budgetExcess(requested: readonly unknown[], effective: readonly unknown[]): string[] {
  const want = budgetAmounts(requested);
  const got = budgetAmounts(effective);
  if (got === undefined) return [`cost.budget ${JSON.stringify(effective)} is not a list of CUR:amount entries`];
  if (want === undefined) return [];
  const problems: string[] = [];
  for (const [currency, amount] of got) {
    const limit = want.get(currency);
    if (limit === undefined) problems.push(`cost.budget grants ${currency}, which was not requested`);
    else if (amount > limit) problems.push(`cost.budget grants ${currency}:${amount}, more than the requested ${currency}:${limit}`);
  }
  return problems;
}

/**
 * What the effective lease grants beyond the request, one sentence per excess; empty when
 * it is within it. A capability with an empty list grants nothing and is always fine.
 */
export function leaseExcess(requested: Readonly<Record<string, readonly string[]>>, effective: unknown): string[] {
  if (!isObject(effective)) return [`the effective lease is ${JSON.stringify(effective)}, not an object`];
  const problems: string[] = [];
  for (const [capability, granted] of Object.entries(effective)) {
    if (!Array.isArray(granted)) {
      problems.push(`${capability} is ${JSON.stringify(granted)}, not a list of patterns`);
      continue;
    }
    if (granted.length === 0) continue;
    const asked = requested[capability];
    if (asked === undefined) {
      problems.push(`${capability} ${JSON.stringify(granted)} is granted but was not requested`);
      continue;
    }
    if (capability === 'cost.budget') {
      problems.push(...budgetExcess(asked, granted));
      continue;
    }
    for (const pattern of granted) {
      if (typeof pattern !== 'string') {
        problems.push(`${capability} holds ${JSON.stringify(pattern)}, not a pattern string`);
      } else if (!asked.some((glob) => globWithin(pattern, glob))) {
        problems.push(`${capability} grants ${JSON.stringify(pattern)}, which no requested pattern (${asked.join(', ')}) covers`);
      }
    }
  }
  return problems;
}
