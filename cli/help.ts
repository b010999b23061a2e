// The --help texts: one-line purpose, flags with defaults, exit codes, examples.

export const MAIN_HELP = `arcp-conformance: conformance kit for ARCP v1.1 (Agent Runtime Control Protocol) servers

Usage: arcp-conformance [COMMAND] [options]

Commands
  run       run the conformance suites against a server; per-requirement verdicts,
            JUnit, HTML and JSON reports, an exit code for CI (the default command)
  merge     merge the reports of a sharded run (run --shard I/N) into one
  compare   put the records of several runs (one server each) side by side:
            one HTML and one Markdown table, requirements down, servers across
  replay    replay saved failing scenarios (a seed fixture, or a directory of them)
            against a server
  list      show the requirement catalogue, the tests that check each requirement,
            and the coverage
  serve     start the reference runtime (a correct ARCP v1.1 server) on a port
  help      show the help of a command

Options
  -h, --help      show this help
  --version       print the kit and catalogue versions

Run "arcp-conformance COMMAND --help" for the options of a command.

Examples
  arcp-conformance                                  everything, against the embedded reference runtime
  ARCP_TOKEN=... arcp-conformance run --url wss://arcp.example.com/v1
  arcp-conformance merge shard-reports/             one report from the shards of a sharded run
  arcp-conformance compare report-a/ report-b/      two servers' runs side by side
`;

export const RUN_HELP = `arcp-conformance run: run the ARCP v1.1 conformance suites against a server and report
a verdict per requirement.

Usage: arcp-conformance [run] [options]

Target
  --url URL              WebSocket URL of the server under test (default: $ARCP_URL; with
                         neither, the embedded reference runtime is started on a free
                         loopback port and tested, with its own tokens)
  --token-file FILE      bearer tokens as JSON {"ARCP_TOKEN": "...", "ARCP_TOKEN_2": "..."}
                         or KEY=VALUE lines (default: environment ARCP_TOKEN, and
                         ARCP_TOKEN_2 for a second principal; tokens are never accepted on
                         the command line)
  --server-cmd CMD       start the server under test with CMD (run by the shell), test it at
                         the URL it prints as its first stdout line, stop it at the end; the
                         kit then knows the server's process and runs the memory-leak check
                         (LEAK-001), which needs it
  --profile FILE         server profile JSON: resumeForm, closeForm, agent, subprotocol,
                         features, subscribePolicy, listPolicy (default: $ARCP_PROFILE,
                         else the forms DESIGN.md names)
  --timeout MS           bound of every single wait for the server (default: 5000);
                         grows up to 4x when the server answers the preflight slowly
  --max-wait MS          longest a test may wait for a server timer (heartbeat loss,
                         resume window, max_runtime_sec); tests that would need longer
                         are UNTESTABLE (default: 15000)
  --run-timeout MS       bound of the whole run; past it the run stops and fails
                         (default: 2 min + per suite file max(30 s, 6 x --timeout);
                         a server that lets 8 tests in a row time out, or 3
                         time out on a reply still arriving, is judged too
                         slow: the run stops at once, and what it did not
                         judge is UNTESTABLE)

Selection
  --only LIST            run only these, comma separated: requirement ids (SEQ-001) and
                         areas (SEQ) in UPPERCASE, suite names (session, properties) or
                         paths (suites/session) otherwise; only the suite files with a
                         selected test are loaded
  --skip LIST            leave these out (same forms as --only)
  --shard I/N            run shard I of N of the suite files (vitest sharding); the out
                         directory also gets blob-I-N.json and shard-I-N.json, which
                         "arcp-conformance merge" turns into one report

Verdicts
  --strict               WARN (a broken SHOULD) fails the run
  --allow-untestable     UNTESTABLE (e.g. no conformance agent) does not fail the run
  --baseline FILE        expected failures, matched by requirement id (and test): matched
                         failures do not fail the run; an entry whose requirement or test
                         now passes is STALE and fails the run until it is removed
  --write-baseline FILE  write a baseline naming the requirements this run failed on
  --bail                 stop the run at the first test that fails it (a FAIL; a WARN
                         with --strict; an UNTESTABLE unless --allow-untestable; not a
                         baselined failure): tests already running finish, the reports
                         are written, and the run is marked interrupted by that test; a
                         property campaign stops after its first counterexample (shrunk
                         and saved) instead of hunting for more
  --bail-on LIST         the same, but stop only at a failure on one of these requirement
                         ids or areas, comma separated (SEQ-002,CANCEL)

Property suites
  --runs N               fast-check runs per property (default: each suite's own)
  --seed N               fast-check seed, to reproduce a property run (default: random)

Reports
  --out DIR              directory receiving record.json, junit.xml and report.html
                         (default: ./arcp-conformance-report)
  --report LIST          send a report elsewhere or add one, comma separated:
                         junit=PATH, json=PATH, html=PATH, github (markdown appended to
                         $GITHUB_STEP_SUMMARY), github=PATH

Other
  --debug                show stack traces, vitest's log and the suites' console output
  --suites GLOB          (kit development) run these suite files instead of
                         suites/**/*.suite.ts
  --defect NAME          (kit development) switch on a defect of the embedded reference
                         runtime; repeatable
  --variant NAME         (kit development) switch on a legal variant of the embedded
                         reference runtime (see serve --help); repeatable
  -h, --help             show this help

Environment (a flag wins over its variable)
  ARCP_URL, ARCP_TOKEN, ARCP_TOKEN_2, ARCP_PROFILE, ARCP_TIMEOUT_MS, ARCP_MAX_WAIT_MS,
  ARCP_ONLY, ARCP_SKIP, ARCP_SEED, ARCP_RUNS, ARCP_ALLOW_UNTESTABLE (1/0),
  GITHUB_STEP_SUMMARY (for --report github), NO_COLOR

Exit codes
  0  no failing test (baselined failures and allowed UNTESTABLEs do not fail) and no
     stale baseline entry
  1  at least one failing test or stale baseline entry, or the run was interrupted
  2  usage or configuration error: bad option, unreadable file, unreachable URL,
     refused token

Examples
  arcp-conformance
  ARCP_TOKEN=... ARCP_TOKEN_2=... arcp-conformance run --url ws://127.0.0.1:8080/arcp
  ARCP_TOKEN=tok-alice ARCP_TOKEN_2=tok-bob arcp-conformance run --only LEAK \\
      --server-cmd "npx arcp-conformance serve --port 0 --resume-window-sec 2"
  arcp-conformance run --url wss://arcp.example.com/v1 --token-file ci-tokens.env \\
      --only SEQ,CANCEL-003 --baseline conformance-baseline.json --report github
`;

export const MERGE_HELP = `arcp-conformance merge: merge the shards of a sharded run (run --shard I/N) into one
record and one set of reports, with vitest's blob-report merge. The verdicts, summary
and exit code are those the whole run would have had.

Usage: arcp-conformance merge PATH... [options]

  PATH                   a shard's --out directory (searched for shard-I-N.json, also in
                         subdirectories, as artifact downloads lay them out), or a
                         shard-I-N.json file; its blob-I-N.json must be beside it
  --out DIR              directory receiving the merged record.json, junit.xml and
                         report.html (default: ./arcp-conformance-report)
  --report LIST          as for run: junit=PATH, json=PATH, html=PATH, github, github=PATH
  --baseline FILE        expected failures, applied to the merged result (the shards'
                         own baselines are not carried over)
  --write-baseline FILE  write a baseline covering the merged failures
  --strict               WARN fails the run (also on when every shard ran with --strict)
  --allow-untestable     UNTESTABLE does not fail the run (also on when every shard ran
                         with it)
  --debug                show stack traces and vitest's log
  -h, --help             show this help

The shards must come from one campaign: the same kit version, target, profile and
selection. A shard given twice is refused; a missing shard fails the merged run (the
reports are still written and name it).

Exit codes
  0  no failing test in any shard, and every shard is present
  1  a failing test, a missing shard, or a shard that was interrupted
  2  usage error: bad option, no shard found, unreadable or mismatched shards

Example
  arcp-conformance merge shard-reports/ --out merged --report github
`;

export const COMPARE_HELP = `arcp-conformance compare: put the records of several runs (one server each) side by
side: requirements down in the catalogue's order, servers across, each cell the verdict,
linked to the test behind it (its sequence diagram) in that server's report.html, and a
summary row per server (requirements by verdict, MUST failures).

Usage: arcp-conformance compare PATH... [options]

  PATH                   a run's --out directory (holding record.json and, for the links,
                         report.html), or a record.json file; the column is named after
                         its directory
  --out DIR              directory receiving compare.html and compare.md (default:
                         ./arcp-conformance-compare); the links are relative, so keep the
                         runs' directories where they are, or move them together
  --debug                show stack traces
  -h, --help             show this help

Exit codes
  0  the comparison was written (whatever the servers' verdicts)
  2  usage error: bad option, a PATH without record.json, a record this kit cannot read

Example
  arcp-conformance run --url ws://a.example/arcp --out runs/server-a
  arcp-conformance run --url ws://b.example/arcp --out runs/server-b
  arcp-conformance compare runs/server-a runs/server-b --out runs/compare
`;

export const REPLAY_HELP = `arcp-conformance replay: replay a saved failing scenario (a seed fixture), or every
fixture of a directory, against a server; say whether the violation still happens and
where the new transcript first departs from the recorded one.

Usage: arcp-conformance replay FIXTURE|DIR [options]

  FIXTURE                the fixture JSON file (e.g. fixtures/audit/seq-race.json)
  DIR                    a directory of fixtures, such as a run's <out>/seeds: each of its
                         *.json files in turn
  --url URL              server to replay against (default: $ARCP_URL; with neither, the
                         embedded reference runtime)
  --times N              replay N times; the violation counts as reproduced when any
                         replay shows it (default: 1)
  --token-file FILE      tokens, as for run (default: environment ARCP_TOKEN, ARCP_TOKEN_2)
  --profile FILE         server profile JSON, as for run (default: $ARCP_PROFILE)
  --timeout MS           bound of every single wait for the server (default: 5000);
                         grows up to 4x when the server answers the preflight slowly
  --defect NAME          (kit development) switch on a defect of the embedded reference
                         runtime; repeatable
  --variant NAME         (kit development) switch on a legal variant of the embedded
                         reference runtime (see serve --help); repeatable
  --server-cmd CMD       start the server with CMD (it prints its URL first) and stop it
                         after; needed by fixtures of leaks (LEAK-001), which replay their
                         scenario amplified while the kit samples the server's memory
  --debug                show stack traces
  -h, --help             show this help

Exit codes
  0  the server passes: replays carried out the scenario and none showed a violation
  1  a violation reproduced (of any fixture, for a DIR), or no replay could carry out
     its scenario (nothing tested)
  2  usage error: bad option, unreadable or invalid fixture, unreachable URL, refused
     token, or no replay engine available

Examples
  arcp-conformance replay fixtures/audit/seq-race.json --url ws://127.0.0.1:8080/arcp --times 20
  ARCP_TOKEN=tok-alice arcp-conformance replay fixtures/audit/subscription-leak.json \
      --server-cmd "npx arcp-conformance serve --port 0 --resume-window-sec 2"
`;

export const LIST_HELP = `arcp-conformance list: show the requirement catalogue, how many tests check each
requirement, and the coverage of the observable MUSTs per area. Under each requirement:
what the kit checks, in its words, and the sentences of the ARCP drafts it rests on
(section and verbatim quote; a MUST always quotes a MUST, MUST NOT or REQUIRED
sentence). Reads the suite map (suites/suite-map.json); loads no suite, runs nothing
and needs no server.

Usage: arcp-conformance list [options]

  --json                 print the listing as JSON (requirements with their text, quotes
                         and tests; coverage)
  --suites GLOB          (kit development) collect these suite files instead of
                         suites/**/*.suite.ts
  --debug                show stack traces and vitest's log
  -h, --help             show this help

Exit codes
  0  listed
  1  a suite file failed to load (listed anyway, without its tests)
  2  usage error

Examples
  arcp-conformance list
  arcp-conformance list --json > coverage.json
`;

export const HELP_HELP = `arcp-conformance help: show the help of a command.

Usage: arcp-conformance help [run|merge|compare|replay|list|serve]

Example
  arcp-conformance help run
`;
