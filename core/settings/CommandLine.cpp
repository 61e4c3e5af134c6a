#include "settings/CommandLine.h"

#include "phi/PhiTypes.h"
#include "settings/Settings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <QStandardPaths>
#include <cmath>

namespace soundlab {

namespace {

ParsedCommandLine failure(const QString& message) {
    return {std::nullopt, 2, QStringLiteral("soundlab: %1\nTry 'soundlab --help'.").arg(message)};
}

// The API token from `path`: the file's first line. Like ssh with its keys, refuse a file
// that others may read: the token would not be secret.
QString readTokenFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read '%1': %2").arg(path, file.errorString());
        return {};
    }
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                            QFileDevice::WriteOther | QFileDevice::ExeOther;
    if (file.permissions() & others) {
        *error = QStringLiteral("'%1' is accessible by other users; make it private (chmod 600)")
                     .arg(path);
        return {};
    }
    const QString token = QString::fromUtf8(file.readLine(4096)).trimmed();
    if (token.isEmpty()) *error = QStringLiteral("'%1' holds no token").arg(path);
    return token;
}

}  // namespace

ParsedCommandLine parseCommandLine(const QStringList& arguments,
                                   const QProcessEnvironment& environment) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Soundlab: a real-time audio control room (GUI, REST and WebSocket API)."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Read settings from this file (default: %1).")
                                        .arg(QStringLiteral("~/.config/soundlab/soundlab.conf")),
                                    QStringLiteral("file"));
    const QCommandLineOption printConfig(
        QStringLiteral("print-config"),
        QStringLiteral("Print the settings in effect, and where each came from, and exit."));
    const QCommandLineOption printOpenApi(
        QStringLiteral("print-openapi"),
        QStringLiteral("Print the API's OpenAPI document (as /api/openapi.json serves it) and "
                       "exit."));
    const QCommandLineOption listDevices(QStringLiteral("list-devices"),
                                         QStringLiteral("List audio devices and exit."));
    const QCommandLineOption device(
        QStringLiteral("device"),
        QStringLiteral("Input and output device: auto, virtual, a PortAudio index, or part of "
                       "\"host API: name\" (default: auto = the system default, else virtual)."),
        QStringLiteral("dev"));
    const QCommandLineOption inputDevice(QStringLiteral("input-device"),
                                         QStringLiteral("Input device (overrides --device)."),
                                         QStringLiteral("dev"));
    const QCommandLineOption outputDevice(QStringLiteral("output-device"),
                                          QStringLiteral("Output device (overrides --device)."),
                                          QStringLiteral("dev"));
    const QCommandLineOption inputChannel(
        QStringLiteral("input-channel"),
        QStringLiteral("Input channel that feeds the engine, counted from 0 (default 0); "
                       "checked against the input device's channels when audio starts."),
        QStringLiteral("n"));
    const QCommandLineOption sampleRate(QStringLiteral("sample-rate"),
                                        QStringLiteral("44100, 48000 or 96000 (default 48000)."),
                                        QStringLiteral("hz"));
    const QCommandLineOption bufferSize(
        QStringLiteral("buffer-size"),
        QStringLiteral("Frames per block, 64-2048 (default 512). With JACK, Soundlab follows the "
                       "server's period unless this is given."),
        QStringLiteral("frames"));
    const QCommandLineOption autoStart(QStringLiteral("auto-start-audio"),
                                       QStringLiteral("Start the audio stream at launch."));
    const QCommandLineOption noGui(QStringLiteral("no-gui"),
                                   QStringLiteral("Run headless (API only)."));
    const QCommandLineOption connect(
        QStringLiteral("connect"),
        QStringLiteral("Open the control room of the Soundlab at this URL (http://HOST:PORT) "
                       "instead of running one here; its token: --token or SOUNDLAB_TOKEN."),
        QStringLiteral("url"));
    const QCommandLineOption host(
        QStringLiteral("host"),
        QStringLiteral("Address the API binds (default 127.0.0.1; beyond loopback needs --token)."),
        QStringLiteral("addr"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("API port (default 8000; 0 picks a free port)."),
                                  QStringLiteral("port"));
    const QCommandLineOption token(
        QStringLiteral("token"),
        QStringLiteral("API access token (or SOUNDLAB_TOKEN); required beyond loopback."),
        QStringLiteral("token"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        QStringLiteral("Read the API token from this file (mode 600; keeps it out of ps)."),
        QStringLiteral("file"));
    const QCommandLineOption insecure(
        QStringLiteral("insecure"),
        QStringLiteral("Allow binding beyond loopback without a token."));
    const QCommandLineOption corsOrigin(QStringLiteral("cors-origin"),
                                        QStringLiteral("Allowed browser origin (repeatable)."),
                                        QStringLiteral("origin"));
    const QCommandLineOption oscPort(
        QStringLiteral("osc-port"),
        QStringLiteral("Open the OSC server on this UDP port (off by default; 0 picks a free "
                       "port). OSC has no authentication."),
        QStringLiteral("port"));
    const QCommandLineOption oscHost(
        QStringLiteral("osc-host"),
        QStringLiteral("Address the OSC server binds (default 127.0.0.1)."),
        QStringLiteral("addr"));
    const QCommandLineOption metricsRate(
        QStringLiteral("metrics-rate"),
        QStringLiteral("Metrics frames per second, 30 to 120 (default 30)."), QStringLiteral("hz"));
    const QCommandLineOption midiPort(
        QStringLiteral("midi-port"),
        QStringLiteral("Open this MIDI input port for the Φ `midi` source (a name from GET "
                       "/api/phi/midi/ports; opened when it appears)."),
        QStringLiteral("name"));
    const QCommandLineOption phiMode(
        QStringLiteral("phi-mode"),
        QStringLiteral("Φ source at start: manual, audio, midi, sensor or internal (default "
                       "manual)."),
        QStringLiteral("source"));
    const QCommandLineOption phiDepth(
        QStringLiteral("phi-depth"),
        QStringLiteral("Manual Φ depth at start, 0 to 1.618 (default 0.618)."),
        QStringLiteral("depth"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Where presets live (default: %1).")
                                         .arg(QStringLiteral("~/.local/share/soundlab")),
                                     QStringLiteral("dir"));
    const QCommandLineOption logDir(QStringLiteral("log-dir"),
                                    QStringLiteral("Log root (default: <data-dir>/logs)."),
                                    QStringLiteral("dir"));
    const QCommandLineOption noLogging(QStringLiteral("no-logging"),
                                       QStringLiteral("Write no logs."));
    const QCommandLineOption record(
        QStringLiteral("record"),
        QStringLiteral("Record the input and the output to FLAC under <log-root>/audio from the "
                       "start (POST /api/record/stop ends it; needs logging)."));
    const QCommandLineOption logKeepDays(
        QStringLiteral("log-keep-days"),
        QStringLiteral("Remove log sessions older than this many days at start (default: keep "
                       "everything)."),
        QStringLiteral("days"));
    const QCommandLineOption virtualInput(
        QStringLiteral("virtual-input"),
        QStringLiteral("Virtual device input: sine:FREQ, noise, silence or file:PATH "
                       "(default sine:440)."),
        QStringLiteral("signal"));
    const QCommandLineOption virtualInput2(
        QStringLiteral("virtual-input-2"),
        QStringLiteral("The virtual device's second input channel (--input-channel 1): the same "
                       "signals (default silence)."),
        QStringLiteral("signal"));
    const QCommandLineOption virtualLoopback(
        QStringLiteral("virtual-loopback-delay"),
        QStringLiteral("Loop the virtual output back to its input after this many samples "
                       "(fractional allowed; at least one block)."),
        QStringLiteral("samples"));
    const QCommandLineOption virtualLoopbackGain(
        QStringLiteral("virtual-loopback-gain"),
        QStringLiteral("Gain of the virtual loopback (default 1; negative inverts the polarity; "
                       "the loop clips at full scale, so e.g. 4 clips the probe). Needs "
                       "--virtual-loopback-delay."),
        QStringLiteral("gain"));
    const QCommandLineOption virtualLoopbackSnr(
        QStringLiteral("virtual-loopback-snr"),
        QStringLiteral("Add white noise to the virtual loopback, this many dB below a -6 dBFS "
                       "sine (-40 to 120). Needs --virtual-loopback-delay."),
        QStringLiteral("db"));
    const QCommandLineOption calibrate(
        QStringLiteral("calibrate"),
        QStringLiteral("Calibrate the loopback latency once audio runs (implies "
                       "--auto-start-audio; needs a loop from output to input)."));
    const QCommandLineOption virtualSkew(
        QStringLiteral("virtual-skew-ppm"),
        QStringLiteral("Virtual clock skew against the host clock, in ppm (default 0)."),
        QStringLiteral("ppm"));
    const QCommandLineOption virtualRecord(
        QStringLiteral("virtual-record"),
        QStringLiteral("Record the virtual device's output to this WAV file."),
        QStringLiteral("file"));
    parser.addOptions({help,         version,       listDevices, device,       inputDevice,
                       outputDevice, sampleRate,    bufferSize,  autoStart,    noGui,
                       host,         port,          token,       insecure,     corsOrigin,
                       dataDir,      logDir,        noLogging,   virtualInput, virtualLoopback,
                       virtualSkew,  virtualRecord, oscPort,     oscHost,      metricsRate});
    parser.addOption(logKeepDays);
    parser.addOptions({virtualLoopbackGain, virtualLoopbackSnr, calibrate});
    parser.addOption(midiPort);
    parser.addOptions({config, printConfig, printOpenApi, tokenFile, phiMode, phiDepth});
    parser.addOption(record);
    parser.addOptions({inputChannel, virtualInput2});
    parser.addOption(connect);

    if (!parser.parse(arguments)) return failure(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return failure(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    // The parser runs before QCoreApplication exists, and without one Qt's help text names the
    // program "<executable_name>".
    if (parser.isSet(help))
        return {std::nullopt, 0,
                parser.helpText().replace(QStringLiteral("<executable_name>"),
                                          QStringLiteral("soundlab"))};
    if (parser.isSet(version))
        return {std::nullopt, 0,
                QStringLiteral("soundlab %1").arg(QStringLiteral(SOUNDLAB_VERSION))};

    // The persistent settings: command line > environment > settings file > default.
    const QProcessEnvironment& env = environment;
    QString settingsPath = parser.isSet(config) ? parser.value(config) : defaultSettingsPath();
    if (parser.isSet(config) && !QFileInfo::exists(settingsPath))
        return failure(QStringLiteral("--config: no such file '%1'").arg(settingsPath));
    const SettingSources sources(parser, env, settingsPath);
    if (!sources.fileError().isEmpty()) return failure(sources.fileError());
    const auto setting = [&](const char* flag) {
        for (const PersistentSetting& s : persistentSettings())
            if (qstrcmp(s.flag, flag) == 0) return sources.find(s);
        Q_UNREACHABLE();
    };
    const auto invalid = [](const SettingSources::Value& v, const QString& valid) {
        return failure(QStringLiteral("invalid %1; valid: %2").arg(v.quoted(), valid));
    };
    QString switchError;
    const auto isOn = [&](const char* flag) {
        for (const PersistentSetting& s : persistentSettings())
            if (qstrcmp(s.flag, flag) == 0) return sources.isOn(s, &switchError);
        Q_UNREACHABLE();
    };

    AppOptions o;
    o.listDevices = parser.isSet(listDevices);
    o.printConfig = parser.isSet(printConfig);
    o.printOpenApi = parser.isSet(printOpenApi);
    o.calibrate = parser.isSet(calibrate);
    const std::optional<bool> autoStartSetting = isOn("auto-start-audio");
    const std::optional<bool> insecureSetting = isOn("insecure");
    const std::optional<bool> noLoggingSetting = isOn("no-logging");
    if (!switchError.isEmpty()) return failure(switchError);
    o.autoStartAudio = *autoStartSetting || o.calibrate;
    o.insecure = *insecureSetting;
    o.noLogging = *noLoggingSetting;
    o.record = parser.isSet(record);
    if (o.record && o.noLogging)
        return failure(QStringLiteral(
            "--record writes beside the session logs and cannot be combined with --no-logging"));
    o.noGui = parser.isSet(noGui);
    if (parser.isSet(connect)) {
        const QUrl url(parser.value(connect), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return failure(QStringLiteral("invalid --connect '%1'; valid: http://HOST:PORT")
                               .arg(parser.value(connect)));
        if (o.noGui)
            return failure(QStringLiteral(
                "--connect opens the control room of a remote Soundlab and cannot be combined "
                "with --no-gui (to run a headless box, leave out --connect)"));
        o.connectUrl = url.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    }
    if (const auto v = setting("device")) o.stream.inputDevice = o.stream.outputDevice = v->text();
    if (const auto v = setting("input-device")) o.stream.inputDevice = v->text();
    if (const auto v = setting("output-device")) o.stream.outputDevice = v->text();
    if (const auto v = setting("input-channel")) {
        bool ok = false;
        o.stream.inputChannel = v->text().toInt(&ok);
        if (!ok || o.stream.inputChannel < 0)
            return invalid(*v, QStringLiteral("0 (the first) up to the input device's channel "
                                              "count - 1"));
    }

    if (const auto v = setting("sample-rate")) {
        bool ok = false;
        o.stream.sampleRate = v->text().toInt(&ok);
        if (!ok || !StreamConfig::isSupportedSampleRate(o.stream.sampleRate))
            return failure(
                QStringLiteral("unsupported %1; valid: 44100, 48000, 96000").arg(v->quoted()));
    }
    if (const auto v = setting("buffer-size")) {
        bool ok = false;
        o.stream.blockSize = v->text().toInt(&ok);
        if (!ok || !StreamConfig::isSupportedBlockSize(o.stream.blockSize))
            return failure(QStringLiteral("unsupported %1; valid: %2 to %3 frames")
                               .arg(v->quoted())
                               .arg(StreamConfig::kMinBlockSize)
                               .arg(StreamConfig::kMaxBlockSize));
        o.stream.preferHostPeriod = false;
    }
    if (const auto v = setting("host")) o.host = v->text();
    if (const auto v = setting("port")) {
        bool ok = false;
        const uint value = v->text().toUInt(&ok);
        if (!ok || value > 65535) return invalid(*v, QStringLiteral("0 to 65535"));
        o.port = quint16(value);
    }
    if (const auto v = setting("osc-port")) {
        bool ok = false;
        const uint value = v->text().toUInt(&ok);
        if (!ok || value > 65535) return invalid(*v, QStringLiteral("0 to 65535"));
        o.oscPort = quint16(value);
    }
    if (const auto v = setting("osc-host")) o.oscHost = v->text();
    if (const auto v = setting("metrics-rate")) {
        bool ok = false;
        const double value = v->text().toDouble(&ok);
        if (!ok || !(value >= 30.0 && value <= 120.0))
            return invalid(*v, QStringLiteral("30 to 120 (Hz)"));
        o.metricsRate = value;
    }
    if (const auto v = setting("midi-port")) o.midiPort = v->text();
    if (const auto v = setting("phi-mode")) {
        if (!phi::modeFromString(v->text().toStdString()))
            return invalid(*v, QStringLiteral("manual, audio, midi, sensor, internal"));
        o.phiMode = v->text();
    }
    if (const auto v = setting("phi-depth")) {
        bool ok = false;
        o.phiDepth = v->text().toDouble(&ok);
        if (!ok || !(*o.phiDepth >= 0.0 && *o.phiDepth <= phi::kMaxDepth))
            return invalid(*v, QStringLiteral("0 to %1 (Φ)").arg(phi::kMaxDepth));
    }
    o.corsOrigins = setting("cors-origin").value_or(SettingSources::Value{}).values;

    // The token: --token, --token-file, SOUNDLAB_TOKEN, SOUNDLAB_TOKEN_FILE, the file's
    // token-file, in that order. A file keeps it out of `ps` and of the environment.
    const auto tokenFileSetting = setting("token-file");
    const bool tokenFileSettingFirst =
        tokenFileSetting && tokenFileSetting->origin == QLatin1String("command line");
    if (parser.isSet(token)) {
        o.token = parser.value(token);
    } else if (env.contains(QStringLiteral("SOUNDLAB_TOKEN")) && !tokenFileSettingFirst) {
        o.token = env.value(QStringLiteral("SOUNDLAB_TOKEN"));
    } else if (tokenFileSetting) {
        o.tokenFile = tokenFileSetting->text();
        QString error;
        o.token = readTokenFile(o.tokenFile, &error);
        if (!error.isEmpty())
            return failure(QStringLiteral("%1: %2").arg(tokenFileSetting->quoted(), error));
    }

    const auto dataDirSetting = setting("data-dir");
    o.dataDir = dataDirSetting
                    ? dataDirSetting->text()
                    : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                          QStringLiteral("/soundlab");
    const auto logDirSetting = setting("log-dir");
    o.logDir = logDirSetting ? logDirSetting->text() : o.dataDir + QStringLiteral("/logs");
    o.dataDir = QDir::cleanPath(QDir(o.dataDir).absolutePath());
    o.logDir = QDir::cleanPath(QDir(o.logDir).absolutePath());
    if (const auto v = setting("log-keep-days")) {
        bool ok = false;
        const int days = v->text().toInt(&ok);
        if (!ok || days < 1 || days > 36500) return invalid(*v, QStringLiteral("1 to 36500"));
        o.logKeepDays = days;
    }
    o.settingsFile = settingsPath;
    o.settingsInEffect = settingsInEffect(o, sources);

    VirtualDeviceOptions& v = o.stream.virtualDevice;
    if (parser.isSet(virtualInput)) v.input = parser.value(virtualInput);
    if (parser.isSet(virtualInput2)) v.secondInput = parser.value(virtualInput2);
    if (parser.isSet(virtualLoopback)) {
        bool ok = false;
        const double delay = parser.value(virtualLoopback).toDouble(&ok);
        if (!ok || delay < 0)
            return failure(QStringLiteral("invalid --virtual-loopback-delay '%1'; valid: a number "
                                          "of samples, at least the block size")
                               .arg(parser.value(virtualLoopback)));
        v.loopbackDelaySamples = delay;
    }
    if ((parser.isSet(virtualLoopbackGain) || parser.isSet(virtualLoopbackSnr)) &&
        !v.loopbackDelaySamples)
        return failure(QStringLiteral(
            "--virtual-loopback-gain and --virtual-loopback-snr need --virtual-loopback-delay"));
    if (parser.isSet(virtualLoopbackGain)) {
        bool ok = false;
        v.loopbackGain = parser.value(virtualLoopbackGain).toDouble(&ok);
        if (!ok || !std::isfinite(v.loopbackGain) || std::abs(v.loopbackGain) > 100)
            return failure(
                QStringLiteral("invalid --virtual-loopback-gain '%1'; valid: -100 to 100")
                    .arg(parser.value(virtualLoopbackGain)));
    }
    if (parser.isSet(virtualLoopbackSnr)) {
        bool ok = false;
        const double snr = parser.value(virtualLoopbackSnr).toDouble(&ok);
        if (!ok || !std::isfinite(snr) || snr < -40 || snr > 120)
            return failure(
                QStringLiteral("invalid --virtual-loopback-snr '%1'; valid: -40 to 120 dB")
                    .arg(parser.value(virtualLoopbackSnr)));
        v.loopbackSnrDb = snr;
    }
    if (parser.isSet(virtualSkew)) {
        bool ok = false;
        v.clockSkewPpm = parser.value(virtualSkew).toDouble(&ok);
        if (!ok || std::abs(v.clockSkewPpm) > 10000)
            return failure(QStringLiteral("invalid --virtual-skew-ppm '%1'; valid: -10000 to 10000")
                               .arg(parser.value(virtualSkew)));
    }
    if (parser.isSet(virtualRecord)) v.recordPath = parser.value(virtualRecord);
    return {o, 0, {}};
}

}  // namespace soundlab
