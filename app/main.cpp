// soundlab: the entry point. Parses the command line, builds the audio host, then runs either
// the QML control room or headless; SIGINT/SIGTERM end either cleanly with exit code 0.

#include "SettingsReload.h"
#include "UnixSignalWatcher.h"
#include "api/ApiServer.h"
#include "api/LatencyActivityLog.h"
#include "api/LogRoutes.h"
#include "api/MetricsRoutes.h"
#include "api/OscServer.h"
#include "api/PhiRoutes.h"
#include "api/PresetRoutes.h"
#include "api/SettingsRoutes.h"
#include "api/RecordRoutes.h"
#include "engine/AudioEngine.h"
#include "engine/EngineActivityLog.h"
#include "engine/PhiActivityLog.h"
#include "engine/SessionRecorder.h"
#include "latency/LatencyFigures.h"
#include "logging/SessionLogger.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetStore.h"
#include "settings/CommandLine.h"

#include "ControlRoom.h"
#include "LocalBackend.h"
#include "RemoteBackend.h"
#include "WindowState.h"

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonArray>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace {

using namespace soundlab;

void printDevices(const QList<AudioDeviceInfo>& devices) {
    std::printf("%-6s %-28s %-40s %4s %4s %8s\n", "index", "host API", "name", "in", "out", "rate");
    for (const AudioDeviceInfo& d : devices) {
        const QString index = d.index < 0 ? QStringLiteral("-") : QString::number(d.index);
        const QString marks =
            QString(d.isDefaultInput ? QStringLiteral(" [default in]") : QString()) +
            (d.isDefaultOutput ? QStringLiteral(" [default out]") : QString());
        std::printf("%-6s %-28s %-40s %4d %4d %8.0f%s\n", qPrintable(index), qPrintable(d.hostApi),
                    qPrintable(d.name), d.maxInputChannels, d.maxOutputChannels,
                    d.defaultSampleRate, qPrintable(marks));
    }
    std::fflush(stdout);
}

bool displayAvailable() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

void printStatus(const AudioEngine& engine) {
    const AudioStatus s = engine.status();
    if (s.running)
        std::printf("soundlab: audio running on %s (%s), %.0f Hz, %d frames%s\n",
                    qPrintable(s.stream.outputDevice), qPrintable(s.stream.hostApi),
                    s.stream.sampleRate, s.stream.blockSize,
                    s.stream.hostPeriod ? " (host period)" : "");
    if (!s.lastError.isEmpty()) std::fprintf(stderr, "soundlab: %s\n", qPrintable(s.lastError));
    if (s.running && s.stream.realtimePriority == false)
        std::fprintf(stderr,
                     "soundlab: real-time priority was refused (no rtprio limit); the virtual "
                     "device may miss deadlines on a busy machine\n");
    std::fflush(stdout);
}

// Problems with the preset directory go to stderr at start; the presets that are fine load anyway.
void reportPresetStore(const presets::PresetStoreStats& stats) {
    if (!stats.directoryError.isEmpty())
        std::fprintf(stderr, "soundlab: presets: %s\n", qPrintable(stats.directoryError));
    for (const presets::DamagedPresetFile& file : stats.damagedFiles)
        std::fprintf(
            stderr, "soundlab: presets: %s is damaged and was skipped: %s\n",
            qPrintable(file.fileName),
            qPrintable(file.errors.isEmpty() ? QString() : file.errors.first().toString()));
}

// --connect: the control room of a Soundlab elsewhere (issue 15). The window alone, over a
// RemoteBackend: no audio engine, no API server, no session log here; the box logs the changes
// (as the client its token names).
int runRemoteWindow(int argc, char* argv[], const AppOptions& options) {
    if (!displayAvailable()) {
        std::fprintf(stderr, "soundlab: --connect opens a window and no display was found\n");
        return 2;
    }
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("soundlab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOUNDLAB_VERSION));
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &app,
                     [](int) { QCoreApplication::quit(); });

    RemoteBackend backend(QUrl(options.connectUrl), options.token);
    std::printf("connecting to %s\n", qPrintable(options.connectUrl));
    std::fflush(stdout);
    const WindowState windowState(WindowState::defaultPath());
    ControlRoom controlRoom({backend, {}});
    QQuickWindow* window = controlRoom.load();
    if (window == nullptr) {
        std::fprintf(stderr, "soundlab: the QML window failed to load\n");
        return 1;
    }
    windowState.restore(*window);
    QObject::connect(&app, &QCoreApplication::aboutToQuit, window,
                     [&windowState, window] { windowState.save(*window); });
    return app.exec();
}

}  // namespace

int main(int argc, char* argv[]) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    const ParsedCommandLine parsed = parseCommandLine(arguments);
    if (!parsed.options) {
        std::fprintf(parsed.exitCode == 0 ? stdout : stderr, "%s\n", qPrintable(parsed.message));
        return parsed.exitCode;
    }
    AppOptions options = *parsed.options;
    if (options.printConfig) {
        std::printf("%s",
                    qPrintable(describeSettings(options.settingsFile, options.settingsInEffect)));
        return 0;
    }
    if (!options.connectUrl.isEmpty()) return runRemoteWindow(argc, argv, options);

    const bool gui =
        !options.noGui && !options.listDevices && !options.printOpenApi && displayAvailable();
    if (!options.noGui && !options.listDevices && !options.printOpenApi && !gui)
        std::fprintf(stderr, "soundlab: no display found; running headless (--no-gui)\n");
    // QtCharts in QML needs a QApplication; headless needs no GUI libraries at all.
    std::unique_ptr<QCoreApplication> app = gui ? std::make_unique<QApplication>(argc, argv)
                                                : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("soundlab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOUNDLAB_VERSION));

    AudioEngine engine;
    if (options.listDevices) {
        printDevices(engine.devices());
        return 0;
    }
    if (auto error = engine.configure(options.stream)) {
        std::fprintf(stderr, "soundlab: %s\n", qPrintable(error->message));
        return 2;
    }
    // Φ defaults from the settings, through the same update as PUT /api/phi (values checked
    // by the command line already).
    if (!options.phiMode.isEmpty() || options.phiDepth) {
        QJsonObject phi;
        if (!options.phiMode.isEmpty()) phi[QStringLiteral("mode")] = options.phiMode;
        if (options.phiDepth)
            phi[QStringLiteral("manual")] =
                QJsonObject{{QStringLiteral("depth"), *options.phiDepth}};
        for (const dsp::ParameterError& e : api::updatePhi(engine, phi))
            std::fprintf(stderr, "soundlab: Φ setting: %s\n", e.message.c_str());
    }

    // Session logs (SPEC §8, docs/logging.md): one session per run under the log root; none with
    // --no-logging. Declared before everything that logs, so that it outlives them; its
    // destructor flushes and compresses the files on a clean exit.
    std::unique_ptr<logging::SessionLogger> sessionLog;
    if (!options.noLogging) {
        sessionLog = std::make_unique<logging::SessionLogger>(
            logging::SessionLogger::Options{options.logDir, 16384, options.logKeepDays, {}});
        sessionLog->log(logging::Category::AudioEngine, QStringLiteral("session_start"),
                        {{QStringLiteral("version"), QStringLiteral(SOUNDLAB_VERSION)},
                         {QStringLiteral("arguments"), arguments.mid(1).join(' ')}});
        std::printf("logging to %s (session %s)\n", qPrintable(sessionLog->root()),
                    qPrintable(sessionLog->sessionId()));
    }

    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, app.get(),
                     [](int) { QCoreApplication::quit(); });

    if (options.autoStartAudio) {
        if (auto error = engine.start())
            std::fprintf(stderr, "soundlab: cannot start audio: %s\n", qPrintable(error->message));
        printStatus(engine);
    }

    // Presets (SPEC §7, docs/presets.md): one file each in <data-dir>/presets, the audit trail in
    // <log-dir>/presets/audit.jsonl (none with --no-logging), A/B and apply on the live engine.
    // Declared before the API server, whose routes use them, so they outlive it.
    std::unique_ptr<presets::PresetAuditLog> presetAudit;
    if (sessionLog) presetAudit = std::make_unique<presets::PresetAuditLog>(*sessionLog);
    std::unique_ptr<EngineActivityLog> engineLog;
    std::unique_ptr<PhiActivityLog> phiLog;
    if (sessionLog) {
        engineLog = std::make_unique<EngineActivityLog>(engine, *sessionLog);
        phiLog = std::make_unique<PhiActivityLog>(engine, *sessionLog);
    }
    presets::PresetStore presetStore(
        {presets::PresetStore::directoryFor(options.dataDir), presetAudit.get(), {}});
    reportPresetStore(presetStore.stats());
    presets::EnginePresetTarget presetTarget(engine);
    presets::AbComparator abComparator(&presetTarget, presetAudit.get());

    // OSC (docs/phi.md "OSC"): off unless --osc-port; started before the API so that the port
    // is known when /api/phi is first asked, and declared before it so that it outlives it.
    api::OscServer oscServer(engine);
    if (options.oscPort) {
        if (auto error = oscServer.start(options.oscHost, *options.oscPort)) {
            std::fprintf(stderr, "soundlab: %s\n", qPrintable(*error));
            return 2;
        }
        std::printf("osc listening on udp://%s:%d\n", qPrintable(options.oscHost),
                    int(*oscServer.counters().port));
        // Unlike the HTTP API (token required beyond loopback), OSC cannot be guarded at all.
        if (!QHostAddress(options.oscHost).isLoopback() && options.oscHost != "localhost")
            std::fprintf(stderr,
                         "soundlab: OSC on %s has no authentication: anyone who can "
                         "reach the port can drive Φ\n",
                         qPrintable(options.oscHost));
    }

    // MIDI (docs/phi.md "MIDI"): the port is opened by the MIDI input's own thread, as soon as
    // it exists (a controller plugged in later is picked up too).
    if (!options.midiPort.isEmpty()) engine.phiMidi().select(options.midiPort.toStdString());

    api::ApiServerOptions apiOptions;
    apiOptions.host = options.host;
    apiOptions.port = options.port;
    apiOptions.token = options.token;
    apiOptions.insecure = options.insecure;
    apiOptions.corsOrigins = options.corsOrigins;
    apiOptions.oscCounters = [&oscServer] { return oscServer.counters(); };
    // Who changed what: the `control` records of the audio_engine log (the GUI's too: its
    // LocalBackend runs these routes, as client "gui").
    if (sessionLog) apiOptions.changeObserver = api::controlLogObserver(*sessionLog);
    api::ApiServer apiServer(engine, apiOptions);
    for (api::Route& route : api::presetRoutes(presetStore, abComparator, presetAudit.get()))
        apiServer.addRoute(std::move(route));
    for (api::Route& route : api::logRoutes(sessionLog.get())) apiServer.addRoute(std::move(route));
    const SettingsFileContext settingsContext{arguments, options.settingsFile};
    for (api::Route& route : api::settingsRoutes(settingsContext))
        apiServer.addRoute(std::move(route));
    apiServer.setStatusField(QStringLiteral("logging"), [log = sessionLog.get()] {
        return QJsonValue(api::loggingStatus(log));
    });
    apiServer.setStatusField(QStringLiteral("preset_loaded"), [&presetTarget] {
        return QJsonValue(presetTarget.loadedPreset().has_value());
    });
    apiServer.setStatusField(QStringLiteral("loaded_preset"), [&presetTarget]() -> QJsonValue {
        const auto loaded = presetTarget.loadedPreset();
        if (!loaded) return QJsonValue::Null;
        return QJsonObject{{QStringLiteral("id"), loaded->id},
                           {QStringLiteral("name"), loaded->name}};
    });
    // Constructing the store loaded every preset: /readyz waits only for a usable directory.
    apiServer.addReadinessCheck(QStringLiteral("presets"),
                                [&presetStore]() -> std::optional<QString> {
                                    const QString error = presetStore.directoryError();
                                    if (error.isEmpty()) return std::nullopt;
                                    return error;
                                });
    apiServer.addMetric(QStringLiteral("soundlab_presets"), QStringLiteral("Presets in the store."),
                        [&presetStore] { return static_cast<double>(presetStore.size()); });
    // The metrics analysis (SPEC §5, docs/metrics.md) on its own thread, fed by the chain's ring;
    // declared after the API server so that it stops first (its frames go to /ws/metrics).
    // Its timestamps are heard times on the stream clock (SPEC §6): the engine's delay-locked
    // loop and the latency figures the latency routes show.
    metrics::MetricsAnalyzer metricsAnalyzer(
        engine.chain().analysisRing(),
        {{options.metricsRate, 2048},
         [&engine, &apiServer] {
             return latency::latencyFigures(engine.status(), apiServer.latencyCalibrator(),
                                            apiServer.latencyCompensation())
                 .heardLatencySeconds();
         },
         [&engine] { return engine.streamClock(); }});
    api::addMetricsApi(apiServer, metricsAnalyzer,
                       sessionLog ? api::metricsLogSink(*sessionLog)
                                  : std::function<void(const QJsonObject&, double)>{});
    if (options.printOpenApi) {
        std::printf("%s\n", apiServer.openApiDocument().constData());
        return 0;
    }
    metricsAnalyzer.start();
    // Session audio (docs/logging.md "Session audio"): FLAC files beside the logs, stamped with
    // the metrics clock; --record starts a take now, the API starts and stops them.
    std::unique_ptr<SessionRecorder> recorder;
    if (sessionLog)
        recorder = std::make_unique<SessionRecorder>(
            engine.chain().recordingRing(), *sessionLog,
            SessionRecorder::Options{sessionLog->root() + QStringLiteral("/audio"),
                                     sessionLog->sessionId(),
                                     [&metricsAnalyzer](uint64_t generation) {
                                         return metricsAnalyzer.timeBase(generation);
                                     },
                                     1000});
    for (api::Route& route : api::recordRoutes(recorder.get())) apiServer.addRoute(std::move(route));
    if (options.record) {
        if (auto error = recorder->start())
            std::fprintf(stderr, "soundlab: cannot record: %s\n", qPrintable(error->message));
        else
            std::printf("recording to %s\n", qPrintable(recorder->status().directory));
    }
    if (auto error = apiServer.start()) {
        std::fprintf(stderr, "soundlab: %s\n", qPrintable(*error));
        return 2;
    }
    std::printf("listening on %s\n", qPrintable(apiServer.url()));
    std::fflush(stdout);
    // What the latency routes drive; the latency log and the GUI's panel read it as they do.
    const api::LatencyApi latencyApi{engine, apiServer.latencyCalibrator(),
                                     apiServer.latencyCompensation()};
    // The latency log: frames at 10 Hz and every calibration, from what the latency routes serve.
    std::unique_ptr<api::LatencyActivityLog> latencyLog;
    if (sessionLog)
        latencyLog = std::make_unique<api::LatencyActivityLog>(latencyApi, *sessionLog);

    // --calibrate: one latency calibration once audio runs; its result goes to stdout and the API.
    QTimer calibrationWatch;
    if (options.calibrate) {
        const auto start = apiServer.latencyCalibrator().start();
        if (!start.run) {
            std::fprintf(stderr, "soundlab: cannot calibrate: %s\n", qPrintable(start.message));
        } else {
            const uint64_t id = start.run->id;
            calibrationWatch.setInterval(100);
            QObject::connect(
                &calibrationWatch, &QTimer::timeout, [&apiServer, &calibrationWatch, id] {
                    const auto run = apiServer.latencyCalibrator().latest();
                    if (!run || run->id != id ||
                        run->state == latency::LatencyCalibrator::Run::State::Running)
                        return;
                    calibrationWatch.stop();
                    if (!run->result)
                        std::fprintf(stderr, "soundlab: latency calibration failed: %s\n",
                                     qPrintable(run->error));
                    else if (!run->result->roundTripSamples)
                        std::fprintf(stderr, "soundlab: latency calibration: %s\n",
                                     latency::verdictName(run->result->verdict));
                    else
                        std::printf(
                            "soundlab: latency calibration: round trip %.3f samples (%.3f ms), "
                            "quality %.2f, %s\n",
                            *run->result->roundTripSamples,
                            *run->result->roundTripSamples * 1000.0 / run->stream.sampleRate,
                            run->result->quality, latency::verdictName(run->result->verdict));
                    std::fflush(stdout);
                });
            calibrationWatch.start();
        }
    }

    // SIGHUP (systemctl reload): read the settings again and apply what can change while running.
    QObject::connect(&signalWatcher, &UnixSignalWatcher::reloadRequested, [&] {
        const ParsedCommandLine again = parseCommandLine(arguments);
        if (!again.options) {
            std::fprintf(stderr, "soundlab: reload refused, nothing changed: %s\n",
                         qPrintable(again.message.section(QLatin1Char('\n'), 0, 0)));
            return;
        }
        const ReloadOutcome outcome =
            applyReloadedSettings(options, *again.options, engine, metricsAnalyzer);
        std::fprintf(
            stderr, "soundlab: settings reloaded; applied: %s; need a restart: %s%s%s\n",
            qPrintable(outcome.applied.isEmpty() ? QStringLiteral("nothing")
                                                 : outcome.applied.join(", ")),
            qPrintable(outcome.needRestart.isEmpty() ? QStringLiteral("nothing")
                                                     : outcome.needRestart.join(", ")),
            outcome.failed.isEmpty() ? "" : "; failed: ", qPrintable(outcome.failed.join("; ")));
        if (sessionLog)
            sessionLog->log(
                logging::Category::AudioEngine, QStringLiteral("settings_reload"),
                {{QStringLiteral("applied"), QJsonArray::fromStringList(outcome.applied)},
                 {QStringLiteral("need_restart"), QJsonArray::fromStringList(outcome.needRestart)},
                 {QStringLiteral("failed"), QJsonArray::fromStringList(outcome.failed)}});
    });

    // The window is a client of the API: its view-models run the server's own route handlers
    // in-process (no socket), and its changes reach the control log as client "gui".
    LocalBackend guiBackend(apiServer.routeTable().routes());
    const WindowState windowState(WindowState::defaultPath());
    std::unique_ptr<ControlRoom> controlRoom;
    if (gui) {
        controlRoom = std::make_unique<ControlRoom>(ControlRoomSources{
            guiBackend,
            // The device chosen in the window is the default of the next start.
            [settingsContext](const QString& selector) {
                if (const auto error = saveSettings(settingsContext,
                                                    {{QStringLiteral("audio/device"), selector}}))
                    std::fprintf(stderr, "soundlab: the device is not remembered: %s\n",
                                 qPrintable(error->message));
            },
            QStringLiteral("%1:%2").arg(apiServer.address()).arg(apiServer.port())});
        QQuickWindow* window = controlRoom->load();
        if (window == nullptr) {
            std::fprintf(stderr, "soundlab: the QML window failed to load\n");
            return 1;
        }
        windowState.restore(*window);
        QObject::connect(app.get(), &QCoreApplication::aboutToQuit, window,
                         [&windowState, window] { windowState.save(*window); });
    }

    const int code = app->exec();
    controlRoom.reset();
    // No request may reach the recorder or the analysis once they go (they are declared after
    // the server).
    apiServer.stop();
    // Device changes started from the GUI finish before the engine goes away.
    guiBackend.waitForHandlers();
    engine.stop();
    // The take's last blocks are written and its files get their final names.
    if (recorder) recorder->stop();
    if (sessionLog) {
        engineLog->sample();  // the stream's stop
        sessionLog->log(logging::Category::AudioEngine, QStringLiteral("session_end"),
                        {{QStringLiteral("exit_code"), code}});
    }
    return code;
}
