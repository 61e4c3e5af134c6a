// The `midi` Φ source end to end on a real JACK server (the CTest fixture's dummy-driver jackd):
// a MIDI client of the test's own, written with libjack, plays a controller; Soundlab lists its
// port, opens it, and CC1 / pitch bend move depth and phase; the client going away is reported,
// and coming back is picked up again. Over real HTTP (GET /api/phi/midi/ports, PUT /api/phi
// midi.port).

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/PhiRoutes.h"
#include "audio/JackBackend.h"

#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>

#include <gtest/gtest.h>
#include <QJsonArray>

#include <cmath>
#include <memory>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

// A MIDI controller as a JACK client: one MIDI output port "out"; send() queues a 3-byte
// message that the next process cycle writes at frame 0.
class MidiSender {
public:
    explicit MidiSender(const char* clientName) {
        jack_status_t status{};
        client_ = jack_client_open(clientName, JackNoStartServer, &status);
        if (!client_) return;
        port_ = jack_port_register(client_, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
        ring_ = jack_ringbuffer_create(1024);
        jack_set_process_callback(client_, &MidiSender::process, this);
        if (!port_ || jack_activate(client_) != 0) close();
    }
    ~MidiSender() {
        close();
        if (ring_) jack_ringbuffer_free(ring_);
    }

    bool ok() const { return client_ && port_; }
    QString portName() const { return QString::fromLocal8Bit(jack_port_name(port_)); }
    void send(unsigned char status, unsigned char data1, unsigned char data2) {
        const unsigned char message[3] = {status, data1, data2};
        jack_ringbuffer_write(ring_, reinterpret_cast<const char*>(message), 3);
    }
    void close() {
        if (client_) jack_client_close(client_);
        client_ = nullptr;
    }

private:
    static int process(jack_nframes_t frames, void* self) {
        auto* sender = static_cast<MidiSender*>(self);
        void* buffer = jack_port_get_buffer(sender->port_, frames);
        jack_midi_clear_buffer(buffer);
        unsigned char message[3];
        while (jack_ringbuffer_read_space(sender->ring_) >= 3) {
            jack_ringbuffer_read(sender->ring_, reinterpret_cast<char*>(message), 3);
            jack_midi_event_write(buffer, 0, message, 3);
        }
        return 0;
    }

    jack_client_t* client_ = nullptr;
    jack_port_t* port_ = nullptr;
    jack_ringbuffer_t* ring_ = nullptr;
};

constexpr const char* kSenderName = "midi-test-sender";

class MidiRoutesTest : public VirtualDeviceApiTest {
protected:
    // Soundlab's MIDI input (RtMidi, JackBackend::probe) and our sender use the fixture's
    // server, which libjack finds through JACK_DEFAULT_SERVER.
    void SetUp() override {
        if (!JackBackend::available()) GTEST_SKIP() << "no JACK server (jackd not installed?)";
        VirtualDeviceApiTest::SetUp();
    }

    QJsonObject midi() { return http->get("/api/phi").json().value("midi").toObject(); }
    QJsonObject ports() { return http->get("/api/phi/midi/ports").json(); }
    bool listed(const QString& port) { return ports().value("ports").toArray().contains(port); }
    HttpReply put(const QByteArray& body) { return http->send("PUT", "/api/phi", body); }
    bool waitFor(const std::function<bool()>& condition) {
        return api::test::waitFor(condition, 5000);
    }
    // Selects `port` and mode midi and waits until the port is open and the fade is over.
    void openMidi(const QString& port) {
        const QByteArray body =
            QJsonDocument(QJsonObject{{"mode", "midi"}, {"midi", QJsonObject{{"port", port}}}})
                .toJson(QJsonDocument::Compact);
        const HttpReply r = put(body);
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
        ASSERT_TRUE(waitFor([&] { return midi().value("connected").toBool(); }))
            << QJsonDocument(ports()).toJson().toStdString();
        ASSERT_TRUE(waitFor([&] { return !engine.phiState().fading; }));
    }
};

}  // namespace

TEST_F(MidiRoutesTest, ThePortListShowsTheControllerAndTheApi) {
    MidiSender sender(kSenderName);
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(waitFor([&] { return listed(sender.portName()); }))
        << QJsonDocument(ports()).toJson().toStdString();
    const QJsonObject list = ports();
    EXPECT_EQ(list.value("api").toString(), "jack");
    EXPECT_TRUE(list.value("selected").isNull());
    EXPECT_FALSE(list.value("connected").toBool());
}

TEST_F(MidiRoutesTest, ModWheelReachesPhiInTheBlockAndPitchBendMovesThePhase) {
    MidiSender sender(kSenderName);
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(waitFor([&] { return listed(sender.portName()); }));
    openMidi(sender.portName());
    EXPECT_EQ(midi().value("port").toString(), sender.portName());
    EXPECT_TRUE(midi().value("cc1").isNull());
    EXPECT_TRUE(midi().value("last_event_age_s").isNull());

    // CC1 = 127 on channel 4: the block that applies it reports depth Φ with it (the controller
    // does not smooth; the engine ramps over its 10 ms from the event's sample).
    sender.send(0xB3, 1, 127);
    phi::State s;
    ASSERT_TRUE(waitFor([&] {
        s = engine.phiState();
        return s.midiEvents >= 1;
    }));
    EXPECT_EQ(s.midiModWheel, 127);
    EXPECT_DOUBLE_EQ(s.depth, dsp::kPhi);
    // Applied by a block whose callback started after the event arrived, never before.
    EXPECT_GT(s.midiLastAppliedNs, s.midiLastEventNs);
    EXPECT_EQ(s.mode, phi::Mode::Midi);
    const QJsonObject m = midi();
    EXPECT_EQ(m.value("cc1").toInt(), 127);
    EXPECT_GE(m.value("last_event_age_s").toDouble(-1), 0.0);
    EXPECT_LT(m.value("last_event_age_s").toDouble(99), 5.0);
    EXPECT_DOUBLE_EQ(http->get("/api/phi").json().value("depth").toDouble(), dsp::kPhi);

    // Pitch bend +4096 (a quarter up) → phase π/2.
    sender.send(0xE0, 0x00, 0x60);
    ASSERT_TRUE(waitFor([&] { return engine.phiState().midiBend == 4096; }));
    EXPECT_NEAR(engine.phiState().phase, phi::kPi / 2, 1e-9);
    EXPECT_EQ(midi().value("pitch_bend").toInt(), 4096);

    // Other controllers and notes are not for Φ.
    const uint64_t events = engine.phiState().midiEvents;
    sender.send(0x90, 60, 100);
    sender.send(0xB0, 7, 0);
    sender.send(0xB0, 1, 0);  // a marker: once it is applied, the two before it have passed
    ASSERT_TRUE(waitFor([&] { return engine.phiState().midiModWheel == 0; }));
    EXPECT_EQ(engine.phiState().midiEvents, events + 1);
    EXPECT_DOUBLE_EQ(engine.phiState().depth, 0.0);
}

TEST_F(MidiRoutesTest, AControllerThatGoesAwayIsReportedAndPickedUpAgainWhenItReturns) {
    auto sender = std::make_unique<MidiSender>(kSenderName);
    ASSERT_TRUE(sender->ok());
    const QString port = sender->portName();
    ASSERT_TRUE(waitFor([&] { return listed(port); }));
    openMidi(port);
    sender->send(0xB0, 1, 127);
    ASSERT_TRUE(waitFor([&] { return engine.phiState().midiModWheel == 127; }));

    sender.reset();  // unplugged
    ASSERT_TRUE(waitFor([&] { return !midi().value("connected").toBool(); }));
    EXPECT_FALSE(listed(port));
    EXPECT_EQ(midi().value("port").toString(), port);  // still the one asked for
    EXPECT_DOUBLE_EQ(engine.phiState().depth, dsp::kPhi) << "the last value holds";

    sender = std::make_unique<MidiSender>(kSenderName);  // plugged in again, same name
    ASSERT_TRUE(sender->ok());
    ASSERT_EQ(sender->portName(), port);
    ASSERT_TRUE(waitFor([&] { return midi().value("connected").toBool(); }));
    sender->send(0xB0, 1, 64);
    ASSERT_TRUE(waitFor([&] { return engine.phiState().midiModWheel == 64; }));
    EXPECT_DOUBLE_EQ(engine.phiState().depth, 64.0 / 127.0 * dsp::kPhi);
}

TEST_F(MidiRoutesTest, ClosingAndSelectingAgainWorks) {
    MidiSender sender(kSenderName);
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(waitFor([&] { return listed(sender.portName()); }));
    openMidi(sender.portName());

    HttpReply r = put(R"({"midi":{"port":null}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("midi").toObject().value("port").isNull());
    ASSERT_TRUE(waitFor([&] { return ports().value("selected").isNull(); }));
    EXPECT_FALSE(midi().value("connected").toBool());
    sender.send(0xB0, 1, 100);  // nobody listens
    QThread::msleep(300);
    EXPECT_NE(engine.phiState().midiModWheel, 100);

    openMidi(sender.portName());
    sender.send(0xB0, 1, 101);
    ASSERT_TRUE(waitFor([&] { return engine.phiState().midiModWheel == 101; }));
}

TEST_F(MidiRoutesTest, APortThatDoesNotExistYetIsAcceptedAndOpenedWhenItAppears) {
    HttpReply r = put(R"({"mode":"midi","midi":{"port":"midi-test-later:out"}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("midi").toObject().value("port").toString(), "midi-test-later:out");
    EXPECT_FALSE(r.json().value("midi").toObject().value("connected").toBool());
    QThread::msleep(300);
    EXPECT_FALSE(midi().value("connected").toBool());

    MidiSender sender("midi-test-later");
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(waitFor([&] { return midi().value("connected").toBool(); }));
}

TEST_F(MidiRoutesTest, ABadPortIs422NamingTheFieldAndNothingChanges) {
    HttpReply r = put(R"({"midi":{"port":5}})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_TRUE(r.body.contains("midi.port")) << r.body.toStdString();
    r = put(QByteArray(R"({"midi":{"port":")") + QByteArray(300, 'x') + R"("}})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_TRUE(r.body.contains("midi.port")) << r.body.toStdString();
    // All or nothing: a bad field elsewhere and the port is not taken either.
    r = put(R"({"midi":{"port":"midi-test-sender:out"},"manual":{"depth":5}})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_TRUE(midi().value("port").isNull());
    r = put(R"({"midi":{"channel":1}})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
}

TEST_F(MidiRoutesTest, TheOpenApiDocumentHasThePortsRouteAndTheMidiFields) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject paths = doc.value("paths").toObject();
    EXPECT_TRUE(paths["/api/phi/midi/ports"].toObject().contains("get"));
    const QByteArray text = QJsonDocument(paths["/api/phi"].toObject()).toJson();
    EXPECT_TRUE(text.contains("last_event_age_s"));
    EXPECT_TRUE(text.contains("pitch_bend"));
}
