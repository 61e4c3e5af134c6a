// Calibration on the real audio path without hardware: Soundlab on a dummy JACK server of the
// test's own (periods 128 and 256), its output wired to its input with jack_connect, against
// jack_iodelay (Adriaensen's MTDM, from jackd2) wired the same way on the same server.

#include "JackServer.h"
#include "RecordingCallback.h"
#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"

#include <gtest/gtest.h>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <memory>

#include <unistd.h>

using namespace soundlab;
using namespace soundlab::latency;
using soundlab::test::JackServer;
using soundlab::test::JackServerOptions;
using soundlab::test::JackServerProcess;

namespace {

// Points libjack (and so the engine) at a server for the scope.
class DefaultJackServer {
public:
    explicit DefaultJackServer(const QString& name) : previous_(qgetenv("JACK_DEFAULT_SERVER")) {
        qputenv("JACK_DEFAULT_SERVER", name.toUtf8());
    }
    ~DefaultJackServer() { qputenv("JACK_DEFAULT_SERVER", previous_); }

private:
    QByteArray previous_;
};

// jack_iodelay on `server`, its ports looped (jack_delay:out → jack_delay:in): the round trip it
// reports, in frames, once it has given three readings (its first may still be settling).
std::optional<double> jackIodelayRoundTrip(const QString& server, QString* log) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("JACK_DEFAULT_SERVER"), server);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    // Line-buffered: jack_iodelay prints with printf and never flushes.
    process.start(QStringLiteral("stdbuf"),
                  {QStringLiteral("-oL"), QStringLiteral("jack_iodelay")});
    if (!process.waitForStarted(5000)) return std::nullopt;
    bool connected = false;
    for (int i = 0; i < 50 && !connected; ++i) {
        connected =
            JackServer::run(QStringLiteral("jack_connect"),
                            {QStringLiteral("jack_delay:out"), QStringLiteral("jack_delay:in")},
                            nullptr, server) == 0;
        if (!connected) QThread::msleep(100);
    }
    const QRegularExpression reading(
        QStringLiteral(R"(([0-9.]+) frames\s+[0-9.]+ ms total roundtrip latency)"));
    std::optional<double> last;
    int readings = 0;
    QString output;
    for (int i = 0; connected && i < 100 && readings < 3; ++i) {
        process.waitForReadyRead(100);
        output += QString::fromLocal8Bit(process.readAll());
        readings = 0;
        for (auto it = reading.globalMatch(output); it.hasNext();) {
            last = it.next().captured(1).toDouble();
            ++readings;
        }
    }
    process.terminate();
    if (!process.waitForFinished(3000)) {
        process.kill();
        process.waitForFinished(3000);
    }
    *log = output;
    return readings >= 3 ? last : std::nullopt;
}

class JackCalibration : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
        if (QStandardPaths::findExecutable(QStringLiteral("jack_iodelay")).isEmpty())
            GTEST_SKIP() << "jack_iodelay is not installed (jackd2)";
        JackServerOptions options;
        options.period = GetParam();
        server_ = std::make_unique<JackServerProcess>(
            QStringLiteral("soundlab-lat-%1-%2").arg(getpid()).arg(GetParam()), options);
        ASSERT_TRUE(server_->start()) << server_->log().toStdString();
        useIt_ = std::make_unique<DefaultJackServer>(server_->name());
        engine_ = std::make_unique<AudioEngine>();
        calibrator_ = std::make_unique<LatencyCalibrator>(*engine_);
    }
    void TearDown() override {
        calibrator_.reset();
        engine_.reset();  // before its server goes
        useIt_.reset();
        server_.reset();
    }

    // Soundlab on the server, its output looped to its input and nothing else reaching it.
    void startLoop(std::optional<int> fixedBlockSize) {
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("jack");
        if (fixedBlockSize) {
            config.blockSize = *fixedBlockSize;
            config.preferHostPeriod = false;
        }
        ASSERT_FALSE(engine_->configure(config));
        const auto error = engine_->start();
        ASSERT_FALSE(error) << error->message.toStdString();
        ASSERT_TRUE(JackServer::loopBackSoundlab(server_->name()));
    }

    std::optional<double> calibrate() {
        const auto start = calibrator_->start();
        EXPECT_TRUE(start.run) << start.message.toStdString();
        if (!start.run) return std::nullopt;
        EXPECT_TRUE(test::waitFor([&] { return !calibrator_->running(); }, 20000));
        const auto run = calibrator_->latest();
        EXPECT_TRUE(run->result) << run->error.toStdString();
        if (!run->result) return std::nullopt;
        EXPECT_EQ(run->result->verdict, Verdict::Ok);
        EXPECT_GT(run->result->quality, 0.99);
        return run->result->roundTripSamples;
    }

    std::unique_ptr<JackServerProcess> server_;
    std::unique_ptr<DefaultJackServer> useIt_;
    std::unique_ptr<AudioEngine> engine_;
    std::unique_ptr<LatencyCalibrator> calibrator_;
};

}  // namespace

TEST_P(JackCalibration, RoundTripIsExactlyOnePeriodAndAgreesWithJackIodelay) {
    const int period = GetParam();
    ASSERT_NO_FATAL_FAILURE(startLoop(std::nullopt));
    const auto ours = calibrate();
    ASSERT_TRUE(ours);
    // JACK hands a client's output to its own input one period later.
    EXPECT_NEAR(*ours, double(period), 0.01);

    QString log;
    const auto theirs = jackIodelayRoundTrip(server_->name(), &log);
    ASSERT_TRUE(theirs) << "jack_iodelay said:\n" << log.toStdString();
    EXPECT_NEAR(*ours, *theirs, 0.01) << "jack_iodelay said:\n" << log.toStdString();
}

TEST_P(JackCalibration, AFixedBlockSizeAddsNoBufferOnNativeJack) {
    // The native client runs in JACK's period; --buffer-size only bounds the chain's pieces
    // (docs/audio-host.md), so there is no PortAudio buffer to add.
    ASSERT_NO_FATAL_FAILURE(startLoop(512));
    const auto ours = calibrate();
    ASSERT_TRUE(ours);
    EXPECT_NEAR(*ours, double(GetParam()), 0.01);
}

INSTANTIATE_TEST_SUITE_P(Periods, JackCalibration, ::testing::Values(128, 256),
                         [](const auto& info) { return "period" + std::to_string(info.param); });
