// The OSC server over real UDP on 127.0.0.1: Φ and sensor messages reach the controller through
// the same functions as the API; malformed and out-of-range datagrams are counted and dropped;
// the counters show in GET /api/phi. Packets are built by hand (OSC 1.0 encoding) so that the
// malformed ones can be exactly what we want.

#include "ApiTestSupport.h"
#include "RecordingCallback.h"
#include "api/ApiServer.h"
#include "api/OscServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <lo/lo.h>
#include <QElapsedTimer>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

// An OSC string: NUL-terminated, padded to a multiple of 4 bytes.
QByteArray oscString(const QByteArray& s) {
    QByteArray b = s;
    b.append('\0');
    while (b.size() % 4) b.append('\0');
    return b;
}

QByteArray bigEndian(const void* data, int size) {
    QByteArray b(static_cast<const char*>(data), size);
    std::reverse(b.begin(), b.end());  // x86 is little-endian; OSC is big-endian
    return b;
}

struct Arg {
    char type;
    QByteArray bytes;
};
Arg f(float v) {
    return {'f', bigEndian(&v, 4)};
}
Arg i(int32_t v) {
    return {'i', bigEndian(&v, 4)};
}
Arg d(double v) {
    return {'d', bigEndian(&v, 8)};
}
Arg s(const QByteArray& v) {
    return {'s', oscString(v)};
}

QByteArray message(const QByteArray& path, const QList<Arg>& args) {
    QByteArray tags = ",";
    QByteArray payload;
    for (const Arg& a : args) {
        tags.append(a.type);
        payload.append(a.bytes);
    }
    return oscString(path) + oscString(tags) + payload;
}

class OscServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        ASSERT_FALSE(engine.configure(config));
        ASSERT_FALSE(engine.start());
        osc = std::make_unique<OscServer>(engine);
        ASSERT_FALSE(osc->start(QStringLiteral("127.0.0.1"), 0));
        ASSERT_TRUE(osc->counters().port);
        socket = ::socket(AF_INET, SOCK_DGRAM, 0);
        ASSERT_GE(socket, 0);
        target.sin_family = AF_INET;
        target.sin_port = htons(*osc->counters().port);
        target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    void TearDown() override {
        ::close(socket);
        osc.reset();
        engine.stop();
    }

    // Sends datagrams and waits (up to 2 s) until the server has counted each one.
    void send(const QList<QByteArray>& datagrams) {
        const OscCounters before = osc->counters();
        for (const QByteArray& b : datagrams)
            ASSERT_EQ(::sendto(socket, b.constData(), size_t(b.size()), 0,
                               reinterpret_cast<const sockaddr*>(&target), sizeof target),
                      b.size());
        ASSERT_TRUE(waitFor([&] {
            const OscCounters now = osc->counters();
            return now.received + now.rejected ==
                   before.received + before.rejected + uint64_t(datagrams.size());
        })) << "the server did not count every datagram";
    }

    // Waits up to 2 s for the audio (or OSC) thread to get there.
    template <typename F>
    bool waitFor(F condition) {
        return soundlab::test::waitFor(condition, 2000);
    }

    AudioEngine engine;
    std::unique_ptr<OscServer> osc;
    int socket = -1;
    sockaddr_in target{};
};

}  // namespace

TEST_F(OscServerTest, DepthPhaseAndModeMessagesChangeTheSettingsAndTheState) {
    send({message("/soundlab/phi/depth", {f(1.25f)}), message("/soundlab/phi/phase", {f(2.5f)})});
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualDepth, 1.25);
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualPhase, double(2.5f));
    EXPECT_TRUE(waitFor([&] { return std::abs(engine.phiState().depth - 1.25) < 1e-9; }));
    EXPECT_NEAR(engine.phiState().phase, 2.5, 1e-6);

    send({message("/soundlab/phi/mode", {s("internal")})});
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Internal);
    EXPECT_TRUE(waitFor([&] { return engine.phiState().mode == phi::Mode::Internal; }));
    EXPECT_EQ(osc->counters().received, 3u);
    EXPECT_EQ(osc->counters().rejected, 0u);
}

TEST_F(OscServerTest, IntAndDoubleAreAcceptedWhereAFloatIsExpected) {
    send({message("/soundlab/phi/depth", {i(1)})});
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualDepth, 1.0);
    send({message("/soundlab/phi/phase", {d(0.125)})});
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualPhase, 0.125);
    send({message("/soundlab/sensor/accel", {i(0), d(0.5), f(-1.0f)})});
    EXPECT_DOUBLE_EQ(engine.phiSensor().status().values.accelY, 0.5);
    EXPECT_EQ(osc->counters().received, 3u);
}

// Found by tests/fuzz/fuzz_osc (its seed, byte for byte): liblo's argument pointers are 4-byte
// aligned, and reading them as lo_arg members (8-byte aligned) was undefined behaviour that the
// UBSan build reports on these datagrams. Each must be applied with its exact values.
TEST_F(OscServerTest, ArgumentsAtFourByteAlignmentAreReadExactly) {
    const QByteArray accel = QByteArray::fromHex(
        "2f736f756e646c61622f73656e736f722f616363656c00002c66696400000000"
        "3f000000000000003ff0000000000000");
    ASSERT_EQ(accel, message("/soundlab/sensor/accel", {f(0.5f), i(0), d(1.0)}));
    EXPECT_TRUE(osc->handleDatagram(accel.constData(), std::size_t(accel.size())));
    const phi::SensorStatus status = engine.phiSensor().status();
    EXPECT_DOUBLE_EQ(status.values.accelX, 0.5);
    EXPECT_DOUBLE_EQ(status.values.accelY, 0.0);
    EXPECT_DOUBLE_EQ(status.values.accelZ, 1.0);

    // A string argument read in place, and a float64 after an int32.
    const QByteArray mode = message("/soundlab/phi/mode", {s("internal")});
    EXPECT_TRUE(osc->handleDatagram(mode.constData(), std::size_t(mode.size())));
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Internal);
    const QByteArray depth = message("/soundlab/phi/depth", {d(0.375)});
    EXPECT_TRUE(osc->handleDatagram(depth.constData(), std::size_t(depth.size())));
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualDepth, 0.375);
    EXPECT_EQ(osc->counters().received, 3u);
    EXPECT_EQ(osc->counters().rejected, 0u);
}

TEST_F(OscServerTest, SensorMessagesReachTheInboxAndMoveDepth) {
    send({message("/soundlab/phi/mode", {s("sensor")}), message("/soundlab/sensor/gsr", {f(0.5f)}),
          message("/soundlab/sensor/hr", {f(90.0f)}),
          message("/soundlab/sensor/accel", {f(0.25f), f(0.0f), f(1.0f)})});
    const phi::SensorStatus status = engine.phiSensor().status();
    EXPECT_EQ(status.received, 3u);
    EXPECT_DOUBLE_EQ(status.values.gsr, 0.5);
    EXPECT_DOUBLE_EQ(status.values.heartRateBpm, 90.0);
    EXPECT_DOUBLE_EQ(status.values.accelX, 0.25);
    EXPECT_DOUBLE_EQ(status.values.accelZ, 1.0);
    // depth = gsr·Φ once the 100 ms crossfade from manual is over.
    EXPECT_TRUE(waitFor([&] {
        const phi::State st = engine.phiState();
        return !st.fading && st.mode == phi::Mode::Sensor &&
               std::abs(st.depth - 0.5 * dsp::kPhi) < 1e-9;
    })) << engine.phiState().depth;
}

TEST_F(OscServerTest, MalformedAndOutOfRangeAreRejectedCountedAndChangeNothing) {
    const phi::Settings settingsBefore = engine.phiSettings();
    QByteArray truncated = message("/soundlab/phi/depth", {f(1.0f)});
    truncated.chop(3);
    // A type tag that promises more payload than there is.
    QByteArray lying = oscString("/soundlab/phi/depth") + oscString(",fff") + f(1.0f).bytes;
    // The largest UDP datagram over IPv4 (65 507 bytes), starting like a real message.
    QByteArray huge = oscString("/soundlab/phi/depth") + oscString(",f");
    huge.append(QByteArray(65507 - huge.size(), 'x'));
    const QList<QByteArray> bad = {
        message("/soundlab/phi/depth", {f(5.0f)}),   // > Φ
        message("/soundlab/phi/depth", {f(-0.1f)}),  // < 0
        message("/soundlab/phi/depth", {f(std::numeric_limits<float>::quiet_NaN())}),
        message("/soundlab/phi/phase", {f(7.0f)}),                        // > 2π
        message("/soundlab/phi/depth", {s("1.0")}),                       // wrong type
        message("/soundlab/phi/depth", {f(1.0f), f(1.0f)}),               // wrong arity
        message("/soundlab/phi/depth", {}),                               // no argument
        message("/soundlab/phi/mode", {s("loud")}),                       // unknown mode
        message("/soundlab/phi/mode", {i(1)}),                            // wrong type
        message("/soundlab/phi/volume", {f(1.0f)}),                       // unknown address
        message("/soundlab/sensor/hr", {f(300.0f)}),                      // > 200 bpm
        message("/soundlab/sensor/gsr", {f(1.5f)}),                       // > 1
        message("/soundlab/sensor/accel", {f(0.0f), f(0.0f)}),            // arity
        message("/soundlab/sensor/accel", {f(0.0f), f(0.0f), f(99.0f)}),  // > 16 g
        truncated,
        lying,
        QByteArrayLiteral("\x00\xff garbage \x01\x02"),
        QByteArray(1, '/'),
        huge,
    };
    send(bad);
    EXPECT_EQ(osc->counters().rejected, uint64_t(bad.size()));
    EXPECT_EQ(osc->counters().received, 0u);
    EXPECT_EQ(engine.phiSettings(), settingsBefore);
    EXPECT_EQ(engine.phiSensor().status().received, 0u);

    // Still answering after all that.
    send({message("/soundlab/phi/depth", {f(1.0f)})});
    EXPECT_EQ(osc->counters().received, 1u);
    EXPECT_DOUBLE_EQ(engine.phiSettings().manualDepth, 1.0);
}

// What bridges send when several values change at once: a bundle, built and sent by liblo's own
// client over UDP. Each message in it (nested bundles too) is applied and counted on its own.
TEST_F(OscServerTest, BundlesAndNestedBundlesApplyEachMessage) {
    lo_address address = lo_address_new("127.0.0.1", std::to_string(*osc->counters().port).c_str());
    lo_bundle outer = lo_bundle_new(LO_TT_IMMEDIATE);
    lo_message mode = lo_message_new();
    lo_message_add_string(mode, "sensor");
    lo_bundle_add_message(outer, "/soundlab/phi/mode", mode);
    lo_bundle inner = lo_bundle_new(LO_TT_IMMEDIATE);
    lo_message gsr = lo_message_new();
    lo_message_add_float(gsr, 0.5f);
    lo_bundle_add_message(inner, "/soundlab/sensor/gsr", gsr);
    lo_message hr = lo_message_new();
    lo_message_add_float(hr, 90.0f);
    lo_bundle_add_message(inner, "/soundlab/sensor/hr", hr);
    lo_message tooDeep = lo_message_new();
    lo_message_add_float(tooDeep, 3.0f);  // > Φ: this one alone is rejected
    lo_bundle_add_message(inner, "/soundlab/phi/depth", tooDeep);
    lo_bundle_add_bundle(outer, inner);
    ASSERT_GT(lo_send_bundle(address, outer), 0) << lo_address_errstr(address);
    lo_bundle_free_recursive(outer);
    lo_address_free(address);

    ASSERT_TRUE(waitFor([&] {
        const OscCounters c = osc->counters();
        return c.received + c.rejected == 4;
    })) << "every message of the bundle is counted";
    EXPECT_EQ(osc->counters().received, 3u);
    EXPECT_EQ(osc->counters().rejected, 1u);
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Sensor);
    EXPECT_NE(engine.phiSettings().manualDepth, 3.0);
    const phi::SensorStatus status = engine.phiSensor().status();
    EXPECT_EQ(status.received, 2u);
    EXPECT_DOUBLE_EQ(status.values.gsr, 0.5);
    EXPECT_DOUBLE_EQ(status.values.heartRateBpm, 90.0);
    EXPECT_TRUE(waitFor([&] {
        const phi::State st = engine.phiState();
        return !st.fading && st.mode == phi::Mode::Sensor &&
               std::abs(st.depth - 0.5 * dsp::kPhi) < 1e-9;
    }));
}

TEST_F(OscServerTest, ABundleWithBrokenFramingIsOneRejectionAndAppliesNothing) {
    const QByteArray header = QByteArray("#bundle", 8) + QByteArray(8, '\0');
    const QByteArray depth = message("/soundlab/phi/depth", {f(1.0f)});
    const auto sized = [](const QByteArray& element, int32_t size) {
        return i(size).bytes + element;
    };
    const phi::Settings before = engine.phiSettings();
    // A good element first, then one whose size runs past the end: nothing of it is applied.
    send({header + sized(depth, int32_t(depth.size())) + sized(depth, int32_t(depth.size()) + 4)});
    send({header + sized(depth, 3)});  // not a multiple of 4
    QByteArray nested = header;        // bundles nested deeper than 8
    for (int level = 0; level < 10; ++level)
        nested = header + sized(nested, int32_t(nested.size()));
    send({nested});
    EXPECT_EQ(osc->counters().rejected, 3u);
    EXPECT_EQ(osc->counters().received, 0u);
    EXPECT_EQ(engine.phiSettings(), before);
}

TEST_F(OscServerTest, CountersShowInGetApiPhi) {
    ApiServerOptions options;
    options.port = 0;
    options.oscCounters = [this] { return osc->counters(); };
    ApiServer server(engine, options);
    ASSERT_FALSE(server.start());
    HttpClient http(server.url());
    send({message("/soundlab/phi/depth", {f(1.0f)}), message("/soundlab/nope", {})});
    const QJsonObject o = http.get("/api/phi").json()["osc"].toObject();
    EXPECT_EQ(o["port"].toInt(), int(*osc->counters().port));
    EXPECT_EQ(o["host"].toString(), QStringLiteral("127.0.0.1"));
    EXPECT_EQ(o["received"].toInt(), 1);
    EXPECT_EQ(o["rejected"].toInt(), 1);
}

TEST_F(OscServerTest, WithoutAnOscServerThePortIsNull) {
    ApiServerOptions options;
    options.port = 0;
    ApiServer server(engine, options);
    ASSERT_FALSE(server.start());
    HttpClient http(server.url());
    const QJsonObject o = http.get("/api/phi").json()["osc"].toObject();
    EXPECT_TRUE(o["port"].isNull());
    EXPECT_TRUE(o["host"].isNull());
    EXPECT_EQ(o["received"].toInt(), 0);
}

TEST_F(OscServerTest, ItBindsOnlyTheAddressItIsGiven) {
    // Had the server taken every interface (0.0.0.0, what liblo's own servers do), another
    // loopback address could not bind the same port; bound to 127.0.0.1 only, it can.
    sockaddr_in other{};
    other.sin_family = AF_INET;
    other.sin_port = target.sin_port;
    other.sin_addr.s_addr = htonl(0x7f000002);  // 127.0.0.2
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&other), sizeof other), 0)
        << std::strerror(errno);
    ::close(fd);

    OscServer second(engine);
    const auto error = second.start(QStringLiteral("127.0.0.1"), *osc->counters().port);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QStringLiteral("udp://127.0.0.1:"))) << error->toStdString();
    EXPECT_FALSE(second.counters().port);
}
