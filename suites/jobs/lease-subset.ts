// Whether an effective lease (job.accepted) stays within the lease_request (v1.0 §7.1: the
// runtime MAY reduce the requested lease but MUST NOT expand it). Patterns are anchored
// globs (spec/conformance-agent.md "Lease patterns"): `*` within one `/` segment, `**`
// zero or more whole segments. An effective pattern is within the request when it equals a
// requested pattern or a requested glob matches it read literally (so `/w/a/**` is within
// `/w/**`, while `/w/*` is not within `/w/a`). cost.budget entries (`CUR:amount`) must not
// exceed the requested amount of their currency. Pure.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** The anchored regular expression of a lease glob. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let k = 0; k < glob.length; ) {
    if (glob.startsWith('/**', k) && (k + 3 === glob.length || glob[k + 3] === '/')) {
      source += '(?:/.*)?';
      k += 3;
    } else if (glob.startsWith('**/', k) && k === 0) {
      source += '(?:.*/)?';
      k += 3;
    } else if (glob.startsWith('**', k)) {
      source += '.*';
      k += 2;
    } else if (glob[k] === '*') {
      source += '[^/]*';
      k += 1;
    } else {
      source += escape(glob[k] as string);
      k += 1;
    }
  }
  return new RegExp(`^${source}$`);
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
    const globs = asked.map(globToRegExp);
    for (const pattern of granted) {
      if (typeof pattern !== 'string') {
        problems.push(`${capability} holds ${JSON.stringify(pattern)}, not a pattern string`);
      } else if (!asked.includes(pattern) && !globs.some((g) => g.test(pattern))) {
        problems.push(`${capability} grants ${JSON.stringify(pattern)}, which no requested pattern (${asked.join(', ')}) covers`);
      }
    }
  }
  return problems;
}
