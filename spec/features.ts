// Feature flags negotiated in session.hello / session.welcome (v1.1 §6.2).
export const FEATURES = [
  'heartbeat',
  'ack',
  'list_jobs',
  'subscribe',
  'lease_expires_at',
  'cost.budget',
  'model.use',
  'provisioned_credentials',
  'progress',
  'result_chunk',
  'agent_versions',
] as const;

export type Feature = (typeof FEATURES)[number];

/** The effective feature set is the intersection of hello and welcome (v1.1 §6.2). */
export function negotiateFeatures(offered: readonly string[], accepted: readonly string[]): string[] {
  const accepting = new Set(accepted);
  return offered.filter((f) => accepting.has(f));
}
