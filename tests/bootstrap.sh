#!/usr/bin/env bash
# Everything a fresh Debian machine (as root) needs, then one of the project's two jobs:
#
#   bash tests/bootstrap.sh quickstart   # start the local Cyrus, run the caldav-jmap command line
#   bash tests/bootstrap.sh test         # start the local Cyrus, run the whole test suite
#
# The virtualenv and the Cyrus chroot are cached outside the checkout (VENV_DIR,
# CYRUS_CACHE_DIR), so a second run starts in seconds.  Extra arguments go to pytest
# (test) or to caldav-jmap (quickstart).  JMAP_TESTS_UNIT_ONLY=1 skips Cyrus altogether.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV_DIR=${VENV_DIR:-/var/cache/caldav-jmap-venv}
JOB=${1:-test}
shift || true

log() { printf 'bootstrap: %s\n' "$*" >&2; }

ensure_python() {
    if ! command -v python3 >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
    fi
    if [ ! -x "$VENV_DIR/bin/python" ]; then
        if ! python3 -m venv "$VENV_DIR" 2>/dev/null; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            rm -rf "$VENV_DIR"
            python3 -m venv "$VENV_DIR"
        fi
    fi
    # Before the rename to caldav-jmap this project installed itself as "caldav",
    # in place of python-caldav: such an editable install is removed, so that
    # python-caldav (a dependency now) can be installed beside us.
    # (grep reads all of its input: with -q it would stop early, pip would get SIGPIPE, and
    # pipefail would make the test false even on a match)
    if "$VENV_DIR/bin/python" -m pip show caldav 2>/dev/null | grep '^Editable project location:' >/dev/null; then
        log "removing an editable install of this project under its old name caldav"
        "$VENV_DIR/bin/python" -m pip uninstall -q -y caldav
    fi
    # Reinstall only when the dependencies or the build (the caldav.jmap finder) changed
    local stamp="$VENV_DIR/.caldav-jmap-deps"
    local want
    want=$(cat "$HERE/pyproject.toml" "$HERE/setup.py" "$HERE"/build_support/*.py | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing the project and its test dependencies into $VENV_DIR"
        "$VENV_DIR/bin/python" -m pip install -q --upgrade pip >/dev/null
        # the editable install serves caldav.jmap from this checkout's caldav/jmap
        # (build_support/_caldav_jmap_finder.py); python-caldav provides caldav
        "$VENV_DIR/bin/python" -m pip install -q -e "$HERE[test,dev,websocket,cli]"
        echo "$want" >"$stamp"
    else
        # The checkout may have moved (CI clones afresh): point the editable install here
        "$VENV_DIR/bin/python" -m pip install -q --no-deps -e "$HERE" >/dev/null
    fi
}

start_cyrus() {
    if [ "${JMAP_TESTS_UNIT_ONLY:-}" = 1 ]; then
        return
    fi
    bash "$HERE/tests/cyrus/cyrus.sh" start
    eval "$(bash "$HERE/tests/cyrus/cyrus.sh" env | sed 's/^/export /')"
}

stop_cyrus() {
    if [ "${JMAP_TESTS_UNIT_ONLY:-}" != 1 ] && [ "${KEEP_CYRUS:-}" != 1 ]; then
        bash "$HERE/tests/cyrus/cyrus.sh" stop || true
    fi
}

# The main job: the caldav-jmap command line against the local Cyrus, on the sample calendar
quickstart() {
    local cli=("$VENV_DIR/bin/caldav-jmap" --url "${CYRUS_JMAP_URL:-http://127.0.0.1:18080/.well-known/jmap}"
        --username user1 --password "${CYRUS_PASSWORD:-password}" "$@")
    local work
    work=$(mktemp -d)
    if ! "${cli[@]}" --json calendars | grep '"name": "Sample"' >/dev/null; then
        "${cli[@]}" calendars create Sample --color '#3a87ad' --alert -PT10M >/dev/null
    fi
    log "calendars";               "${cli[@]}" calendars
    log "import the sample";       "${cli[@]}" import examples/sample-calendar.ics --calendar Sample
    log "agenda, 5-16 Jan 2026";   "${cli[@]}" agenda --calendar Sample --start 2026-01-05 --end 2026-01-17 --tz Europe/Berlin
    log "export to $work/export.ics"
    "${cli[@]}" export --calendar Sample --output "$work/export.ics"
    grep -c BEGIN:VEVENT "$work/export.ics" | sed 's/^/bootstrap: VEVENTs exported: /' >&2
    log "sync to the vdir $work/vdir"; "${cli[@]}" sync "$work/vdir" --calendar Sample
    log "server check";            "${cli[@]}" check
    # leave the server as it was, so that the next run starts afresh
    "${cli[@]}" calendars delete Sample --force
    rm -rf "$work"
}

ensure_python
cd "$HERE"
case "$JOB" in
test)
    start_cyrus
    trap stop_cyrus EXIT
    set +e
    "$VENV_DIR/bin/python" -m pytest "$@"
    status=$?
    set -e
    # pytest's 5 is "no tests collected": a run that tested nothing has failed
    exit $status
    ;;
quickstart)
    start_cyrus
    trap stop_cyrus EXIT
    quickstart "$@"
    ;;
*)
    echo "usage: $0 test|quickstart [args...]" >&2
    exit 2
    ;;
esac
