// The Latency tab itself (qml/LatencyPanel.qml) in an offscreen window over the real
// LatencyViewModel and API server, on the virtual device's loop (1234.37 samples, 20 dB SNR):
// the Calibrate button starts a run that the API shows, the panel shows its verdict and figures
// and fills the drift chart, a value typed out of range shows the API's message, and QML says
// nothing (no binding errors, no warnings).
#include "ApiTestSupport.h"
#include "LatencyLoopTest.h"

#include <gtest/gtest.h>
#include <QApplication>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQmlError>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <QXYSeries>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace soundlab {
namespace {

using namespace api::test;

class LatencyPanelTest : public test::LatencyLoopTest {
protected:
    void SetUp() override {
        LatencyLoopTest::SetUp();
        qml = std::make_unique<QQmlEngine>();
        QObject::connect(qml.get(), &QQmlEngine::warnings, [this](const QList<QQmlError>& list) {
            for (const QQmlError& e : list) warnings << e.toString();
        });
        QQmlComponent component(qml.get(), QUrl(QStringLiteral("qrc:/Soundlab/LatencyPanel.qml")));
        panel.reset(qobject_cast<QQuickItem*>(component.createWithInitialProperties(
            {{QStringLiteral("latency"), QVariant::fromValue(vm.get())}})));
        ASSERT_TRUE(panel) << component.errorString().toStdString();
        window.resize(960, 600);  // the app's default window, less its tool and tab bars
        panel->setParentItem(window.contentItem());
        panel->setSize(window.size());
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    }
    void TearDown() override {
        panel.reset();
        qml.reset();
        LatencyLoopTest::TearDown();
    }

    template <typename T = QQuickItem>
    T* item(const char* name) {
        T* found = panel->findChild<T*>(QLatin1String(name));
        EXPECT_TRUE(found) << name;
        return found;
    }
    QString text(const char* name) { return item(name)->property("text").toString(); }
    void click(const char* name) {
        QQuickItem* target = item(name);
        const QPointF centre = target->mapToScene({target->width() / 2, target->height() / 2});
        QTest::mouseClick(&window, Qt::LeftButton, {}, centre.toPoint());
    }
    // Types into the focused field and presses Enter (QTest::keyClicks takes widgets only).
    void typeAndEnter(const char* text) {
        QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier);  // replaces what is there
        for (const char* c = text; *c; ++c) QTest::keyClick(&window, *c);
        QTest::keyClick(&window, Qt::Key_Return);
    }
    QXYSeries* chartSeries(int index) {
        QAbstractSeries* series = nullptr;
        QMetaObject::invokeMethod(item("driftChart"), "series", Q_RETURN_ARG(QAbstractSeries*, series),
                                  Q_ARG(int, index));
        return qobject_cast<QXYSeries*>(series);
    }

    std::unique_ptr<QQmlEngine> qml;
    QQuickWindow window;
    std::unique_ptr<QQuickItem> panel;
    QStringList warnings;
};

TEST_F(LatencyPanelTest, TheCalibrateButtonMeasuresTheLoopAndThePanelShowsIt) {
    EXPECT_EQ(text("verdictLabel"), QStringLiteral("none"));
    click("calibrateButton");
    // The run is the API's: /api/latency/stats shows it running, then done.
    const QJsonObject started = http->get("/api/latency/stats").json();
    EXPECT_EQ(started["last_calibration"].toObject()["state"].toString(), QStringLiteral("running"))
        << "the button started a calibration";
    EXPECT_FALSE(item("calibrateButton")->isEnabled()) << "disabled while one runs";
    ASSERT_TRUE(waitFor(
        [&] {
            return http->get("/api/latency/stats").json()["last_calibration"].toObject()["state"] ==
                   QStringLiteral("done");
        },
        20000));
    // The panel follows at its next ticks.
    ASSERT_TRUE(waitFor([&] { return text("verdictLabel") == QStringLiteral("ok"); }));
    EXPECT_TRUE(item("calibrateButton")->isEnabled());
    EXPECT_EQ(text("roundTripLabel"), QStringLiteral("%1 ms").arg(kDelay / 48.0, 0, 'f', 2));
    EXPECT_EQ(text("roundTripLabel"), QStringLiteral("25.72 ms"));
    // The drift chart has a point per refresh in both lines.
    QXYSeries* drift = chartSeries(0);
    QXYSeries* ppm = chartSeries(1);
    ASSERT_TRUE(drift && ppm);
    EXPECT_GT(drift->count(), 5);
    EXPECT_EQ(drift->count(), ppm->count());
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join('\n').toStdString();
}

TEST_F(LatencyPanelTest, AnOffsetTypedOutOfRangeShowsTheApisMessageAndChangesNothing) {
    const HttpReply refused = http->post("/api/latency/compensation/set?offset_ms=500");
    ASSERT_EQ(refused.status, 422);
    EXPECT_FALSE(item("errorLabel")->isVisible()) << "no banner before a refusal";

    click("compensationField");
    typeAndEnter("500");

    EXPECT_EQ(text("errorLabel"),
              refused.json()["error"].toObject()["message"].toString());
    EXPECT_TRUE(item("errorLabel")->isVisible());
    EXPECT_EQ(http->get("/api/latency/current").json()["compensation_offset_ms"].toDouble(), 0.0);
    EXPECT_EQ(text("compensationField"), QStringLiteral("0.0")) << "the API's value again";

    // A value within the range is applied, and the banner goes.
    click("compensationField");
    typeAndEnter("25.7");
    EXPECT_EQ(http->get("/api/latency/current").json()["compensation_offset_ms"].toDouble(), 25.7);
    EXPECT_FALSE(item("errorLabel")->isVisible());
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join('\n').toStdString();
}

}  // namespace
}  // namespace soundlab

// A GUI application (QtCharts' ChartView needs the widgets one, as in the app) on the offscreen
// platform with the software renderer: no display, no GPU.
int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
