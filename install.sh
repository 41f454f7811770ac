#!/usr/bin/env bash
# Set up Reasmory from scratch in ./.venv: system libraries, a CPU build of torch, the package with its dev extra.
set -euo pipefail
cd "$(dirname "$0")"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  # Open3D needs libusb; libgomp is usually present; chromium renders HTML reports in the tests.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libusb-1.0-0 libgomp1 chromium >/dev/null
else
  echo "note: not root or no apt-get; make sure libusb-1.0-0 is installed for Open3D" >&2
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Reasmory needs Python >= 3.11" >&2; exit 2; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# torch first and pinned: an unpinned torch (or one pulled in by another package) is a multi-GB CUDA build.
.venv/bin/pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev]"
echo "installed: $(.venv/bin/reasmory --help >/dev/null && echo 'reasmory ready in .venv')"
