// PhiViewModel is an in-process client of /api/phi: it reads the GET document and edits through
// the PUT update, so the GUI and the API always show the same state.
#include "PhiViewModel.h"

#include "GuiBackend.h"

#include "api/OscServer.h"
#include "api/PhiRoutes.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUdpSocket>

namespace soundlab {
namespace {

// The route handlers themselves, called as the HTTP server would (no socket needed).
struct PhiApi {
    explicit PhiApi(AudioEngine& engine) {
        for (api::Route& r : api::phiRoutes(engine)) {
            if (r.method == "GET" && r.path == QStringLiteral("/api/phi")) get = r.handler;
            if (r.method == "PUT") put = r.handler;
        }
    }
    QJsonObject document() const { return QJsonDocument::fromJson(get({}).body).object(); }
    api::Response update(const QJsonObject& body) const {
        api::Request request;
        request.body = body;
        return put(request);
    }
    std::function<api::Response(const api::Request&)> get, put;
};

TEST(PhiViewModel, ShowsTheDocumentTheApiServes) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    const PhiApi api(engine);
    const QJsonObject doc = api.document();
    EXPECT_EQ(vm.mode(), doc["mode"].toString());
    EXPECT_EQ(vm.modeIndex(), 0) << "manual";
    EXPECT_DOUBLE_EQ(vm.manualDepth(), doc["manual"].toObject()["depth"].toDouble());
    EXPECT_DOUBLE_EQ(vm.attackMs(), 20.0);
    EXPECT_DOUBLE_EQ(vm.releaseMs(), 100.0);
    EXPECT_DOUBLE_EQ(vm.internalFrequency(), 0.1);
    EXPECT_FALSE(vm.sensorPresent());
    EXPECT_EQ(vm.sensorAge(), -1.0);
    EXPECT_EQ(vm.sensorReceived(), 0);
    EXPECT_EQ(vm.modes(), (QStringList{"manual", "audio", "midi", "sensor", "internal"}));
}

TEST(PhiViewModel, ShowsTheOscCountersOfTheDocument) {
    AudioEngine engine;
    {
        test::GuiBackend off(engine, nullptr);
        PhiViewModel vm(off.backend);
        EXPECT_EQ(vm.oscPort(), 0) << "no OSC server: off";
    }
    api::OscServer osc(engine);
    ASSERT_FALSE(osc.start(QStringLiteral("127.0.0.1"), 0));
    // The routes get the counters as the API server does (ApiServerOptions::oscCounters).
    test::GuiBackend gui(engine, nullptr, [&osc] { return osc.counters(); });
    PhiViewModel vm(gui.backend);
    EXPECT_EQ(vm.oscPort(), int(*osc.counters().port));

    // One good message (/soundlab/phi/depth 1.0f) and one for an unknown address, over UDP.
    const QByteArray good = QByteArray("/soundlab/phi/depth\0,f\0\0\x3f\x80\0\0", 28);
    const QByteArray unknown = QByteArray("/nope\0\0\0,\0\0\0", 12);
    QUdpSocket udp;
    for (const QByteArray& datagram : {good, unknown})
        ASSERT_EQ(udp.writeDatagram(datagram, QHostAddress::LocalHost, *osc.counters().port),
                  datagram.size());
    QElapsedTimer clock;
    clock.start();
    while (osc.counters().received + osc.counters().rejected < 2 && clock.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    vm.refresh();
    EXPECT_EQ(vm.oscReceived(), 1);
    EXPECT_EQ(vm.oscRejected(), 1);
    const QJsonObject doc = vm.document()["osc"].toObject();
    EXPECT_EQ(doc["received"].toInt(), 1) << "the same section GET /api/phi serves";
}

TEST(PhiViewModel, AChangeThroughTheViewModelIsInTheApiDocument) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    const PhiApi api(engine);
    EXPECT_TRUE(vm.setMode(QStringLiteral("internal")));
    EXPECT_TRUE(vm.setManualDepth(1.25));
    EXPECT_TRUE(vm.setManualPhase(3.0));
    EXPECT_TRUE(vm.setAttack(250));
    EXPECT_TRUE(vm.setRelease(40));
    EXPECT_TRUE(vm.setInternalFrequency(2.5));
    const QJsonObject doc = api.document();
    EXPECT_EQ(doc["mode"].toString(), QStringLiteral("internal"));
    EXPECT_DOUBLE_EQ(doc["manual"].toObject()["depth"].toDouble(), 1.25);
    EXPECT_DOUBLE_EQ(doc["manual"].toObject()["phase"].toDouble(), 3.0);
    EXPECT_DOUBLE_EQ(doc["audio"].toObject()["attack_ms"].toDouble(), 250.0);
    EXPECT_DOUBLE_EQ(doc["audio"].toObject()["release_ms"].toDouble(), 40.0);
    EXPECT_DOUBLE_EQ(doc["internal"].toObject()["frequency_hz"].toDouble(), 2.5);
    // And the view-model shows it at once (it refreshes after its own edit).
    EXPECT_EQ(vm.mode(), QStringLiteral("internal"));
    EXPECT_EQ(vm.modeIndex(), 4);
    EXPECT_DOUBLE_EQ(vm.manualDepth(), 1.25);
}

TEST(PhiViewModel, AnApiChangeShowsInTheViewModelAfterARefresh) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    const PhiApi api(engine);
    int changes = 0;
    QObject::connect(&vm, &PhiViewModel::changed, [&] { ++changes; });

    const api::Response r =
        api.update(QJsonObject{{"mode", "audio"}, {"audio", QJsonObject{{"attack_ms", 300}}}});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_DOUBLE_EQ(vm.attackMs(), 20.0) << "not yet: the view-model asks at its own rate";
    vm.refresh();
    EXPECT_DOUBLE_EQ(vm.attackMs(), 300.0);
    EXPECT_EQ(vm.mode(), QStringLiteral("audio"));
    EXPECT_GE(changes, 1);

    // The 30 Hz timer picks a change up by itself.
    ASSERT_TRUE(api::updatePhi(engine, QJsonObject{{"internal", QJsonObject{{"frequency_hz", 7}}}})
                    .empty());
    QElapsedTimer timer;
    timer.start();
    while (vm.internalFrequency() != 7.0 && timer.elapsed() < 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    EXPECT_DOUBLE_EQ(vm.internalFrequency(), 7.0);
    EXPECT_LT(timer.elapsed(), 500);
}

TEST(PhiViewModel, ARefusedValueChangesNothingAndSaysWhyLikeThePut) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    const PhiApi api(engine);
    const QJsonObject before = api.document();

    EXPECT_FALSE(vm.setManualDepth(5.0));
    EXPECT_TRUE(vm.lastError().contains(QStringLiteral("manual.depth")))
        << vm.lastError().toStdString();
    EXPECT_FALSE(vm.setAttack(5.0));
    EXPECT_FALSE(vm.setMode(QStringLiteral("theremin")));
    EXPECT_FALSE(vm.lastError().isEmpty());
    EXPECT_EQ(api.document()["manual"], before["manual"]);
    EXPECT_EQ(api.document()["mode"], before["mode"]);
    EXPECT_EQ(api.document()["audio"].toObject()["attack_ms"], 20.0);
    // The same patch over the API's PUT handler is refused too.
    EXPECT_NE(api.update(QJsonObject{{"manual", QJsonObject{{"depth", 5.0}}}}).status, 200);

    EXPECT_TRUE(vm.setManualDepth(1.0));
    EXPECT_TRUE(vm.lastError().isEmpty()) << "an accepted edit clears the message";
}

TEST(PhiViewModel, TheMidiPortChoiceIsTheApisAndThePortListIsTheRoutes) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    const PhiApi api(engine);
    EXPECT_EQ(vm.midiPort(), QString());
    EXPECT_FALSE(vm.midiConnected());
    EXPECT_EQ(vm.midiCc1(), -1);
    EXPECT_FALSE(vm.midiActive());

    // A port that does not exist (yet) is accepted and shown as asked for, not connected.
    EXPECT_TRUE(vm.setMidiPort(QStringLiteral("nowhere:out")));
    EXPECT_EQ(api.document()["midi"].toObject()["port"].toString(), "nowhere:out");
    EXPECT_EQ(vm.midiPort(), QStringLiteral("nowhere:out"));
    EXPECT_FALSE(vm.midiConnected());
    // Closed through the API: the view-model shows it after its refresh.
    ASSERT_EQ(api.update(QJsonObject{{"midi", QJsonObject{{"port", QJsonValue()}}}}).status, 200);
    vm.refresh();
    EXPECT_EQ(vm.midiPort(), QString());

    // The chooser's list is what GET /api/phi/midi/ports serves (read off the GUI thread).
    bool listed = false;
    QObject::connect(&vm, &PhiViewModel::midiPortsChanged, [&] { listed = true; });
    vm.refreshMidiPorts();
    const QJsonObject ports = api::midiPorts(engine);
    if (!ports["ports"].toArray().isEmpty() || !ports["api"].toString().isEmpty())
        ASSERT_TRUE(test::waitUntil([&] { return listed; }));
    gui.backend.waitForHandlers();
    QCoreApplication::processEvents();
    QStringList expected;
    for (const QJsonValue& port : ports["ports"].toArray()) expected << port.toString();
    EXPECT_EQ(vm.midiPorts(), expected);
    EXPECT_EQ(vm.midiApi(), ports["api"].toString());
}

TEST(PhiViewModel, TheRateSliderIsLogarithmicFromAHundredthOfAHertzToTen) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    PhiViewModel vm(gui.backend);
    ASSERT_TRUE(vm.setInternalFrequencyPosition(0.0));
    EXPECT_DOUBLE_EQ(vm.internalFrequency(), 0.01);
    ASSERT_TRUE(vm.setInternalFrequencyPosition(1.0));
    EXPECT_DOUBLE_EQ(vm.internalFrequency(), 10.0);
    ASSERT_TRUE(vm.setInternalFrequencyPosition(2.0 / 3.0));
    EXPECT_DOUBLE_EQ(vm.internalFrequency(), 1.0) << "a decade per third";
    EXPECT_NEAR(vm.internalFrequencyPosition(), 2.0 / 3.0, 1e-9);
    ASSERT_TRUE(vm.setInternalFrequency(0.1));
    EXPECT_NEAR(vm.internalFrequencyPosition(), 1.0 / 3.0, 1e-9);
}

}  // namespace
}  // namespace soundlab
