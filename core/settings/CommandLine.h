#pragma once

#include "audio/StreamConfig.h"
#include "settings/Settings.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <optional>

namespace soundlab {

// Everything the command line can say (SPEC §9, plus the virtual device's options). The
// persistent settings among them may also come from the environment or the settings file
// (app/Settings.h, docs/install.md).
struct AppOptions {
    StreamConfig stream;
    bool listDevices = false;
    bool printConfig = false;
    bool printOpenApi = false;
    QString settingsFile;                     // the file read (or that would be), --config's
    QList<SettingInEffect> settingsInEffect;  // each persistent setting and its origin
    bool autoStartAudio = false;
    bool calibrate = false;  // --calibrate: latency calibration once audio runs
    bool noGui = false;
    // --connect: the control room of the Soundlab at this URL (http://HOST:PORT), with no audio
    // engine, API server or session log of its own; empty: the normal app.
    QString connectUrl;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8000;
    QString token;      // --token, a token file or SOUNDLAB_TOKEN
    QString tokenFile;  // where the token came from, if from a file
    bool insecure = false;
    QStringList corsOrigins;
    std::optional<quint16> oscPort;  // empty: no OSC server (0: any free port)
    QString oscHost = QStringLiteral("127.0.0.1");
    double metricsRate = 30.0;  // --metrics-rate, 30–120 Hz (docs/metrics.md)
    // --midi-port: the MIDI input the `midi` Φ source opens; empty: none.
    QString midiPort;
    QString phiMode;                 // --phi-mode; empty: the engine's default (manual)
    std::optional<double> phiDepth;  // --phi-depth: the manual depth
    QString dataDir;                 // presets and other state
    QString logDir;                  // log root
    bool noLogging = false;
    bool record = false;  // --record: session audio from the start (docs/logging.md)
    std::optional<int> logKeepDays;  // empty: keep every session
};

// Parses and checks the flags whose validity does not depend on the audio devices.
// On failure `exitCode` is 2 and `message` says what is valid; --help and --version give
// exit code 0 with their text in `message`.
struct ParsedCommandLine {
    std::optional<AppOptions> options;
    int exitCode = 0;
    QString message;
};

// `environment` gives the SOUNDLAB_* variables (tests pass their own).
ParsedCommandLine parseCommandLine(
    const QStringList& arguments,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

}  // namespace soundlab
