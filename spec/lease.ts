import { z } from 'zod';
import { Timestamp } from './primitives.ts';

// v1.1 §9.6: amount ::= currency ":" decimal.
export const AmountString = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*:\d+(\.\d+)?$/);

// v1.0 §9.2: capability names are dot-namespaced lowercase identifiers.
const CapabilityName = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

// v1.1 §9.1-9.2: a lease maps capability namespaces to pattern lists.
export const LeaseSchema = z
  .looseObject({
    'cost.budget': z.array(AmountString).optional(),
  })
  .catchall(z.array(z.string()));

// v1.1 §9.5: `expires_at` is ISO 8601 in UTC; future-ness is checked by the runtime.
export const LeaseConstraintsSchema = z.looseObject({
  expires_at: Timestamp.optional(),
});

// v1.1 §9.6: per-currency budget counters, e.g. { "USD": 5.0 }.
export const BudgetSchema = z.record(z.string().min(1), z.number());

// v1.1 §9.8.1: a provisioned credential.
export const CredentialSchema = z.looseObject({
  id: z.string().min(1),
  scheme: z.string().min(1),
  value: z.string().min(1),
  endpoint: z.string().min(1),
  profile: z.string().optional(),
  constraints: z.looseObject({}).optional(),
});

export type Lease = z.infer<typeof LeaseSchema>;
export type LeaseConstraints = z.infer<typeof LeaseConstraintsSchema>;
export type Budget = z.infer<typeof BudgetSchema>;
export type Credential = z.infer<typeof CredentialSchema>;

export { CapabilityName as CAPABILITY_NAME_PATTERN };

/** Parses an amount string (`USD:5.00`) into its currency and value. */
export function parseAmount(amount: string): { currency: string; value: number } | undefined {
  const colon = amount.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const value = Number(amount.slice(colon + 1));
  if (!Number.isFinite(value)) return undefined;
  return { currency: amount.slice(0, colon), value };
}
