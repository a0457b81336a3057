#!/usr/bin/env bash
# The reference service on http.server's plain HTTPServer, as most examples show it: one
# request at a time, so a single client that stalls mid-request freezes everyone else.
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
sed 's/ThreadingHTTPServer/HTTPServer/g' "$(dirname "$0")/reference_serve.py" > serve.py
