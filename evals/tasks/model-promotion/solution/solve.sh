#!/usr/bin/env bash
set -euo pipefail
python3 "$(dirname "$0")/promote.py"
cp "$(dirname "$0")/rollback.sh" rollback.sh
