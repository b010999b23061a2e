// The agent inventory: the conformance agent, at two versions (DESIGN §4).
import { parseAgentRef } from '../spec/index.ts';
import { RequestError } from './request-error.ts';

export interface AgentInfo {
  readonly name: string;
  readonly versions: readonly string[];
  readonly default: string;
}

export const CONFORMANCE_AGENT: AgentInfo = Object.freeze({
  name: 'conformance',
  versions: Object.freeze(['1.0.0', '2.0.0']),
  default: '2.0.0',
});

export const AGENTS: readonly AgentInfo[] = [CONFORMANCE_AGENT];

/** The welcome's inventory: the rich form when agent_versions is negotiated (DESIGN §5). */
export function agentInventory(richForm: boolean): unknown[] {
  return AGENTS.map((a) => (richForm ? { name: a.name, versions: [...a.versions], default: a.default } : a.name));
}

/** v1.1 §7.5: a bare name resolves to the default; name@version must be registered. */
export function resolveAgent(ref: string): { name: string; version: string } {
  const { name, version } = parseAgentRef(ref);
  const agent = AGENTS.find((a) => a.name === name);
  if (agent === undefined) throw new RequestError('AGENT_NOT_AVAILABLE', `agent ${JSON.stringify(name)} is not registered`);
  if (version === undefined) return { name, version: agent.default };
  if (!agent.versions.includes(version)) {
    throw new RequestError('AGENT_VERSION_NOT_AVAILABLE', `agent ${name} has no version ${JSON.stringify(version)}`, {
      available: [...agent.versions],
    });
  }
  return { name, version };
}
