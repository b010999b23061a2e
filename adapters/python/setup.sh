#!/usr/bin/env bash
# Installs the pinned ARCP Python SDK (requirements.txt) into .arcp-conformance/python-venv,
# the kit's ignored build folder. Idempotent: a venv already built from the same
# requirements.txt with the same interpreter is left alone (a fast no-op).
# Prints the venv's python path as its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${ARCP_PYTHON_VENV:-$root/.arcp-conformance/python-venv}"
requirements="$here/requirements.txt"

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "adapters/python/setup.sh: $python not found; the Python SDK host needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "adapters/python/setup.sh: $python is $("$python" --version 2>&1); the ARCP Python SDK needs 3.11 or newer (set PYTHON=...)" >&2
  exit 1
fi

# What the venv was built from: the requirements and the interpreter.
stamp="$( (cat "$requirements"; "$python" -c 'import sys; print(sys.version)') | cksum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$venv/.requirements-stamp" && "$(cat "$venv/.requirements-stamp")" == "$stamp" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

echo "adapters/python/setup.sh: building $venv from requirements.txt" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
if ! "$python" -m venv "$venv" >&2; then
  echo "adapters/python/setup.sh: '$python -m venv' failed; on Debian/Ubuntu install the python3-venv package" >&2
  exit 1
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-virtualenv -r "$requirements" >&2
"$venv/bin/python" -c 'import arcp' # the SDK imports
echo "$stamp" >"$venv/.requirements-stamp"
echo "$venv/bin/python"
