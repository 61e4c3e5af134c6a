// MetricsViewModel is a client of /api/metrics (in-process here, LocalBackend): it fills from the
// history document and then follows the frames the real analysis makes, on its own 30 Hz timer.
#include "LocalBackend.h"
#include "MetricsViewModel.h"

#include "../core/metrics/ChainDriver.h"
#include "api/MetricsRoutes.h"

#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>

#include <cmath>

namespace soundlab {
namespace {

using metrics::test::ChainDriver;

float sine1k(int64_t n) {
    return 0.5f * float(std::sin(2.0 * M_PI * 1000.0 * double(n) / 48000.0));
}

// Runs the event loop (the view-model's timer) until `done` or 5 s.
template <typename F>
bool processEventsUntil(F done) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}

// Feeds, then waits until the analysis has made every frame due by the fed position (the next
// one ends beyond it), so the analyzer's documents stay put while the test compares.
void feedAndSettle(ChainDriver& driver, double seconds,
                   const std::function<float(int64_t)>& signal) {
    driver.feed(seconds, signal);
    driver.drain();
    const int64_t step = int64_t(48000.0 / 30.0);
    for (int i = 0; i < 5000; ++i) {
        const auto latest = driver.analyzer->latest();
        if (latest && latest->samplePosition + step > driver.position()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    FAIL() << "the analysis did not catch up";
}

// The view-model over the chart routes; the routes run off the GUI thread, so the first
// history comes through the event loop.
struct ChartView {
    explicit ChartView(const metrics::MetricsAnalyzer& analyzer)
        : backend(api::metricsChartRoutes(analyzer)), vm(backend) {
        const auto latest = analyzer.latest();
        EXPECT_TRUE(latest);
        EXPECT_TRUE(processEventsUntil([&] {
            return quint64(vm.lastFrameId()) == latest->frameId;
        })) << "the first history did not come";
    }
    LocalBackend backend;
    MetricsViewModel vm;
};

void expectConsecutiveIds(const MetricsViewModel& vm) {
    const auto& points = vm.points();
    for (size_t i = 1; i < points.size(); ++i)
        ASSERT_EQ(points[i].frameId, points[i - 1].frameId + 1) << "at " << i;
}

TEST(MetricsViewModel, StartsWithTheLast30SecondsOfTheHistoryDocument) {
    ChainDriver driver;
    feedAndSettle(driver, 40.0, sine1k);
    ChartView view(*driver.analyzer);
    MetricsViewModel& vm = view.vm;

    const QJsonObject history = api::metricsHistoryJson(*driver.analyzer, 30.0);
    const QJsonArray frames = history["frames"].toArray();
    ASSERT_GT(frames.size(), 850) << "30 s at 30 Hz";
    ASSERT_EQ(vm.frameCount(), frames.size()) << "charts are full at once";
    EXPECT_EQ(vm.points().front().frameId, quint64(frames.first()["frame_id"].toInteger()));
    EXPECT_EQ(vm.points().back().frameId, quint64(frames.last()["frame_id"].toInteger()));
    EXPECT_DOUBLE_EQ(vm.points()[100].ici, frames[100]["ici"].toDouble());
    EXPECT_DOUBLE_EQ(vm.points()[100].phaseCoherence, frames[100]["phase_coherence"].toDouble());
    expectConsecutiveIds(vm);

    // The readouts are those of GET /api/metrics/latest.
    const QJsonObject latest = api::metricsFrameJson(*driver.analyzer->latest());
    EXPECT_EQ(vm.lastFrameId(), latest["frame_id"].toDouble());
    EXPECT_EQ(vm.state(), latest["state"].toString());
    EXPECT_DOUBLE_EQ(vm.spectralCentroid(), latest["spectral_centroid"].toDouble());
    EXPECT_NEAR(vm.spectralCentroid(), 1000.0, 10.0) << "a 1 kHz sine";
    EXPECT_DOUBLE_EQ(vm.levelDb(), latest["level_db"].toDouble());
    EXPECT_TRUE(vm.hasFrames());
}

TEST(MetricsViewModel, FollowsNewFramesWithoutGapsAndDropsWhatLeavesTheWindow) {
    ChainDriver driver;
    feedAndSettle(driver, 35.0, sine1k);
    ChartView view(*driver.analyzer);
    MetricsViewModel& vm = view.vm;
    const quint64 first = vm.points().back().frameId;
    const int full = vm.frameCount();

    // Silence: new frames go IDLE (level −120 dBFS, centroid 0) after the 0.5 s dwell.
    feedAndSettle(driver, 3.0, [](int64_t) { return 0.0f; });
    const quint64 target = driver.analyzer->latest()->frameId;
    ASSERT_GT(target, first + 80);
    ASSERT_TRUE(processEventsUntil([&] { return quint64(vm.lastFrameId()) == target; }))
        << "the timer follows the analysis; at " << vm.lastFrameId() << " of " << target;

    expectConsecutiveIds(vm);
    EXPECT_NEAR(vm.frameCount(), full, 2) << "still the last 30 s, not more";
    const QJsonObject latest = api::metricsFrameJson(*driver.analyzer->latest());
    EXPECT_EQ(vm.state(), QStringLiteral("IDLE"));
    EXPECT_EQ(vm.state(), latest["state"].toString());
    EXPECT_EQ(vm.spectralCentroid(), 0.0);
    EXPECT_EQ(vm.levelDb(), -120.0);

    // The timeline ends in IDLE and the band runs oldest first, up to now (0).
    const QVariantList runs = vm.stateRuns();
    ASSERT_GE(runs.size(), 2) << "the sine's state, then IDLE";
    EXPECT_EQ(runs.last().toMap()["state"].toString(), QStringLiteral("IDLE"));
    EXPECT_DOUBLE_EQ(runs.last().toMap()["to"].toDouble(), 0.0);
    for (qsizetype i = 1; i < runs.size(); ++i)
        EXPECT_GE(runs[i].toMap()["from"].toDouble(), runs[i - 1].toMap()["from"].toDouble());
}

// The state badge's "held … · … changes/min": a run the window opened in the middle of is held
// "at least" since the first frame; a change seen starts the count at its frame, and counts.
TEST(MetricsViewModel, SaysHowLongTheStateIsHeldAndHowOftenItChanged) {
    ChainDriver driver;
    feedAndSettle(driver, 35.0, sine1k);
    ChartView view(*driver.analyzer);
    MetricsViewModel& vm = view.vm;
    EXPECT_TRUE(vm.heldSinceFirstFrame()) << "the window opened in the middle of a run";
    const QVariantList openingRuns = vm.stateRuns();
    // The analysis' timestamps are stream time (its own clock), not the wall's: compare with the
    // frames' own span.
    const double span = vm.points().back().timestamp - vm.points().front().timestamp;
    if (openingRuns.size() == 1) EXPECT_GE(vm.heldSeconds(), span - 0.1);

    feedAndSettle(driver, 3.0, [](int64_t) { return 0.0f; });  // IDLE after its 0.5 s dwell
    const quint64 target = driver.analyzer->latest()->frameId;
    ASSERT_TRUE(processEventsUntil([&] { return quint64(vm.lastFrameId()) == target; }));
    ASSERT_EQ(vm.state(), QStringLiteral("IDLE"));
    EXPECT_FALSE(vm.heldSinceFirstFrame()) << "the change to IDLE was seen";
    EXPECT_GE(vm.changesPerMinute(), 1);
    // Held since IDLE's first frame, to "now" (the newest frame when it is ahead of the wall).
    double idleStart = 0.0;
    for (auto it = vm.points().rbegin(); it != vm.points().rend() && it->state == "IDLE"; ++it)
        idleStart = it->timestamp;
    EXPECT_GE(vm.heldSeconds(), vm.points().back().timestamp - idleStart - 1e-9);
    EXPECT_LT(vm.heldSeconds(), 3.0) << "less than the silence lasted";
}

TEST(MetricsViewModel, FillsTheChartLinesOnePointPerFrameWithinTheLast30Seconds) {
    ChainDriver driver;
    feedAndSettle(driver, 10.0, sine1k);
    ChartView view(*driver.analyzer);
    MetricsViewModel& vm = view.vm;
    const QList<QList<QPointF>> lines = vm.lines();
    ASSERT_EQ(lines.size(), 4);
    const auto& ici = lines[2];
    for (const auto& line : lines) ASSERT_EQ(line.size(), vm.frameCount());
    const auto& points = vm.points();
    for (qsizetype i = 0; i < ici.size(); ++i) {
        EXPECT_GE(ici[i].x(), -MetricsViewModel::kWindowSeconds);
        EXPECT_LE(ici[i].x(), 0.0);
        EXPECT_DOUBLE_EQ(ici[i].y(), points[size_t(i)].ici);
        EXPECT_DOUBLE_EQ(lines[0][i].y(), points[size_t(i)].consciousnessLevel);
        EXPECT_DOUBLE_EQ(lines[1][i].y(), points[size_t(i)].phaseCoherence);
        EXPECT_DOUBLE_EQ(lines[3][i].y(), points[size_t(i)].criticality);
    }
    // Oldest left, newest at the right edge; 1/30 s apart in x.
    EXPECT_NEAR(ici[1].x() - ici[0].x(), 1.0 / 30.0, 1e-6);
    EXPECT_LT(ici.first().x(), ici.last().x());

    // The field plot gets them as they are (its pointCount is what the GUI run checks).
    FieldPlot plot;
    vm.updatePlot(&plot);
    EXPECT_EQ(plot.pointCount(), vm.frameCount());
}

}  // namespace
}  // namespace soundlab
