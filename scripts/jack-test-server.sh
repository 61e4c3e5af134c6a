#!/usr/bin/env bash
# Starts or stops a JACK server with the dummy driver for the tests (no sound card needed).
#   jack-test-server.sh start NAME   -> jackd -S -n NAME -d dummy -r 48000 -p 256, waits until ready
#   jack-test-server.sh stop NAME
# Without jackd installed, start succeeds and the JACK tests skip themselves.
set -u
action=${1:?start|stop}
name=${2:?server name}
pidfile="${TMPDIR:-/tmp}/$name.jackd.pid"
logfile="${TMPDIR:-/tmp}/$name.jackd.log"

case "$action" in
start)
    if ! command -v jackd >/dev/null; then
        echo "jackd is not installed: the JACK tests will skip"
        exit 0
    fi
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    # No realtime scheduling: containers and CI machines rarely allow it, and the dummy
    # driver does not need it.
    nohup jackd --no-realtime -S -n "$name" -d dummy -r 48000 -p 256 >"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 100); do
        if jack_lsp -s "$name" >/dev/null 2>&1; then
            echo "jackd '$name' ready (pid $(cat "$pidfile"))"
            exit 0
        fi
        sleep 0.1
    done
    echo "jackd '$name' did not become ready; its log:"
    cat "$logfile"
    exit 1
    ;;
stop)
    if [ -f "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null
        rm -f "$pidfile"
    fi
    exit 0
    ;;
*)
    echo "usage: $0 start|stop NAME" >&2
    exit 2
    ;;
esac
