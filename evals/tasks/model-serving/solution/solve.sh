#!/usr/bin/env bash
set -euo pipefail
cp "$(dirname "$0")/serve.py" serve.py
cp "$(dirname "$0")/README.md" README.md
