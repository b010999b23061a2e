// How long a job's script may take at most (sleeps, waits and lingering added up, a parallel
// step counting its longest branch): bounds how long the executor waits for its terminal.
import { reachableSteps, type AgentScript, type Step } from '../../spec/agent-script.ts';

function stepsBound(steps: readonly Step[]): number {
  let total = 0;
  for (const step of reachableSteps(steps)) {
    if (step.op === 'sleep') total += step.ms;
    else if (step.op === 'wait_cancel') total += step.max_ms;
    else if (step.op === 'parallel') total += Math.max(0, ...step.branches.map(stepsBound));
  }
  return total;
}

/** Worst-case milliseconds a script spends waiting; 0 for an unknown script. */
export function durationBound(script: AgentScript | undefined): number {
  if (script === undefined) return 0;
  return stepsBound(script.steps) + (script.on_cancel?.linger_ms ?? 0);
}
