// LEAK-001: a session closed for good stops costing the server memory once its resume window
// has passed. Nothing on the wire shows it, so the kit samples the server process's RSS:
// this runs only when the kit started the server itself (`--server-cmd`, which sets
// ARCP_SERVER_PID); in any other run the check does not apply.
import { openSession, requireAgent, requireFeatures } from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { LEAK_CHECK_PHASES_MS, runLeakCheck } from './leak-check.ts';
import { RssUnavailableError, sampleRss } from './rss.ts';


function maxWaitFromEnv(): number {
  const value = Number(process.env.ARCP_MAX_WAIT_MS);
  return Number.isSafeInteger(value) && value >= 0 ? value : 15_000;
}

conformanceTest(
  'memory stops growing for sessions closed for good once their resume window has passed',
  { requirements: ['LEAK-001'], timeoutMs: maxWaitFromEnv() + LEAK_CHECK_PHASES_MS + 60_000 },
  async (t: ConformanceContext) => {
    const pidText = process.env.ARCP_SERVER_PID?.trim();
    if (!pidText) t.notApplicable('the leak check runs only with --server-cmd (the kit must know the server process to sample its memory)');
    const pid = Number(pidText);
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`ARCP_SERVER_PID must be a process id (got ${JSON.stringify(pidText)})`);
    try {
      sampleRss(pid);
    } catch (error) {
      if (error instanceof RssUnavailableError) t.untestable(error.message);
      throw error;
    }

    const probe = await openSession(t, { label: 'leak-probe' });
    let resumeWindowSec: number | undefined;
    try {
      requireFeatures(t, probe, 'subscribe');
      requireAgent(t, probe);
      resumeWindowSec = probe.resumeWindowSec;
    } finally {
      await probe.connection.closeSocket(1000, '', 1000);
    }
    if (resumeWindowSec === undefined) {
      t.untestable('the welcome carries no resume_window_sec, so the kit cannot tell when a closed session must be gone');
    }
    if (resumeWindowSec * 1000 > t.target.maxWaitMs) {
      t.untestable(
        `the server's resume window is ${resumeWindowSec} s, longer than the kit may wait for a server timer (ARCP_MAX_WAIT_MS=${t.target.maxWaitMs}); ` +
          `raise ARCP_MAX_WAIT_MS (--max-wait) to at least ${Math.ceil(resumeWindowSec * 1000)} to run the leak check`,
      );
    }

    const result = await runLeakCheck({
      url: t.target.url,
      token: t.target.tokens.primary,
      pid,
      resumeWindowSec,
      profile: t.target.profile,
      timeoutMs: t.target.timeoutMs,
    });
    // Undecided after every round: the machine is too noisy to tell, which is no verdict on the server.
    if (result.verdict === 'inconclusive') t.untestable(`the leak check was inconclusive on this machine: ${result.summary}`);
    t.must('LEAK-001', result.verdict === 'pass', () => ({
      expected: `after the resume window, RSS growing no faster than with open subscribers only, beyond the measured noise (at most ${result.allowedKbPerSec.toFixed(1)} KB/s)`,
      actual: result.summary,
    }));
  },
);
