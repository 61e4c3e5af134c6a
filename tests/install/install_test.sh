#!/usr/bin/env bash
# What a packager and an administrator rely on (issue 16, docs/install.md):
#   install_test.sh destdir BUILD_DIR  `cmake --install` into a DESTDIR has every file, and the
#                                      desktop entry and the systemd unit pass their validators;
#   install_test.sh deb BUILD_DIR      `cpack -G DEB` builds a package with computed dependencies
#                                      that unpacks into an empty root, where the binary runs.
set -euo pipefail
mode=$1
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_files() {  # ROOT FILE...
    local root=$1; shift
    for f in "$@"; do [[ -f "$root$f" ]] || fail "missing $f"; done
}
installed=(
    /usr/bin/soundlab
    /usr/share/soundlab/preset.schema.json
    /usr/share/soundlab/openapi.json
    /usr/share/applications/soundlab.desktop
    /usr/share/icons/hicolor/scalable/apps/soundlab.svg
    /usr/share/man/man1/soundlab.1
    /usr/share/doc/soundlab/README.md
    /usr/share/doc/soundlab/install.md
    /usr/lib/systemd/system/soundlab.service
    /usr/lib/sysusers.d/soundlab.conf
    /etc/soundlab/soundlab.conf
)

case $mode in
destdir)
    DESTDIR="$work/root" cmake --install "$build" --prefix /usr >/dev/null
    expect_files "$work/root" "${installed[@]}"
    # The shipped OpenAPI document is the one the server serves: it lists the routes.
    grep -q '"/api/latency/calibrate"' "$work/root/usr/share/soundlab/openapi.json" ||
        fail "openapi.json lacks the API's routes"
    grep -q 'print\\-config' "$work/root/usr/share/man/man1/soundlab.1" ||
        fail "the man page lacks --print-config"
    # Validators: silent means accepted (both exit 0 on mere warnings).
    out=$(desktop-file-validate "$work/root/usr/share/applications/soundlab.desktop" 2>&1) ||
        fail "desktop-file-validate: $out"
    [[ -z $out ]] || fail "desktop-file-validate: $out"
    # systemd-analyze checks that ExecStart exists: point it at the installed binary.
    sed "s|/usr/bin/soundlab|$work/root/usr/bin/soundlab|" \
        "$work/root/usr/lib/systemd/system/soundlab.service" >"$work/soundlab.service"
    out=$(systemd-analyze verify --man=no "$work/soundlab.service" 2>&1) ||
        fail "systemd-analyze verify: $out"
    [[ -z $out ]] || fail "systemd-analyze verify: $out"
    # The example settings are valid settings.
    XDG_CONFIG_HOME="$work/none" "$build/app/soundlab" \
        --config "$work/root/etc/soundlab/soundlab.conf" --print-config >/dev/null ||
        fail "the shipped soundlab.conf is refused"
    ;;
deb)
    (cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
        { cat "$work/cpack.log"; fail "cpack"; }
    deb=$(ls "$work"/out/soundlab_*.deb)
    depends=$(dpkg-deb -f "$deb" Depends)
    for p in libqt6core6 libportaudio2 qml6-module-qtquick; do
        [[ $depends == *"$p"* ]] || fail "Depends lacks $p: $depends"
    done
    dpkg-deb -e "$deb" "$work/control"
    grep -qx /etc/soundlab/soundlab.conf "$work/control/conffiles" || fail "conffiles"
    dpkg-deb -x "$deb" "$work/root"
    expect_files "$work/root" "${installed[@]}"
    if ldd "$work/root/usr/bin/soundlab" | grep -q 'not found'; then
        fail "unresolved libraries: $(ldd "$work/root/usr/bin/soundlab" | grep 'not found')"
    fi
    version=$(XDG_CONFIG_HOME="$work/none" "$work/root/usr/bin/soundlab" --version)
    [[ $version == "soundlab "* ]] || fail "--version said: $version"
    echo "$(basename "$deb"): $(stat -c %s "$deb") bytes; $version"
    ;;
*) fail "usage: $0 destdir|deb BUILD_DIR" ;;
esac
echo PASS
