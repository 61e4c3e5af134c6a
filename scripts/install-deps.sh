#!/usr/bin/env bash
# Installs every Debian 12 package Soundlab needs to build, run and test.
# Safe to run repeatedly: apt-get skips what is already installed.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # Qt 6.4 (Debian 12) and the QML modules the GUI imports; Debian's QML
  # module packages do not depend on each other, so each is listed.
  qt6-base-dev qt6-declarative-dev qt6-httpserver-dev qt6-websockets-dev
  qt6-charts-dev qt6-multimedia-dev qt6-qpa-plugins libgl-dev
  qml6-module-qtqml qml6-module-qtquick qml6-module-qtquick-controls
  qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtcharts
  # the preset browser's file dialogs (import/export; docs/presets.md "GUI"); without a
  # platform dialog Qt uses its QML one, which needs Qt.labs.folderlistmodel
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
  # QAudioDecoder's backend (file input of the virtual device)
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # audio: PortAudio (built with ALSA and JACK), a JACK server for tests
  portaudio19-dev jackd2 libjack-jackd2-dev
  # lock-free SPSC queue, JSON-schema validation, FFTs for the metrics
  libreaderwriterqueue-dev libvalijson-dev libfftw3-dev
  # OSC decoding for the Φ sensor/control server (--osc-port; docs/phi.md "OSC")
  liblo-dev
  # session logs: the logger's lock-free multi-producer queue, gzip (docs/logging.md)
  libconcurrentqueue-dev zlib1g-dev
  # session audio: FLAC files of the input and output (docs/logging.md "Session audio")
  libsndfile1-dev
  # MIDI input for the Φ `midi` source: JACK MIDI and the ALSA sequencer (docs/phi.md "MIDI")
  librtmidi-dev
  # install and package (docs/install.md): the man page from --help, the validators of the
  # desktop entry and the systemd unit, cpack's DEB tools (dpkg-shlibdeps; `file` finds ELFs)
  help2man desktop-file-utils systemd dpkg-dev file
  # fuzzing (scripts/fuzz.sh, tests/fuzz): clang++ (Debian 12's `clang` is clang 14) and the
  # libFuzzer and sanitizer runtimes, libclang_rt.fuzzer*.a and libclang_rt.asan*.a, which are
  # in libclang-rt-14-dev, only a recommendation of clang-14's packages
  clang libclang-rt-14-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl wrk xvfb xauth
  # clang 19's RealtimeSanitizer runtime, linked by hand into the RTSan test build
  # (scripts/sanitize.sh rtsan, docs/reliability.md)
  libclang-rt-19-dev
  # load scripts' WebSocket clients: /ws/control sensor pushes (bench-phi-load), /ws/metrics
  # readers (bench-metrics-ws)
  python3-websockets
  # the GUI screenshot in docs (scripts/metrics-panel-screenshot.sh): click a tab, grab the screen
  xdotool x11-apps netpbm
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
