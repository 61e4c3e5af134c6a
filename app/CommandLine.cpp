#include "CommandLine.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <cmath>

namespace soundlab {

namespace {

ParsedCommandLine failure(const QString& message) {
    return {std::nullopt, 2, QStringLiteral("soundlab: %1\nTry 'soundlab --help'.").arg(message)};
}

}  // namespace

ParsedCommandLine parseCommandLine(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Soundlab: a real-time audio control room (GUI, REST and WebSocket API)."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("Show the version and exit."));
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
        QStringLiteral("Metrics frames per second, 30 to 120 (default 30)."),
        QStringLiteral("hz"));
    const QCommandLineOption midiPort(
        QStringLiteral("midi-port"),
        QStringLiteral("Open this MIDI input port for the Φ `midi` source (a name from GET "
                       "/api/phi/midi/ports; opened when it appears)."),
        QStringLiteral("name"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Where presets live (default: %1).")
                                         .arg(QStringLiteral("~/.local/share/soundlab")),
                                     QStringLiteral("dir"));
    const QCommandLineOption logDir(QStringLiteral("log-dir"),
                                    QStringLiteral("Log root (default: <data-dir>/logs)."),
                                    QStringLiteral("dir"));
    const QCommandLineOption noLogging(QStringLiteral("no-logging"),
                                       QStringLiteral("Write no logs."));
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
    parser.addOptions({inputChannel, virtualInput2});

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

    AppOptions o;
    o.listDevices = parser.isSet(listDevices);
    o.calibrate = parser.isSet(calibrate);
    o.autoStartAudio = parser.isSet(autoStart) || o.calibrate;
    o.noGui = parser.isSet(noGui);
    if (parser.isSet(device)) o.stream.inputDevice = o.stream.outputDevice = parser.value(device);
    if (parser.isSet(inputDevice)) o.stream.inputDevice = parser.value(inputDevice);
    if (parser.isSet(outputDevice)) o.stream.outputDevice = parser.value(outputDevice);
    if (parser.isSet(inputChannel)) {
        bool ok = false;
        o.stream.inputChannel = parser.value(inputChannel).toInt(&ok);
        if (!ok || o.stream.inputChannel < 0)
            return failure(QStringLiteral("invalid --input-channel '%1'; valid: 0 (the first) up "
                                          "to the input device's channel count - 1")
                               .arg(parser.value(inputChannel)));
    }

    if (parser.isSet(sampleRate)) {
        bool ok = false;
        o.stream.sampleRate = parser.value(sampleRate).toInt(&ok);
        if (!ok || !StreamConfig::isSupportedSampleRate(o.stream.sampleRate))
            return failure(
                QStringLiteral("unsupported --sample-rate '%1'; valid: 44100, 48000, 96000")
                    .arg(parser.value(sampleRate)));
    }
    if (parser.isSet(bufferSize)) {
        bool ok = false;
        o.stream.blockSize = parser.value(bufferSize).toInt(&ok);
        if (!ok || !StreamConfig::isSupportedBlockSize(o.stream.blockSize))
            return failure(QStringLiteral("unsupported --buffer-size '%1'; valid: %2 to %3 frames")
                               .arg(parser.value(bufferSize))
                               .arg(StreamConfig::kMinBlockSize)
                               .arg(StreamConfig::kMaxBlockSize));
        o.stream.preferHostPeriod = false;
    }
    if (parser.isSet(host)) o.host = parser.value(host);
    if (parser.isSet(port)) {
        bool ok = false;
        const uint value = parser.value(port).toUInt(&ok);
        if (!ok || value > 65535)
            return failure(
                QStringLiteral("invalid --port '%1'; valid: 0 to 65535").arg(parser.value(port)));
        o.port = quint16(value);
    }
    if (parser.isSet(oscPort)) {
        bool ok = false;
        const uint value = parser.value(oscPort).toUInt(&ok);
        if (!ok || value > 65535)
            return failure(QStringLiteral("invalid --osc-port '%1'; valid: 0 to 65535")
                               .arg(parser.value(oscPort)));
        o.oscPort = quint16(value);
    }
    if (parser.isSet(oscHost)) o.oscHost = parser.value(oscHost);
    if (parser.isSet(metricsRate)) {
        bool ok = false;
        const double value = parser.value(metricsRate).toDouble(&ok);
        if (!ok || !(value >= 30.0 && value <= 120.0))
            return failure(QStringLiteral("invalid --metrics-rate '%1'; valid: 30 to 120 (Hz)")
                               .arg(parser.value(metricsRate)));
        o.metricsRate = value;
    }
    if (parser.isSet(midiPort)) o.midiPort = parser.value(midiPort);
    o.token = parser.isSet(token) ? parser.value(token) : qEnvironmentVariable("SOUNDLAB_TOKEN");
    o.insecure = parser.isSet(insecure);
    o.corsOrigins = parser.values(corsOrigin);

    o.dataDir = parser.isSet(dataDir)
                    ? parser.value(dataDir)
                    : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                          QStringLiteral("/soundlab");
    o.logDir = parser.isSet(logDir) ? parser.value(logDir) : o.dataDir + QStringLiteral("/logs");
    o.dataDir = QDir::cleanPath(QDir(o.dataDir).absolutePath());
    o.logDir = QDir::cleanPath(QDir(o.logDir).absolutePath());
    o.noLogging = parser.isSet(noLogging);
    if (parser.isSet(logKeepDays)) {
        bool ok = false;
        const int days = parser.value(logKeepDays).toInt(&ok);
        if (!ok || days < 1 || days > 36500)
            return failure(QStringLiteral("invalid --log-keep-days '%1'; valid: 1 to 36500")
                               .arg(parser.value(logKeepDays)));
        o.logKeepDays = days;
    }

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
