// How a fixture of a leak (LEAK-001) replays: its scenario (a session subscribes to a job
// and leaves for good) leaves no trace on the wire, so the replay runs it amplified (many
// sessions subscribe to one chatty job and close) while the server's memory is sampled
// (leak-check.ts). It needs the server process, so only `replay --server-cmd` can run it.
import type { ReplayResult, ReplayTarget } from '../../cli/replay.ts';
import { connect } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import { runLeakCheck } from './leak-check.ts';

export async function replayLeak(target: ReplayTarget): Promise<ReplayResult> {
  if (target.serverPid === undefined) {
    throw new Error(
      'LEAK-001 leaves no trace on the wire: replay this fixture with --server-cmd "CMD" (the kit starts the server and samples its memory), ' +
        'or run the RSS leak check (arcp-conformance run --only LEAK --server-cmd "CMD")',
    );
  }
  // The server's resume window says when a closed session must be gone.
  const transcript = new Transcript();
  const probe = await connect(target.url, { token: target.tokens.primary, profile: target.profile, timeoutMs: target.timeoutMs, transcript, label: 'leak-probe' });
  const resumeWindowSec = probe.resumeWindowSec;
  await probe.connection.closeSocket(1000, '', 1000).catch(() => undefined);
  if (resumeWindowSec === undefined) throw new Error('the welcome carries no resume_window_sec, so the kit cannot tell when a closed session must be gone');
  const result = await runLeakCheck({
    url: target.url,
    token: target.tokens.primary,
    pid: target.serverPid,
    resumeWindowSec,
    profile: target.profile,
    timeoutMs: target.timeoutMs,
  });
  // An undecided measurement accuses nobody: the replay stops with the reason (exit 2).
  if (result.verdict === 'inconclusive') throw new Error(`the memory measurement was inconclusive: ${result.summary}`);
  return {
    violations: result.verdict === 'pass' ? [] : [{ requirement: 'LEAK-001', message: result.summary, witnesses: [] }],
    transcript: transcript.entries,
  };
}
