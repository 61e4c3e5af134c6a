// The soundlab program as a user runs it: flags, exit codes, headless and offscreen GUI.

#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRect>
#include <QSettings>
#include <QTemporaryDir>

#include <QRegularExpression>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

namespace {

struct ProcessResult {
    int exitCode = -1;
    bool crashed = false;
    QString out, err;
};

QProcessEnvironment environment(bool offscreenGui) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // No settings file of the user running the tests, and no SOUNDLAB_* setting of theirs.
    static const QTemporaryDir emptyConfigHome;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), emptyConfigHome.path());
    for (const QString& name : env.keys())
        if (name.startsWith(QLatin1String("SOUNDLAB_"))) env.remove(name);
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    if (offscreenGui) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
    }
    return env;
}

// Runs soundlab to completion (for flags that exit at once).
ProcessResult runToExit(const QStringList& arguments,
                        const QList<QPair<QString, QString>>& extraEnvironment = {}) {
    QProcess p;
    QProcessEnvironment env = environment(false);
    for (const auto& [name, value] : extraEnvironment) env.insert(name, value);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SOUNDLAB_BINARY), arguments);
    ProcessResult r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

// Runs soundlab for a while, then sends `signal` and collects how it ended.
ProcessResult runThenSignal(const QStringList& arguments, int signal, bool offscreenGui,
                            int runMs = 2000,
                            const QList<QPair<QString, QString>>& extraEnvironment = {}) {
    QProcess p;
    QProcessEnvironment env = environment(offscreenGui);
    for (const auto& [name, value] : extraEnvironment) env.insert(name, value);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SOUNDLAB_BINARY), arguments);
    EXPECT_TRUE(p.waitForStarted());
    std::this_thread::sleep_for(std::chrono::milliseconds(runMs));
    ProcessResult r;
    EXPECT_EQ(p.state(), QProcess::Running)
        << "soundlab exited early: " << p.readAllStandardError().toStdString();
    ::kill(pid_t(p.processId()), signal);
    if (!p.waitForFinished(10000)) {
        ADD_FAILURE() << "soundlab did not stop within 10 s of signal " << signal;
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

// Waits for soundlab's "listening on http://…" line; returns the base URL or "" (with what it
// printed in `printed`).
QString waitForListening(QProcess& p, QString* printed) {
    static const QRegularExpression httpLine(QStringLiteral("listening on (http://\\S+)"));
    QRegularExpressionMatch http;
    for (int i = 0; i < 150 && !http.hasMatch() && p.state() != QProcess::NotRunning; ++i) {
        p.waitForReadyRead(100);
        *printed += QString::fromLocal8Bit(p.readAllStandardOutput());
        http = httpLine.match(*printed);
    }
    return http.hasMatch() ? http.captured(1) : QString();
}

QJsonObject curlJson(const QStringList& arguments) {
    QProcess curl;
    curl.start(QStringLiteral("curl"), QStringList{"-sS"} + arguments);
    curl.waitForFinished(10000);
    return QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
}

}  // namespace

TEST(SoundlabApp, HeadlessRunsAudioAndExitsCleanlyOnSigterm) {
    QTemporaryDir data;
    const ProcessResult r = runThenSignal({"--no-gui", "--device", "virtual", "--auto-start-audio",
                                           "--data-dir", data.path(), "--port", "0"},
                                          SIGTERM, false);
    EXPECT_FALSE(r.crashed);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("audio running on virtual"))) << r.out.toStdString();
}

// --calibrate (the seed's flag) starts audio and measures the loop; the figure is printed.
TEST(SoundlabApp, CalibrateAtStartPrintsTheRoundTrip) {
    QTemporaryDir data;
    const ProcessResult r =
        runThenSignal({"--no-gui", "--device", "virtual", "--buffer-size", "256",
                       "--virtual-loopback-delay", "1234.37", "--virtual-loopback-snr", "20",
                       "--calibrate", "--no-logging", "--data-dir", data.path(), "--port", "0"},
                      SIGTERM, false, 6000);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("audio running on virtual"))) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("latency calibration: round trip 1234.3")))
        << r.out.toStdString() << r.err.toStdString();
}

TEST(SoundlabApp, SigintAlsoExitsCleanly) {
    QTemporaryDir data;
    const ProcessResult r =
        runThenSignal({"--no-gui", "--device", "virtual", "--auto-start-audio", "--buffer-size",
                       "64", "--data-dir", data.path(), "--port", "0"},
                      SIGINT, false, 1000);
    EXPECT_FALSE(r.crashed);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
}

TEST(SoundlabApp, BadFlagValuesExitWithCode2AndSayWhatIsValid) {
    struct Case {
        QStringList args;
        QString mustMention;
    };
    const QList<Case> cases = {
        {{"--sample-rate", "22050"}, "44100, 48000, 96000"},
        {{"--sample-rate", "fast"}, "44100, 48000, 96000"},
        {{"--buffer-size", "32"}, "64 to 2048"},
        {{"--buffer-size", "4096"}, "64 to 2048"},
        {{"--device", "no-such-card", "--no-gui"}, "virtual"},
        {{"--port", "70000"}, "0 to 65535"},
        {{"--osc-port", "70000"}, "0 to 65535"},
        {{"--osc-port", "udp"}, "0 to 65535"},
        {{"--metrics-rate", "29"}, "30 to 120"},
        {{"--metrics-rate", "fast"}, "30 to 120"},
        {{"--device", "virtual", "--virtual-loopback-delay", "10", "--no-gui"}, "at least 512"},
        {{"--device", "virtual", "--virtual-input", "pink", "--no-gui"}, "sine:FREQ, noise"},
        {{"--device", "virtual", "--virtual-input", "file:/no/such.wav", "--no-gui"},
         "cannot read"},
        {{"--no-such-flag"}, "no-such-flag"},
        {{"--input-channel", "-1"}, "valid: 0"},
        {{"--input-channel", "left"}, "valid: 0"},
        {{"--device", "virtual", "--input-channel", "2", "--no-gui"}, "valid: 0 to 1"},
        {{"--virtual-loopback-snr", "20"}, "need --virtual-loopback-delay"},
        {{"--virtual-loopback-delay", "600", "--virtual-loopback-gain", "1000"}, "-100 to 100"},
        {{"--virtual-loopback-delay", "600", "--virtual-loopback-snr", "loud"}, "-40 to 120 dB"},
    };
    for (const Case& c : cases) {
        const ProcessResult r = runToExit(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args.join(' ').toStdString();
        EXPECT_TRUE(r.err.contains(c.mustMention))
            << c.args.join(' ').toStdString() << ": " << r.err.toStdString();
    }
}

// --connect opens a window on a remote box; headless it would do nothing at all.
TEST(SoundlabApp, ConnectWithNoGuiOrABadUrlExitsWithCode2) {
    ProcessResult r = runToExit({"--connect", "http://127.0.0.1:8080", "--no-gui"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("--connect") && r.err.contains("--no-gui")) << r.err.toStdString();
    r = runToExit({"--connect", "box:8080"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("http://HOST:PORT")) << r.err.toStdString();
}

// Without a token, "any origin" would let every web page the user opens drive the audio.
TEST(SoundlabApp, CorsWildcardWithoutATokenExitsWithCode2) {
    QTemporaryDir data;
    const ProcessResult r =
        runToExit({"--no-gui", "--device", "virtual", "--port", "0", "--no-logging", "--data-dir",
                   data.path(), "--cors-origin", "*"});
    EXPECT_EQ(r.exitCode, 2) << r.out.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("--cors-origin '*'"))) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("--token"))) << r.err.toStdString();
    EXPECT_FALSE(r.out.contains(QStringLiteral("listening on")));
}

TEST(SoundlabApp, ListsDevicesIncludingTheVirtualOne) {
    const ProcessResult r = runToExit({"--list-devices"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(r.out.contains(QStringLiteral("virtual")));
    EXPECT_TRUE(r.out.contains(QStringLiteral("host API")));
}

TEST(SoundlabApp, HelpAndVersion) {
    const ProcessResult help = runToExit({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    for (const char* flag : {"--list-devices",
                             "--device",
                             "--input-device",
                             "--output-device",
                             "--sample-rate",
                             "--buffer-size",
                             "--auto-start-audio",
                             "--no-gui",
                             "--host",
                             "--port",
                             "--log-dir",
                             "--data-dir",
                             "--no-logging",
                             "--token",
                             "--version",
                             "--osc-port",
                             "--osc-host",
                             "--calibrate",
                             "--virtual-loopback-snr",
                             "--virtual-loopback-gain",
                             "--metrics-rate"})
        EXPECT_TRUE(help.out.contains(QLatin1String(flag))) << flag;
    EXPECT_TRUE(help.out.startsWith(QStringLiteral("Usage: soundlab [options]")))
        << help.out.left(80).toStdString();
    EXPECT_FALSE(help.out.contains(QStringLiteral("<executable_name>")));
    const ProcessResult version = runToExit({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_TRUE(version.out.startsWith(QStringLiteral("soundlab ")));
}

// --midi-port names the MIDI input the `midi` source opens: it is the port /api/phi shows, and
// `--help` lists the flag. (Opening a real port is tested on JACK in midi_routes_test.)
TEST(SoundlabApp, MidiPortFlagIsThePortInApiPhi) {
    EXPECT_TRUE(runToExit({"--help"}).out.contains(QStringLiteral("--midi-port")));
    QTemporaryDir data;
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SOUNDLAB_BINARY),
            {"--no-gui", "--device", "virtual", "--no-logging", "--data-dir", data.path(), "--port",
             "0", "--midi-port", "keyboard:midi out"});
    ASSERT_TRUE(p.waitForStarted());
    QString out;
    const QString base = waitForListening(p, &out);
    ASSERT_FALSE(base.isEmpty()) << out.toStdString();
    const QJsonObject midi = curlJson({base + "/api/phi"})["midi"].toObject();
    EXPECT_EQ(midi["port"].toString(), QStringLiteral("keyboard:midi out"));
    EXPECT_FALSE(midi["connected"].toBool()) << "no such port here";
    ::kill(pid_t(p.processId()), SIGTERM);
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 0);
}

TEST(SoundlabApp, QmlWindowLoadsOffscreenWithoutWarnings) {
    QTemporaryDir data;
    const ProcessResult r =
        runThenSignal({"--device", "virtual", "--auto-start-audio", "--data-dir", data.path(),
                       "--port", "0"},  // any free port: tests run in parallel
                      SIGTERM, true, 3000);
    EXPECT_FALSE(r.crashed);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("headless"))) << "it must have run the GUI";
    // Any QML problem (binding error, missing type, failed load) is printed with its qrc: URL.
    EXPECT_FALSE(r.err.contains(QStringLiteral("qrc:"))) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("failed to load"))) << r.err.toStdString();
}

// --connect: the window of a headless box elsewhere, and nothing of its own: no API server, no
// session log (docs/gui.md "Remote"); the token from SOUNDLAB_TOKEN; no QML warning.
TEST(SoundlabApp, ConnectOpensTheWindowOfARemoteBoxAndServesNothingItself) {
    QTemporaryDir data;
    QProcess box;
    QProcessEnvironment boxEnv = environment(false);
    boxEnv.insert(QStringLiteral("SOUNDLAB_TOKEN"), QStringLiteral("t0ken"));
    box.setProcessEnvironment(boxEnv);
    box.start(QStringLiteral(SOUNDLAB_BINARY),
              {"--no-gui", "--device", "virtual", "--no-logging", "--data-dir", data.path(),
               "--port", "0"});
    QString printed;
    const QString base = waitForListening(box, &printed);
    ASSERT_FALSE(base.isEmpty()) << printed.toStdString();

    QTemporaryDir logs;
    const ProcessResult r = runThenSignal({"--connect", base, "--log-dir", logs.path()}, SIGTERM,
                                          true, 3000, {{"SOUNDLAB_TOKEN", "t0ken"}});
    ::kill(pid_t(box.processId()), SIGTERM);
    box.waitForFinished(10000);
    EXPECT_FALSE(r.crashed);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains("connecting to " + base)) << r.out.toStdString();
    EXPECT_FALSE(r.out.contains("listening on")) << "no API server of its own";
    EXPECT_FALSE(r.out.contains("logging to")) << "no session log of its own";
    EXPECT_TRUE(QDir(logs.path()).isEmpty());
    EXPECT_FALSE(r.err.contains(QStringLiteral("qrc:"))) << r.err.toStdString();
}

// The window with a calibration on the virtual loop: the Latency tab's bindings see a run going
// from running to done and its figures (every panel of the tab stack is live, shown or not).
TEST(SoundlabApp, QmlWindowWithACalibratedLoopLoadsOffscreenWithoutWarnings) {
    QTemporaryDir data;
    const ProcessResult r = runThenSignal(
        {"--device", "virtual", "--buffer-size", "256", "--virtual-loopback-delay", "1234.37",
         "--virtual-loopback-snr", "20", "--calibrate", "--no-logging", "--data-dir", data.path(),
         "--port", "0"},
        SIGTERM, true, 5000);
    EXPECT_FALSE(r.crashed);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("headless"))) << "it must have run the GUI";
    EXPECT_TRUE(r.out.contains(QStringLiteral("latency calibration: round trip 1234.3")))
        << r.out.toStdString() << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("qrc:"))) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("failed to load"))) << r.err.toStdString();
}

TEST(SoundlabApp, WithoutADisplayItRunsHeadless) {
    QTemporaryDir data;
    const ProcessResult r = runThenSignal(
        {"--device", "virtual", "--data-dir", data.path(), "--port", "0"}, SIGTERM, false, 1000);
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(r.err.contains(QStringLiteral("running headless")));
}

// A sensor bridge's view: --osc-port 0 prints the port, a message sent there shows in /api/phi.
TEST(SoundlabApp, OscPortZeroPrintsThePortAndMessagesShowInApiPhi) {
    QTemporaryDir data;
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SOUNDLAB_BINARY),
            {"--no-gui", "--device", "virtual", "--no-logging", "--data-dir", data.path(), "--port",
             "0", "--osc-port", "0"});
    ASSERT_TRUE(p.waitForStarted());
    static const QRegularExpression oscLine(
        QStringLiteral("osc listening on udp://127.0.0.1:(\\d+)"));
    static const QRegularExpression httpLine(QStringLiteral("listening on (http://\\S+)"));
    QString out;
    QRegularExpressionMatch osc, http;
    for (int i = 0; i < 150 && !(osc.hasMatch() && http.hasMatch()); ++i) {
        p.waitForReadyRead(100);
        out += QString::fromLocal8Bit(p.readAllStandardOutput());
        osc = oscLine.match(out);
        http = httpLine.match(out);
    }
    ASSERT_TRUE(osc.hasMatch() && http.hasMatch()) << out.toStdString();

    // "/soundlab/phi/depth" ",f" 1.0f, OSC-encoded by hand.
    QByteArray packet("/soundlab/phi/depth\0,f\0\0", 24);
    packet.append(QByteArray("\x3f\x80\x00\x00", 4));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(osc.captured(1).toUShort());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_EQ(::sendto(fd, packet.constData(), size_t(packet.size()), 0,
                       reinterpret_cast<const sockaddr*>(&to), sizeof to),
              packet.size());
    ::close(fd);

    QJsonObject phi;
    for (int i = 0; i < 50; ++i) {
        QProcess curl;
        curl.start(QStringLiteral("curl"), {"-sS", http.captured(1) + "/api/phi"});
        curl.waitForFinished(10000);
        phi = QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
        if (phi["osc"].toObject()["received"].toInt() == 1) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const QJsonObject o = phi["osc"].toObject();
    EXPECT_EQ(o["port"].toInt(), osc.captured(1).toInt());
    EXPECT_EQ(o["host"].toString(), QStringLiteral("127.0.0.1"));
    EXPECT_EQ(o["received"].toInt(), 1);
    EXPECT_EQ(o["rejected"].toInt(), 0);
    EXPECT_DOUBLE_EQ(phi["manual"].toObject()["depth"].toDouble(), 1.0);

    ::kill(pid_t(p.processId()), SIGTERM);
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 0);
}

TEST(SoundlabApp, WithoutOscPortThereIsNoOscServer) {
    QTemporaryDir data;
    const ProcessResult r =
        runThenSignal({"--no-gui", "--device", "virtual", "--data-dir", data.path(), "--port", "0"},
                      SIGTERM, false, 500);
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_FALSE(r.out.contains(QStringLiteral("osc listening"))) << r.out.toStdString();
}

// Beyond loopback OSC is open to anyone on the network: the operator is told so at start.
TEST(SoundlabApp, OscBeyondLoopbackWarnsThatThereIsNoAuthentication) {
    QTemporaryDir data;
    const ProcessResult r =
        runThenSignal({"--no-gui", "--device", "virtual", "--data-dir", data.path(), "--port", "0",
                       "--osc-port", "0", "--osc-host", "0.0.0.0"},
                      SIGTERM, false, 500);
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("osc listening on udp://0.0.0.0:")))
        << r.out.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("no authentication"))) << r.err.toStdString();
}

// Settings (docs/install.md): command line > SOUNDLAB_* > settings file > default, and
// --print-config says where each value came from.
namespace {

// A settings file in a fresh XDG_CONFIG_HOME; returns that directory.
QString writeSettings(const QTemporaryDir& home, const QByteArray& ini) {
    QDir(home.path()).mkpath(QStringLiteral("soundlab"));
    QFile file(home.path() + QStringLiteral("/soundlab/soundlab.conf"));
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(ini);
    return home.path();
}

// The `key = value    # origin` line --print-config gives for `key`.
QString configLine(const QString& printed, const QString& key) {
    for (const QString& line : printed.split(QLatin1Char('\n')))
        if (line.startsWith(key + QStringLiteral(" = "))) return line;
    return {};
}

}  // namespace

TEST(SoundlabSettings, CommandLineBeatsEnvironmentBeatsFileBeatsDefault) {
    QTemporaryDir home;
    const QString configHome =
        writeSettings(home,
                      "[audio]\nsample-rate=96000\nbuffer-size=1024\ndevice=hw:0,0\n"
                      "[api]\nport=9001\n[metrics]\nmetrics-rate=60\n");
    const ProcessResult r =
        runToExit({"--print-config", "--metrics-rate", "90"}, {{"XDG_CONFIG_HOME", configHome},
                                                               {"SOUNDLAB_PORT", "9002"},
                                                               {"SOUNDLAB_BUFFER_SIZE", "256"}});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QString file = configHome + QStringLiteral("/soundlab/soundlab.conf");
    EXPECT_EQ(configLine(r.out, "sample-rate"), "sample-rate = 96000    # " + file);
    // INI would split "hw:0,0" at the comma; a device name is one value.
    EXPECT_EQ(configLine(r.out, "device"), "device = hw:0,0    # " + file);
    EXPECT_EQ(configLine(r.out, "buffer-size"),
              "buffer-size = 256    # environment SOUNDLAB_BUFFER_SIZE");
    EXPECT_EQ(configLine(r.out, "port"), "port = 9002    # environment SOUNDLAB_PORT");
    EXPECT_EQ(configLine(r.out, "metrics-rate"), "metrics-rate = 90    # command line");
    EXPECT_EQ(configLine(r.out, "host"), "host = 127.0.0.1    # default");
    EXPECT_TRUE(r.out.startsWith("# settings file: " + file)) << r.out.toStdString();

    // --config names another file; the default one is not read then.
    QTemporaryDir other;
    const QString otherFile =
        writeSettings(other, "[api]\nport=9005\n") + QStringLiteral("/soundlab/soundlab.conf");
    const ProcessResult o =
        runToExit({"--print-config", "--config", otherFile}, {{"XDG_CONFIG_HOME", configHome}});
    EXPECT_EQ(configLine(o.out, "port"), "port = 9005    # " + otherFile);
    EXPECT_EQ(configLine(o.out, "sample-rate"), "sample-rate = 48000    # default");
}

TEST(SoundlabSettings, TheFileDrivesARealRun) {
    QTemporaryDir home, data;
    const QString configHome = writeSettings(
        home, "[api]\nport=0\n[phi]\nphi-mode=internal\nphi-depth=0.25\n[storage]\ndata-dir=" +
                  data.path().toUtf8() +
                  "\nno-logging=true\n[audio]\ndevice=virtual\n"
                  "auto-start-audio=yes\n");
    QProcess p;
    QProcessEnvironment env = environment(false);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SOUNDLAB_BINARY), {"--no-gui"});
    QString out;
    const QString base = waitForListening(p, &out);
    ASSERT_FALSE(base.isEmpty()) << out.toStdString() << p.readAllStandardError().toStdString();
    const QJsonObject phi = curlJson({base + "/api/phi"});
    EXPECT_EQ(phi["mode"].toString(), QStringLiteral("internal"));
    EXPECT_DOUBLE_EQ(phi["manual"].toObject()["depth"].toDouble(), 0.25);
    const QJsonObject status = curlJson({base + "/api/status"});
    EXPECT_TRUE(status["audio_running"].toBool());
    EXPECT_FALSE(status["logging"].toObject()["enabled"].toBool());
    EXPECT_FALSE(out.contains(QStringLiteral("logging to")));
    ::kill(pid_t(p.processId()), SIGTERM);
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 0);
}

TEST(SoundlabSettings, BadValuesExitWithCode2NamingTheKeyAndWhereItCameFrom) {
    struct Case {
        QByteArray ini;
        QList<QPair<QString, QString>> env;
        QStringList mustMention;
    };
    const QList<Case> cases = {
        {"[audio]\nsample-rate=22050\n",
         {},
         {"audio/sample-rate '22050'", "soundlab.conf", "96000"}},
        {"[api]\nport=http\n", {}, {"api/port 'http'", "0 to 65535"}},
        {"[audio]\nauto-start-audio=maybe\n",
         {},
         {"audio/auto-start-audio 'maybe'", "true or false"}},
        {"[phi]\nphi-mode=random\n", {}, {"phi/phi-mode 'random'", "internal"}},
        {"[phi]\nphi-depth=2\n", {}, {"phi/phi-depth '2'", "0 to 1.618"}},
        {"[audio]\nsampel-rate=48000\n", {}, {"unknown setting 'audio/sampel-rate'"}},
        {"", {{"SOUNDLAB_METRICS_RATE", "500"}}, {"SOUNDLAB_METRICS_RATE '500'", "30 to 120"}},
    };
    for (const Case& c : cases) {
        QTemporaryDir home;
        auto env = c.env;
        env.append({"XDG_CONFIG_HOME", writeSettings(home, c.ini)});
        const ProcessResult r = runToExit({"--print-config"}, env);
        EXPECT_EQ(r.exitCode, 2) << c.ini.toStdString();
        for (const QString& text : c.mustMention)
            EXPECT_TRUE(r.err.contains(text))
                << text.toStdString() << " in " << r.err.toStdString();
    }
    const ProcessResult missing = runToExit({"--config", "/no/such/soundlab.conf"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains("/no/such/soundlab.conf")) << missing.err.toStdString();
}

// The token file keeps the token out of `ps`; like ssh, a file others can read is refused.
TEST(SoundlabSettings, TokenFileMustBePrivateAndThenGuardsTheApi) {
    QTemporaryDir dir, data;
    QFile token(dir.path() + QStringLiteral("/token"));
    ASSERT_TRUE(token.open(QIODevice::WriteOnly));
    token.write("s3cret-t0ken\n");
    token.close();
    token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                         QFileDevice::ReadOther);
    const ProcessResult open = runToExit({"--token-file", token.fileName(), "--print-config"});
    EXPECT_EQ(open.exitCode, 2);
    EXPECT_TRUE(open.err.contains("chmod 600")) << open.err.toStdString();

    token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SOUNDLAB_BINARY),
            {"--no-gui", "--device", "virtual", "--no-logging", "--data-dir", data.path(), "--port",
             "0", "--token-file", token.fileName()});
    QString out;
    const QString base = waitForListening(p, &out);
    ASSERT_FALSE(base.isEmpty()) << out.toStdString() << p.readAllStandardError().toStdString();
    EXPECT_EQ(curlJson({base + "/api/presets"})["error"].toObject()["code"].toString(),
              QStringLiteral("unauthorized"));
    EXPECT_TRUE(curlJson({"-H", "Authorization: Bearer s3cret-t0ken", base + "/api/status"})
                    .contains(QStringLiteral("audio_running")));
    ::kill(pid_t(p.processId()), SIGTERM);
    ASSERT_TRUE(p.waitForFinished(10000));
}

// `systemctl reload soundlab` sends SIGHUP: the file is read again; what can change while
// running is applied through the API's own functions, the rest is named as needing a restart.
TEST(SoundlabSettings, SighupAppliesTheChangedFileWhileRunning) {
    QTemporaryDir home, data;
    const QString configHome =
        writeSettings(home, "[metrics]\nmetrics-rate=30\n[audio]\nbuffer-size=512\n");
    QProcess p;
    QProcessEnvironment env = environment(false);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SOUNDLAB_BINARY),
            {"--no-gui", "--device", "virtual", "--no-logging", "--data-dir", data.path(), "--port",
             "0", "--auto-start-audio"});
    QString out;
    const QString base = waitForListening(p, &out);
    ASSERT_FALSE(base.isEmpty()) << out.toStdString() << p.readAllStandardError().toStdString();

    writeSettings(home,
                  "[metrics]\nmetrics-rate=60\n[audio]\nbuffer-size=256\n"
                  "[phi]\nphi-mode=internal\n[osc]\nosc-port=0\n");
    ::kill(pid_t(p.processId()), SIGHUP);
    QString err;
    for (int i = 0; i < 100 && !err.contains(QStringLiteral("settings reloaded")); ++i) {
        p.waitForReadyRead(100);
        err += QString::fromLocal8Bit(p.readAllStandardError());
    }
    EXPECT_TRUE(err.contains(QStringLiteral("applied: audio, phi, metrics-rate")))
        << err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("need a restart: osc"))) << err.toStdString();
    EXPECT_EQ(curlJson({base + "/api/metrics/config"})["rate_hz"].toDouble(), 60.0);
    EXPECT_EQ(curlJson({base + "/api/phi"})["mode"].toString(), QStringLiteral("internal"));
    const QJsonObject status = curlJson({base + "/api/status"});
    EXPECT_EQ(status["buffer_size"].toInt(), 256);
    EXPECT_TRUE(status["audio_running"].toBool());

    // A bad file is refused as a whole: nothing changes, the process runs on.
    writeSettings(home, "[metrics]\nmetrics-rate=500\n");
    ::kill(pid_t(p.processId()), SIGHUP);
    err.clear();
    for (int i = 0; i < 100 && !err.contains(QStringLiteral("reload refused")); ++i) {
        p.waitForReadyRead(100);
        err += QString::fromLocal8Bit(p.readAllStandardError());
    }
    EXPECT_TRUE(err.contains(QStringLiteral("metrics/metrics-rate '500'"))) << err.toStdString();
    EXPECT_EQ(curlJson({base + "/api/metrics/config"})["rate_hz"].toDouble(), 60.0);
    ::kill(pid_t(p.processId()), SIGTERM);
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 0);
}

// The window comes back as it was closed: size, and the open tab (ui/WindowState).
TEST(SoundlabSettings, TheWindowReopensWithItsSizeAndTab) {
    QTemporaryDir home, data;
    QDir(home.path()).mkpath(QStringLiteral("soundlab"));
    const QString stateFile = home.path() + QStringLiteral("/soundlab/window.conf");
    {
        QSettings state(stateFile, QSettings::IniFormat);
        state.setValue("window/geometry", QRect(40, 50, 700, 500));
        state.setValue("window/tab", 3);
    }
    const ProcessResult r = runThenSignal(
        {"--device", "virtual", "--no-logging", "--data-dir", data.path(), "--port", "0"}, SIGTERM,
        true, 2500, {{"XDG_CONFIG_HOME", home.path()}});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(QStringLiteral("qrc:"))) << r.err.toStdString();
    // Saved again at exit: had it not been restored, these would be the defaults (960×640, tab 0).
    const QSettings state(stateFile, QSettings::IniFormat);
    EXPECT_EQ(state.value("window/geometry").toRect().size(), QSize(700, 500));
    EXPECT_EQ(state.value("window/tab").toInt(), 3);
}
