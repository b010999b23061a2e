#!/usr/bin/env bash
# Starts the Python SDK conformance host from the venv setup.sh built (run setup.sh first).
# Arguments go to host.py (--port, --heartbeat, --resume-window); its first stdout line is the
# URL. Usable as: arcp-conformance run --server-cmd "bash adapters/python/run-host.sh ..."
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${ARCP_PYTHON_VENV:-$here/../../.arcp-conformance/python-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "adapters/python/run-host.sh: no venv at $venv; run 'bash adapters/python/setup.sh' first" >&2
  exit 1
fi
exec "$venv/bin/python" "$here/host.py" "$@"
