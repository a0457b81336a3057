#!/usr/bin/env bash
set -euo pipefail
cp "$(dirname "$0")/monitor.py" monitor.py
