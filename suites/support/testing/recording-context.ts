// A ConformanceContext for the support layer's own tests: it records every judgement
// instead of reporting it, and ends the body on a FAIL, N/A or UNTESTABLE as the real one does.
import { type TargetConfig, loadTargetConfig } from '../../harness/config.ts';
import { ConformanceFailure, type ConformanceContext, UntestableError } from '../../verdicts/conformance-test.ts';

export interface Judgement {
  readonly id: string;
  readonly level: 'must' | 'should';
  readonly ok: boolean;
}

export class RecordingContext implements ConformanceContext {
  readonly target: TargetConfig;
  readonly judgements: Judgement[] = [];
  readonly notes: string[] = [];

  constructor(url: string, env: Record<string, string> = {}) {
    this.target = loadTargetConfig({ ARCP_URL: url, ARCP_TOKEN: 'bearer-token-primary-0001', ARCP_TIMEOUT_MS: '1000', ...env });
  }

  must(id: string, ok: boolean): asserts ok {
    this.judgements.push({ id, level: 'must', ok });
    if (!ok) throw new ConformanceFailure(id, `${id} failed`);
  }

  should(id: string, ok: boolean): void {
    this.judgements.push({ id, level: 'should', ok });
  }

  notApplicable(reason: string): never {
    throw new Error(`N/A: ${reason}`);
  }

  untestable(reason: string): never {
    throw new UntestableError(`UNTESTABLE: ${reason}`);
  }

  attachEvidence(): void {}

  framesSeen(): void {}

  setReplay(): void {}

  note(text: string): void {
    this.notes.push(text);
  }

  inconclusive(id: string, reason: string): void {
    this.notes.push(`${id} not concluded: ${reason}`);
  }
}
