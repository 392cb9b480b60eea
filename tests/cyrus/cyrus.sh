#!/usr/bin/env bash
# Start, stop or query a real Cyrus IMAP 3.10 JMAP server for the test suite, without Docker.
#
# Cyrus runs from Debian trixie's packages inside a debootstrap chroot.  Building the chroot
# is the slow part (about a minute), so it is cached outside the checkout and reused; the
# configuration is rewritten on every start, so a change to this file takes effect at once.
#
#   tests/cyrus/cyrus.sh start    # idempotent: builds the chroot once, starts Cyrus, makes users
#   tests/cyrus/cyrus.sh stop     # stops Cyrus and unmounts what start mounted
#   tests/cyrus/cyrus.sh status   # exit 0 when the server answers
#   tests/cyrus/cyrus.sh env      # prints the variables the tests read
#   tests/cyrus/cyrus.sh serve    # in a container (CYRUS_ROOT=/): configure, start, stay up
#
# Users user1..user3 (password "password"), and the admin "admin", exist after start.
# Needs root (debootstrap, chroot, mount); see ../shared/cyrus-notes.md for why each setting.
set -euo pipefail

CACHE_DIR=${CYRUS_CACHE_DIR:-/var/cache/caldav-jmap-cyrus}
ROOT=${CYRUS_ROOT:-$CACHE_DIR/chroot}
LISTEN=${CYRUS_LISTEN:-127.0.0.1}
HTTP_PORT=${CYRUS_HTTP_PORT:-18080}
IMAP_PORT=${CYRUS_IMAP_PORT:-18143}
PASSWORD=${CYRUS_PASSWORD:-password}
ADMIN_PASSWORD=${CYRUS_ADMIN_PASSWORD:-adminpassword}
USERS=${CYRUS_USERS:-"user1 user2 user3"}
# The Debian mirror: DEBIAN_MIRROR, else the one this machine's own apt sources name (never a
# host written here: the machine's configuration says where its packages come from).
MIRROR=${DEBIAN_MIRROR:-}
# Bump when the package set changes, so a cached chroot from an older script is rebuilt.
CHROOT_VERSION=1
PIDFILE=/run/cyrus-master.pid

log() { printf 'cyrus.sh: %s\n' "$*" >&2; }

apt_mirror() {
    # The first "deb" URI of the machine's apt sources (deb822 .sources or one-line .list)
    # whose path ends in /debian: the main archive, not the security one.
    local f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            /^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) print $i }
            /^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }
        ' "$f"
    done | grep -E '/debian/?$' | head -n 1
}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        log "must run as root (debootstrap, chroot and mount need it)"
        exit 1
    fi
}

build_chroot() {
    if [ -f "$ROOT/.caldav-jmap-chroot" ] && [ "$(cat "$ROOT/.caldav-jmap-chroot")" = "$CHROOT_VERSION" ]; then
        return
    fi
    log "building the Debian trixie chroot in $ROOT (cached for later runs)"
    if ! command -v debootstrap >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    if [ -z "$MIRROR" ]; then
        MIRROR=$(apt_mirror)
    fi
    if [ -z "$MIRROR" ]; then
        log "no Debian mirror: set DEBIAN_MIRROR or add one to the apt sources"
        exit 1
    fi
    umount_proc
    rm -rf "$ROOT"
    mkdir -p "$CACHE_DIR"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 || {
        tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
        exit 1
    }
    # Package scripts must not try to start services inside the chroot.
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod +x "$ROOT/usr/sbin/policy-rc.d"
    mount_proc
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # The cyrus packages cannot go into debootstrap --include: it does not resolve the MTA
    # dependency; apt inside the chroot does.
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        cyrus-imapd cyrus-caldav sasl2-bin >"$CACHE_DIR/apt.log" 2>&1 || {
        tail -n 30 "$CACHE_DIR/apt.log" >&2
        exit 1
    }
    chroot "$ROOT" apt-get clean
    echo "$CHROOT_VERSION" >"$ROOT/.caldav-jmap-chroot"
}

mount_proc() {
    mkdir -p "$ROOT/proc"
    if ! mountpoint -q "$ROOT/proc"; then
        mount -t proc proc "$ROOT/proc"
    fi
}

umount_proc() {
    # In a container (CYRUS_ROOT=/) /proc is the system's own
    if [ "$ROOT" != / ] && [ -d "$ROOT/proc" ] && mountpoint -q "$ROOT/proc"; then
        umount -l "$ROOT/proc" || true
    fi
}

write_config() {
    cat >"$ROOT/etc/imapd.conf" <<EOF
configdirectory: /var/lib/cyrus
partition-default: /var/spool/cyrus/mail
servername: localhost
admins: admin
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_mech_list: PLAIN LOGIN
httpmodules: caldav carddav jmap
httpallowcompress: no
conversations: yes
conversations_db: twoskip
altnamespace: no
unixhierarchysep: no
virtdomains: off
# Cyrus sends no iTIP (invites, replies, cancels) for an event that ended more than
# caldav_historical_age (default 7d) ago.  The tests' fixed dates (2026) are already past,
# so without this scheduling silently does nothing; -1 means never historical.
caldav_historical_age: -1
jmap_pushpoll: 1
# Without a base URL for managed attachments (RFC 8607) Cyrus refuses a JSCalendar Link with
# a blobId (CalendarEvent/set: invalidProperties links/<id>/blobId); with it the blob is
# copied to the user's Attachments collection, and the event gets ATTACH;MANAGED-ID=.
# Side effect: after that, a patch update to such an event (even just "title") is refused with
# links/<id>/href + links/<id>/blobId unless the update replaces "links" whole or sets
# "links/<id>/href": null.
webdav_attachments_baseurl: http://127.0.0.1:$HTTP_PORT
# Without a search engine Cyrus answers CalendarEvent/query text filters with serverFail
search_engine: xapian
defaultsearchtier: t1
t1searchpartition-default: /var/spool/cyrus/search
# ...and the index is kept by a rolling squatter that follows the sync log
sync_log: yes
sync_log_channels: squatter
syslog_prefix: cyrus-test
EOF
    cat >"$ROOT/etc/cyrus.conf" <<EOF
START {
  recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -r"
}
SERVICES {
  imap cmd="imapd" listen="$LISTEN:$IMAP_PORT" prefork=0
  http cmd="httpd" listen="$LISTEN:$HTTP_PORT" prefork=0
}
EVENTS {
  checkpoint cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -c" period=30
}
DAEMON {
  squatter cmd="squatter -R -n squatter"
}
EOF
    chroot "$ROOT" sh -c 'mkdir -p /var/lib/cyrus /var/spool/cyrus/mail /var/spool/cyrus/search /run/cyrus/socket &&
        chown -R cyrus:mail /var/lib/cyrus /var/spool/cyrus /run/cyrus'
}

make_sasl_users() {
    local name
    for name in admin $USERS; do
        local pw=$PASSWORD
        [ "$name" = admin ] && pw=$ADMIN_PASSWORD
        printf '%s' "$pw" | chroot "$ROOT" saslpasswd2 -p -c -u localhost "$name"
    done
    chroot "$ROOT" sh -c 'chown cyrus:mail /etc/sasldb2 && chmod 640 /etc/sasldb2'
}

running() {
    [ -f "$ROOT$PIDFILE" ] && kill -0 "$(cat "$ROOT$PIDFILE")" 2>/dev/null
}

answers() {
    python3 - "$HTTP_PORT" <<'EOF'
import sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2)
except urllib.error.HTTPError:
    pass  # any HTTP answer means httpd is up
except Exception:
    sys.exit(1)
EOF
}

make_mailboxes() {
    # Each user needs its mailbox before JMAP answers anything but 503.  imaplib instead of
    # cyradm keeps perl out of the chroot's requirements.
    python3 - "$IMAP_PORT" "$ADMIN_PASSWORD" $USERS <<'EOF'
import imaplib, sys, time
port, password, users = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
for attempt in range(50):
    try:
        imap = imaplib.IMAP4("127.0.0.1", port)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("cyrus.sh: imapd does not answer on port %d" % port)
imap.login("admin", password)
for user in users:
    typ, data = imap.create("user." + user)
    if typ != "OK" and b"exists" not in b" ".join(data).lower():
        sys.exit("cyrus.sh: cannot create mailbox for %s: %r" % (user, data))
imap.logout()
EOF
}

launch() {
    write_config
    make_sasl_users
    chroot "$ROOT" /usr/lib/cyrus/bin/master -d -p "$PIDFILE"
    local i
    for i in $(seq 1 100); do
        answers && break
        sleep 0.2
    done
    answers || { log "httpd did not come up"; exit 1; }
    make_mailboxes
}

start() {
    need_root
    build_chroot
    mount_proc
    if running && answers; then
        log "already running on port $HTTP_PORT"
        return
    fi
    launch
    log "running: http://127.0.0.1:$HTTP_PORT/.well-known/jmap (users: $USERS)"
}

serve() {
    launch
    log "serving on $LISTEN:$HTTP_PORT (users: $USERS)"
    while running; do sleep 5; done
}

stop() {
    need_root
    if running; then
        kill "$(cat "$ROOT$PIDFILE")"
        local i
        for i in $(seq 1 50); do
            running || break
            sleep 0.1
        done
        running && kill -9 "$(cat "$ROOT$PIDFILE")" 2>/dev/null || true
    fi
    umount_proc
    log "stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) running && answers ;;
serve) serve ;;
env)
    echo "CYRUS_JMAP_URL=http://127.0.0.1:$HTTP_PORT/.well-known/jmap"
    echo "CYRUS_PASSWORD=$PASSWORD"
    echo "CYRUS_USERS=\"$USERS\""
    ;;
*)
    echo "usage: $0 start|stop|status|env|serve" >&2
    exit 2
    ;;
esac
