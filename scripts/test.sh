#!/usr/bin/env bash
# Install everything the tests need and run every tier: lint, unit, integration (SQLite and
# PostgreSQL), app (AppTest) and e2e (Playwright driving Debian's Chromium).
# Finds or starts a local PostgreSQL; installs Chromium and a CJK font with apt when missing (as root).
# Under CI=true a tier that cannot run fails instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*"; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  [[ $apt_updated == 1 ]] || { as_root apt-get update -qq && apt_updated=1; } || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

log "python packages"
if [[ ! -x .venv/bin/python ]]; then
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

log "browser (Debian chromium + CJK font)"
if [[ ! -x /usr/bin/chromium ]] || ! fc-list 2>/dev/null | grep -qi 'cjk'; then
  apt_install chromium fonts-noto-cjk || log "could not install chromium/fonts-noto-cjk: the e2e tier will skip (fail under CI)"
fi

log "LibreOffice (headless Calc: the exported workbooks must open in it)"
if ! command -v soffice >/dev/null; then
  apt_install --no-install-recommends libreoffice-calc-nogui || log "could not install LibreOffice: its checks will skip (fail under CI)"
fi

log "postgresql"
pg_url="${READINESS_TEST_POSTGRES_URL:-}"
if [[ -z "$pg_url" ]]; then
  pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
  if ! pg_ready; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql || true
    fi
    for version in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_ready && break; sleep 0.5; done
  fi
  if pg_ready; then
    # A login role of our own with a password works under trust and under scram/md5 auth alike.
    if as_root runuser -u postgres -- psql -qtAc "SELECT 1" >/dev/null 2>&1; then
      as_root runuser -u postgres -- psql -qtAc \
        "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='peakready_test') THEN
           CREATE ROLE peakready_test LOGIN CREATEDB PASSWORD 'peakready_test'; END IF; END\$\$;" >/dev/null
      pg_url="postgresql+psycopg://peakready_test:peakready_test@127.0.0.1:5432/postgres"
    else
      pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    fi
  else
    log "no PostgreSQL reachable: that tier will skip (fail under CI)"
  fi
fi
export READINESS_TEST_POSTGRES_URL="$pg_url"

log "ruff"
.venv/bin/python -m ruff check .

log "layer contracts (import-linter, pyproject.toml)"
.venv/bin/lint-imports

log "pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [[ $status == 5 ]]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit $status
