#!/usr/bin/env bash
# Install PeakReady into .venv, prepare the database with demo data, and serve the app.
#   ./scripts/start.sh            SQLite file data/peakready.db (or READINESS_DATABASE_URL), demo data, port 8501
#   ./scripts/start.sh --no-demo  migrate and load content only (for a real deployment)
# Extra arguments after the options go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=1
if [[ "${1:-}" == "--no-demo" ]]; then demo=0; shift; fi

if [[ ! -x .venv/bin/python ]]; then
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt

if [[ $demo == 1 ]]; then
  .venv/bin/python manage.py demo
else
  .venv/bin/python manage.py init
fi

exec .venv/bin/python -m streamlit run serve.py \
  --server.headless true --server.port "${PORT:-8501}" --browser.gatherUsageStats false "$@"
