// The soundlab program as a user runs it: flags, exit codes, headless and offscreen GUI.

#include <gtest/gtest.h>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
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
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("SOUNDLAB_TOKEN"));  // each test says whether it wants a token
    if (offscreenGui) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
    }
    return env;
}

// Runs soundlab to completion (for flags that exit at once).
ProcessResult runToExit(const QStringList& arguments) {
    QProcess p;
    p.setProcessEnvironment(environment(false));
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
                            int runMs = 2000) {
    QProcess p;
    p.setProcessEnvironment(environment(offscreenGui));
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
    static const QRegularExpression httpLine(QStringLiteral("listening on (http://\\S+)"));
    QString out;
    QRegularExpressionMatch http;
    for (int i = 0; i < 150 && !http.hasMatch(); ++i) {
        p.waitForReadyRead(100);
        out += QString::fromLocal8Bit(p.readAllStandardOutput());
        http = httpLine.match(out);
    }
    ASSERT_TRUE(http.hasMatch()) << out.toStdString();
    QProcess curl;
    curl.start(QStringLiteral("curl"), {"-sS", http.captured(1) + "/api/phi"});
    curl.waitForFinished(10000);
    const QJsonObject midi =
        QJsonDocument::fromJson(curl.readAllStandardOutput()).object()["midi"].toObject();
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
