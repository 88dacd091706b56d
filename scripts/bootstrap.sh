# Sourced by serve and test: install missing system packages, create .venv, install Python deps.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

log() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

# apt packages the app needs: gettext (translations), Pango and HarfBuzz's subsetter (WeasyPrint;
# without libharfbuzz-subset0 it falls back to fontTools, 17 s per Chinese notice), Noto CJK (PDFs).
RUNTIME_PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
# and what the tests add: PostgreSQL and Redis servers if absent, pdftotext, Chromium.
TEST_PACKAGES=(poppler-utils chromium)

apt_install_missing() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "Installing system packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

python_bin() {
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            echo "$candidate"; return
        fi
    done
    echo "Python 3.11 is required (python3.11 not found)." >&2
    exit 1
}

python_install() {  # $1: extras, e.g. "" or "[dev]"
    local extras="$1"
    if [ ! -x "$VENV/bin/python" ]; then
        log "Creating virtualenv .venv"
        "$(python_bin)" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extras}"
    if [ ! -f "$stamp" ]; then
        log "Installing Python dependencies$extras"
        "$VENV/bin/pip" install -q --upgrade pip
        "$VENV/bin/pip" install -q -e ".${extras}"
        touch "$stamp"
    fi
}

prepare_fonts() {
    "$VENV/bin/python" manage.py prepare_fonts
}

compile_translations() {
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv -v0
}

start_services() {  # PostgreSQL and Redis, started if they are not running, and the test database
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        log "Starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        log "Starting Redis"
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
        for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
    fi

    if [ -z "${TEST_DATABASE_URL:-}" ] && ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'govern'" | grep -q 1; then
        createdb -h 127.0.0.1 -U postgres govern
    fi
}
