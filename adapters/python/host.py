"""Conformance host for the ARCP Python SDK (PyPI agentruntimecontrolprotocol, import `arcp`).

Starts the SDK's own runtime (arcp.runtime.ARCPRuntime behind arcp.serve_websocket) on
ws://127.0.0.1:PORT/arcp and registers the `conformance` agent of spec/conformance-agent.md,
versions 1.0.0 and 2.0.0 (default 2.0.0). The first stdout line is the URL, which is what
`arcp-conformance run --server-cmd` reads. Bearer tokens come from ARCP_TOKEN (principal
`principal-1`) and ARCP_TOKEN_2 (`principal-2`) and are never printed.

Options (a flag wins over its variable):
  --port N            listening port, 0 = any free one (ARCP_PORT, default 0)
  --heartbeat SEC     heartbeat interval in whole seconds, 0 = none (ARCP_HEARTBEAT_SEC, default 30)
  --resume-window SEC resume window in whole seconds (ARCP_RESUME_WINDOW_SEC, default 600)

The agent goes through the SDK's public agent API: an `async def agent(input, ctx: JobContext)`
registered with ARCPRuntime.register_agent_version; events through JobContext (metric,
result_chunk) or ctx.job.emit_event (Job is exported by arcp.runtime; JobContext's typed
emitters call it); lease checks through arcp.runtime.validate_lease_op and ctx.authorize*;
failures by raising arcp.ARCPError; cancel arrives as asyncio cancellation of the agent.

What the SDK's API cannot do, step by step, and what the host does instead:
  * Rejecting a bad script "at submission, no job created" (INVALID_REQUEST): the SDK calls an
    agent only after it has sent job.accepted; no hook validates `input` before that. The host
    validates the script first thing and raises InvalidRequestError, so a bad script (or one
    needing `progress`/`result_chunk` that the session did not negotiate) ends as
    job.accepted + job.error INVALID_REQUEST.
  * Marked events: JobContext.log/thought/status/progress build their own bodies and cannot
    carry `marker` or the script's extra fields, so those kinds go through ctx.job.emit_event.
    `metric` and `cost` go through ctx.metric (the SDK's budget arithmetic and its unmarked
    `cost.budget.remaining`), except a negative cost, which ctx.metric refuses (ValueError):
    the host emits it with emit_event (the SDK would not decrement it either, v1.1 §9.6).
  * `chunks`: ResultStream cannot mark its chunks and always appends an extra empty chunk
    with more=false, so the host sends each chunk with ctx.result_chunk (marked, `more` false
    on the last) and the success terminal {result_id, result_size, summary?} with
    ctx.job.emit_result(JobResultPayload(...)); JobResultPayload lives only in the private
    module arcp._messages.execution. The same call carries a `finish` summary (an agent's
    return value becomes `result` only).
  * Cancel: the SDK has no cancel hook; job.cancel cancels the agent's asyncio task and the SDK
    itself writes the terminal (a job.result with final_status "cancelled"; it never sends
    job.cancelled). `on_cancel.linger_ms` is honoured by running the script on in a shielded
    task until the linger ends; the terminal is then the SDK's own. max_runtime_sec timeouts
    use the same task cancellation, so a script with linger_ms also lingers on a timeout.
  * Tool lease checks use the SDK's matcher (fnmatch: `*` also crosses `/`), not the
    segment globs of spec/conformance-agent.md; that is the SDK's reading, reported as is.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import signal
import sys
import uuid
from typing import Any

from arcp import (
    ARCPError,
    InvalidRequestError,
    LeaseExpiredError,
    RuntimeInfo,
    serve_websocket,
)
from arcp._messages.execution import JobResultPayload  # no public export (see header)
from arcp.runtime import (
    ARCPRuntime,
    JobContext,
    LeaseOpContext,
    StaticBearerVerifier,
    validate_lease_op,
)

AGENT = "conformance"
VERSIONS = ("1.0.0", "2.0.0")
DEFAULT_VERSION = "2.0.0"

# ---- the script (spec/agent-script.ts is the schema; this mirrors its checks) -------------

MAX_STEPS = 10_000
MAX_DEPTH = 8
MAX_BRANCHES = 64
MAX_COUNT = 2_000_000
MAX_EVENTS = 2_000_000
MAX_MS = 600_000
MAX_CHUNK_BYTES = 1_048_576
MAX_CHUNKS = 100_000
MAX_RESULT_BYTES = 64 * 1_048_576
MAX_TEXT = 1024
EMIT_KINDS = ("log", "thought", "status", "metric", "progress", "artifact_ref")
VENDOR_KIND = re.compile(r"^x-[A-Za-z0-9][A-Za-z0-9._-]*$")
CAPABILITY = re.compile(r"^(?!cost\.budget$|model\.use$)[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
CURRENCY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
COST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
PINNED_RETRYABLE = {"LEASE_EXPIRED": False, "BUDGET_EXHAUSTED": False, "INTERNAL_ERROR": True}
RUNTIME_ONLY_CODES = ("CANCELLED", "TIMEOUT")

STEP_FIELDS: dict[str, tuple[set[str], set[str]]] = {  # op -> (required, optional)
    "emit": ({"kind"}, {"body", "count"}),
    "sleep": ({"ms"}, set()),
    "parallel": ({"branches"}, set()),
    "cost": ({"amount", "currency"}, {"name"}),
    "tool": ({"tool"}, {"capability", "target", "model"}),
    "chunks": ({"parts"}, {"encoding"}),
    "wait_cancel": ({"max_ms"}, set()),
    "finish": (set(), {"result", "summary"}),
    "fail": ({"code", "message"}, {"retryable"}),
}


class ScriptError(InvalidRequestError):
    """A script the agent refuses (INVALID_REQUEST)."""


def _is_int(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _text(v: Any, *, empty: bool = False) -> bool:
    return isinstance(v, str) and (empty or len(v) > 0) and len(v) <= MAX_TEXT


def _check_step(step: Any, where: str, depth: int, problems: list[str]) -> None:
    if not isinstance(step, dict) or step.get("op") not in STEP_FIELDS:
        problems.append(f"{where}: not a step (op must be one of {', '.join(STEP_FIELDS)})")
        return
    op = step["op"]
    required, optional = STEP_FIELDS[op]
    keys = set(step) - {"op"}
    if required - keys or keys - required - optional:
        problems.append(f"{where}: {op} takes {sorted(required)} and optionally {sorted(optional)}")
        return
    ok = True
    if op == "emit":
        kind = step["kind"]
        ok = (kind in EMIT_KINDS or (isinstance(kind, str) and VENDOR_KIND.match(kind) is not None)) and (
            "body" not in step or isinstance(step["body"], dict)
        ) and ("count" not in step or _is_int(step["count"], 1, MAX_COUNT))
    elif op == "sleep":
        ok = _is_int(step["ms"], 0, MAX_MS)
    elif op == "wait_cancel":
        ok = _is_int(step["max_ms"], 0, MAX_MS)
    elif op == "parallel":
        branches = step["branches"]
        if depth >= MAX_DEPTH:
            problems.append(f"{where}: parallel steps nest deeper than {MAX_DEPTH}")
            return
        ok = isinstance(branches, list) and 1 <= len(branches) <= MAX_BRANCHES and all(isinstance(b, list) for b in branches)
        if ok:
            for k, branch in enumerate(branches):
                _check_steps(branch, f"{where}.branches.{k}", depth + 1, problems)
    elif op == "cost":
        ok = (
            isinstance(step["amount"], (int, float))
            and not isinstance(step["amount"], bool)
            and isinstance(step["currency"], str)
            and len(step["currency"]) <= 64
            and CURRENCY.match(step["currency"]) is not None
            and ("name" not in step or (isinstance(step["name"], str) and len(step["name"]) <= 128 and COST_NAME.match(step["name"]) is not None))
        )
    elif op == "tool":
        ok = (
            _text(step["tool"])
            and ("capability" not in step or (isinstance(step["capability"], str) and CAPABILITY.match(step["capability"]) is not None))
            and ("target" not in step or _text(step["target"]))
            and ("model" not in step or _text(step["model"]))
        )
    elif op == "chunks":
        parts = step["parts"]
        encoding = step.get("encoding", "utf8")
        if isinstance(parts, list):
            ok = 1 <= len(parts) <= MAX_CHUNKS and all(isinstance(p, str) and len(p) <= MAX_CHUNK_BYTES for p in parts)
            if ok and encoding == "base64":
                ok = all(BASE64.match(p) is not None for p in parts)
        else:
            ok = isinstance(parts, dict) and set(parts) == {"count", "size"} and _is_int(parts["count"], 1, MAX_CHUNKS) and _is_int(parts["size"], 0, MAX_CHUNK_BYTES)
        ok = ok and encoding in ("utf8", "base64")
    elif op == "finish":
        ok = "summary" not in step or _text(step["summary"], empty=True)
    elif op == "fail":
        code, retryable = step["code"], step.get("retryable")
        ok = _text(step["code"]) and code not in RUNTIME_ONLY_CODES and _text(step["message"], empty=True)
        ok = ok and (retryable is None or isinstance(retryable, bool))
        ok = ok and not (code in PINNED_RETRYABLE and retryable is not None and retryable != PINNED_RETRYABLE[code])
    if not ok:
        problems.append(f"{where}: invalid {op} step")


def _check_steps(steps: Any, where: str, depth: int, problems: list[str]) -> None:
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        problems.append(f"{where}: must be a list of at most {MAX_STEPS} steps")
        return
    for i, step in enumerate(steps):
        _check_step(step, f"{where}.{i}", depth, problems)


def _reachable(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, step in enumerate(steps):
        if step["op"] in ("finish", "fail"):
            return steps[: i + 1]
    return steps


def _walk(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for step in steps:
        out.append(step)
        if step["op"] == "parallel":
            for branch in step["branches"]:
                out.extend(_walk(branch))
    return out


def _events(steps: list[dict[str, Any]]) -> int:
    n = 0
    for step in _reachable(steps):
        op = step["op"]
        n += {"emit": step.get("count", 1), "cost": 1, "tool": 2}.get(op, 0)
        if op == "chunks":
            n += len(step["parts"]) if isinstance(step["parts"], list) else step["parts"]["count"]
        if op == "parallel":
            n += sum(_events(b) for b in step["branches"])
    return n


def _duration(steps: list[dict[str, Any]]) -> int:
    total = 0
    for step in _reachable(steps):
        if step["op"] == "sleep":
            total += step["ms"]
        elif step["op"] == "wait_cancel":
            total += step["max_ms"]
        elif step["op"] == "parallel":
            total += max((_duration(b) for b in step["branches"]), default=0)
    return total


def _chunk_bytes(step: dict[str, Any]) -> int:
    parts = step["parts"]
    if isinstance(parts, dict):
        return parts["count"] * parts["size"]
    if step.get("encoding", "utf8") == "base64":
        return sum(len(base64.b64decode(p)) for p in parts)
    return sum(len(p.encode("utf-8")) for p in parts)


def parse_script(script: Any) -> dict[str, Any]:
    """The script, or ScriptError naming its problems (spec/agent-script.ts's rules)."""
    problems: list[str] = []
    if not isinstance(script, dict) or "steps" not in script or set(script) - {"steps", "on_cancel"}:
        raise ScriptError("input must be a conformance script {steps, on_cancel?}")
    on_cancel = script.get("on_cancel", {})
    if not isinstance(on_cancel, dict) or set(on_cancel) - {"linger_ms"} or (
        "linger_ms" in on_cancel and not _is_int(on_cancel["linger_ms"], 0, MAX_MS)
    ):
        problems.append("on_cancel: must be {linger_ms?: 0..600000}")
    _check_steps(script["steps"], "steps", 0, problems)
    if not problems:
        steps = _walk(script["steps"])
        if len(steps) > MAX_STEPS:
            problems.append(f"more than {MAX_STEPS} steps")
        if _events(script["steps"]) > MAX_EVENTS:
            problems.append(f"a complete run emits more than {MAX_EVENTS} events")
        if _duration(script["steps"]) > MAX_MS:
            problems.append(f"worst-case duration exceeds {MAX_MS} ms")
        chunk_steps = [s for s in steps if s["op"] == "chunks"]
        if len(chunk_steps) > 1:
            problems.append("at most one chunks step per script")
        if chunk_steps and _chunk_bytes(chunk_steps[0]) > MAX_RESULT_BYTES:
            problems.append(f"chunks exceed {MAX_RESULT_BYTES} bytes")
        if chunk_steps and any(s["op"] == "finish" and "result" in s for s in steps):
            problems.append("a script with a chunks step cannot finish with an inline result")
        for s in steps:
            if s["op"] == "emit" and s["kind"] == "metric":
                body = {"name": "conformance.tick", "value": 0, **s.get("body", {})}
                if not isinstance(body["name"], str) or not isinstance(body["value"], (int, float)):
                    problems.append("emit metric: body does not fit the kind's schema")
                elif body["name"].startswith("cost."):
                    problems.append("emit metric: cost.* metrics are reported with the cost step")
    if problems:
        raise ScriptError("; ".join(problems[:10]))
    return script


def required_features(steps: list[dict[str, Any]]) -> set[str]:
    needed: set[str] = set()
    for step in _walk(steps):
        if step["op"] == "emit" and step["kind"] == "progress":
            needed.add("progress")
        if step["op"] == "chunks":
            needed.add("result_chunk")
    return needed


def default_body(kind: str, index: int, count: int) -> dict[str, Any]:
    return {
        "log": {"level": "info", "message": "conformance"},
        "thought": {"text": "conformance"},
        "status": {"phase": "conformance"},
        "metric": {"name": "conformance.tick", "value": index},
        "progress": {"current": index + 1, "total": count},
        "artifact_ref": {"uri": f"arcp://conformance/artifact/{index}", "content_type": "text/plain"},
    }.get(kind, {})


def chunk_data(k: int, size: int, encoding: str) -> str:
    if encoding == "utf8":
        return chr(97 + k % 26) * size
    return base64.b64encode(bytes([k % 256]) * size).decode("ascii")


# ---- running a script ----------------------------------------------------------------------


class Finish(Exception):
    def __init__(self, step: dict[str, Any]) -> None:
        self.step = step


class Fail(Exception):
    def __init__(self, step: dict[str, Any]) -> None:
        self.step = step


class JobEnded(Exception):
    """The SDK ended the job under the script (its lease watchdog): the script stops, silently."""


def script_error(step: dict[str, Any]) -> ARCPError:
    """The ARCPError whose code/message/retryable the SDK writes into job.error."""
    code = step["code"]
    retryable = step.get("retryable", PINNED_RETRYABLE.get(code, False))
    error_class = type("ScriptFailure", (ARCPError,), {"code": code})
    return error_class(step["message"], retryable=retryable)


class ScriptRun:
    """One job's run of a script through the SDK's JobContext."""

    def __init__(self, ctx: JobContext, script: dict[str, Any], version: str) -> None:
        self.ctx = ctx
        self.script = script
        self.version = version
        self.counters: dict[str, int] = {}
        self.children: dict[str, int] = {}
        self.cancelled = asyncio.Event()  # set once the job is cancelled while lingering
        self.chunked: tuple[str, int] | None = None  # (result_id, decoded bytes) after a chunks step

    def marker(self, branch: str) -> dict[str, Any]:
        i = self.counters.get(branch, 0)
        self.counters[branch] = i + 1
        return {"branch": branch, "i": i}

    async def emit(self, kind: str, body: dict[str, Any]) -> None:
        if self.ctx.job.state != "running":
            # The SDK ended the job (its lease watchdog sends job.error, then cancels the agent's
            # task); a parallel branch or a lingering script runs in a task of its own, which
            # that cancel reaches only through us: stop before emitting after the terminal.
            raise JobEnded
        if kind == "metric":
            value = body.get("value")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not (
                str(body.get("name", "")).startswith("cost.") and value < 0
            ):
                await self.ctx.metric(body)
                return
        await self.ctx.job.emit_event(kind, body)

    async def run(self) -> Any:
        """The agent's return value, or None when it wrote its own terminal."""
        try:
            await self.steps(self.script["steps"], "0")
            outcome: Exception = Finish({"op": "finish"})
        except (Finish, Fail) as ended:
            outcome = ended
        except JobEnded:
            return None
        if self.cancelled.is_set():
            return None  # lingering after a cancel: the job's one terminal is the SDK's
        if isinstance(outcome, Fail):
            raise script_error(outcome.step)
        step = outcome.step
        if self.chunked is not None or "summary" in step:
            result = None if self.chunked is not None else step.get("result", {"version": self.version})
            await self.ctx.job.emit_result(
                JobResultPayload(
                    final_status="success",
                    result=result,
                    result_id=self.chunked[0] if self.chunked else None,
                    result_size=self.chunked[1] if self.chunked else None,
                    summary=step.get("summary"),
                    completed_at=_now_iso(),
                )
            )
            return None
        return step.get("result", {"version": self.version})

    async def steps(self, steps: list[dict[str, Any]], branch: str) -> None:
        for step in steps:
            await self.step(step, branch)

    async def step(self, step: dict[str, Any], branch: str) -> None:  # noqa: C901
        op = step["op"]
        if op == "emit":
            count = step.get("count", 1)
            for x in range(count):
                body = {**default_body(step["kind"], x, count), **step.get("body", {}), "marker": self.marker(branch)}
                await self.emit(step["kind"], body)
                if x % 64 == 63:
                    await asyncio.sleep(0)  # let the write pump and heartbeats run
        elif op == "sleep":
            await asyncio.sleep(step["ms"] / 1000)
        elif op == "wait_cancel":
            if not self.cancelled.is_set():
                try:
                    await asyncio.wait_for(self.cancelled.wait(), step["max_ms"] / 1000)
                except TimeoutError:
                    pass
        elif op == "parallel":
            await self.parallel(step["branches"], branch)
        elif op == "cost":
            name = f"cost.{step.get('name', 'inference')}"
            await self.emit("metric", {"name": name, "value": step["amount"], "unit": step["currency"], "marker": self.marker(branch)})
        elif op == "tool":
            await self.tool(step, branch)
        elif op == "chunks":
            await self.chunks(step, branch)
        elif op == "finish":
            raise Finish(step)
        elif op == "fail":
            raise Fail(step)

    async def parallel(self, branches: list[list[dict[str, Any]]], parent: str) -> None:
        tasks = []
        for branch in branches:
            k = self.children.get(parent, 0)
            self.children[parent] = k + 1
            tasks.append(asyncio.create_task(self.steps(branch, f"{parent}.{k}")))
        try:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:
                task.cancel()
        for task in tasks:  # a finish/fail in one branch ends the others
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def tool(self, step: dict[str, Any], branch: str) -> None:
        capability = step.get("capability", "tool.call")
        target = step.get("target", step["tool"])
        args: dict[str, Any] = {"capability": capability, "target": target}
        if "model" in step:
            args["model"] = step["model"]
        call_id = f"call_{uuid.uuid4().hex}"
        await self.emit("tool_call", {"tool": step["tool"], "call_id": call_id, "args": args, "marker": self.marker(branch)})
        try:
            # spec order: expiry, capability pattern, model.use, budget
            validate_lease_op(self.ctx.lease, LeaseOpContext(capability=capability, target=target), constraints=self.ctx.lease_constraints)
            if "model" in step:
                self.ctx.authorize_model(step["model"])
            self.ctx.authorize(capability, target)
        except ARCPError as denied:
            error = {"code": denied.code, "message": denied.message, "retryable": False}
            await self.emit("tool_result", {"call_id": call_id, "error": error, "marker": self.marker(branch)})
            if isinstance(denied, LeaseExpiredError):
                raise  # the SDK ends the job with job.error LEASE_EXPIRED
            return
        await self.emit("tool_result", {"call_id": call_id, "result": {"ok": True, "tool": step["tool"]}, "marker": self.marker(branch)})

    async def chunks(self, step: dict[str, Any], branch: str) -> None:
        encoding = step.get("encoding", "utf8")
        parts = step["parts"]
        datas = parts if isinstance(parts, list) else None
        count = len(parts) if isinstance(parts, list) else parts["count"]
        result_id = self.ctx.stream_result().result_id  # the SDK mints the id; the stream stays unused
        size = 0
        for k in range(count):
            data = datas[k] if datas is not None else chunk_data(k, parts["size"], encoding)
            size += len(base64.b64decode(data)) if encoding == "base64" else len(data.encode("utf-8"))
            body = {"result_id": result_id, "chunk_seq": k, "data": data, "encoding": encoding, "more": k < count - 1}
            await self.ctx.result_chunk({**body, "marker": self.marker(branch)})
            if k % 64 == 63:
                await asyncio.sleep(0)
        self.chunked = (result_id, size)


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


async def run_with_linger(run: ScriptRun, linger_ms: int) -> Any:
    """Runs the script; on cancel keeps it running up to linger_ms, then lets the SDK end the job."""
    if linger_ms == 0:
        return await run.run()  # in the SDK's own task: its cancel stops the script at once
    inner = asyncio.create_task(run.run())
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        if inner.done() and not inner.cancelled():
            return inner.result()  # the script ended just as the cancel landed
        if run.ctx.job.state == "running":
            run.cancelled.set()
            deadline = asyncio.get_running_loop().time() + linger_ms / 1000
            while not inner.done():
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait({inner}, timeout=remaining)
                except asyncio.CancelledError:
                    continue  # a second cancel changes nothing
        inner.cancel()
        try:
            await inner
        except BaseException:  # noqa: BLE001 - the job's outcome is the cancel
            pass
        raise


def conformance_agent(version: str):  # noqa: ANN201
    async def agent(input_value: Any, ctx: JobContext) -> Any:
        script = parse_script(input_value)
        missing = sorted(f for f in required_features(script["steps"]) if not ctx.job.session.has_feature(f))
        if missing:
            raise InvalidRequestError(f"the script needs features not negotiated: {', '.join(missing)}")
        linger_ms = script.get("on_cancel", {}).get("linger_ms", 0)
        return await run_with_linger(ScriptRun(ctx, script, version), linger_ms)

    return agent


# ---- the server ----------------------------------------------------------------------------


def _options(argv: list[str]) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description="ARCP Python SDK conformance host")
    # String defaults go through `type` too, so a bad variable is a clear usage error.
    parser.add_argument("--port", type=int, default=env.get("ARCP_PORT", "0"))
    parser.add_argument("--heartbeat", type=int, default=env.get("ARCP_HEARTBEAT_SEC", "30"))
    parser.add_argument("--resume-window", type=int, default=env.get("ARCP_RESUME_WINDOW_SEC", "600"))
    options = parser.parse_args(argv)
    if options.heartbeat < 0 or options.resume_window < 0 or not 0 <= options.port <= 65535:
        parser.error("--port, --heartbeat and --resume-window must be non-negative")
    return options


def _tokens() -> dict[str, str]:
    primary = os.environ.get("ARCP_TOKEN", "").strip()
    secondary = os.environ.get("ARCP_TOKEN_2", "").strip()
    if not primary:
        sys.exit("host.py: ARCP_TOKEN is not set (the bearer token of the first principal)")
    if secondary == primary:
        sys.exit("host.py: ARCP_TOKEN_2 must differ from ARCP_TOKEN")
    tokens = {primary: "principal-1"}
    if secondary:
        tokens[secondary] = "principal-2"
    return tokens


async def serve(options: argparse.Namespace) -> None:
    runtime = ARCPRuntime(
        runtime=RuntimeInfo(name="arcp-python-sdk-conformance-host", version="1.1.3"),
        bearer=StaticBearerVerifier(_tokens()),
        heartbeat_interval_sec=options.heartbeat or None,
        resume_window_sec=options.resume_window,
    )
    for version in VERSIONS:
        runtime.register_agent_version(AGENT, version, conformance_agent(version))
    runtime.set_default_agent_version(AGENT, DEFAULT_VERSION)

    server = await serve_websocket(runtime.accept, host="127.0.0.1", port=options.port, path="/arcp")
    port = server.sockets[0].getsockname()[1] if hasattr(server, "sockets") else options.port
    print(f"ws://127.0.0.1:{port}/arcp", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    await runtime.close()


if __name__ == "__main__":
    asyncio.run(serve(_options(sys.argv[1:])))
