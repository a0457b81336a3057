#!/usr/bin/env bash
# Ship the analysis with its reports: the ticket asks for the code that produced them.
set -euo pipefail
cp "$(dirname "$0")/explain.py" explain.py
python3 explain.py
