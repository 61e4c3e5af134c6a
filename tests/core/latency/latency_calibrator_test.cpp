// LatencyCalibrator on the live stream of the virtual device: its loopback cable with a
// fractional delay, noise, an inverted or clipping gain, or no cable at all; and a stream
// restarted or stopped while a calibration runs.

#include "RecordingCallback.h"
#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"

#include <gtest/gtest.h>

#include <memory>

using namespace soundlab;
using namespace soundlab::latency;

namespace {

using CalibrationRun = LatencyCalibrator::Run;

class VirtualLoopCalibration : public ::testing::Test {
protected:
    void startVirtual(std::optional<double> delay, double gain = 1.0,
                      std::optional<double> snrDb = std::nullopt) {
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        config.blockSize = 256;
        config.virtualDevice.loopbackDelaySamples = delay;
        config.virtualDevice.loopbackGain = gain;
        config.virtualDevice.loopbackSnrDb = snrDb;
        if (!delay) config.virtualDevice.input = QStringLiteral("silence");
        ASSERT_FALSE(engine_.configure(config));
        const auto error = engine_.start();
        ASSERT_FALSE(error) << error->message.toStdString();
    }

    // Starts a calibration and waits for it to end.
    std::shared_ptr<const CalibrationRun> calibrate() {
        const auto start = calibrator_.start();
        EXPECT_TRUE(start.run) << start.message.toStdString();
        if (!start.run) return nullptr;
        EXPECT_EQ(start.run->state, CalibrationRun::State::Running);
        EXPECT_TRUE(test::waitFor([&] { return !calibrator_.running(); }, 15000));
        auto run = calibrator_.latest();
        EXPECT_EQ(run->id, start.run->id);
        return run;
    }

    AudioEngine engine_;
    LatencyCalibrator calibrator_{engine_};
};

}  // namespace

TEST_F(VirtualLoopCalibration, FractionalDelayAt20dBSnrWithinFiveHundredthsOfASample) {
    startVirtual(1234.37, 1.0, 20.0);
    for (int i = 0; i < 2; ++i) {
        const auto run = calibrate();
        ASSERT_TRUE(run && run->result) << (run ? run->error.toStdString() : "");
        ASSERT_TRUE(run->result->roundTripSamples);
        EXPECT_NEAR(*run->result->roundTripSamples, 1234.37, 0.05);
        EXPECT_EQ(run->result->verdict, Verdict::Ok);
        EXPECT_GT(run->result->quality, 0.8);
        EXPECT_EQ(run->state, CalibrationRun::State::Done);
        EXPECT_TRUE(run->succeeded());
    }
    EXPECT_EQ(calibrator_.completedRuns(), 2u);
    EXPECT_TRUE(engine_.isRunning()) << "the stream never stops";
}

TEST_F(VirtualLoopCalibration, IntegerDelayIsExact) {
    startVirtual(700.0);
    const auto run = calibrate();
    ASSERT_TRUE(run && run->result && run->result->roundTripSamples);
    EXPECT_NEAR(*run->result->roundTripSamples, 700.0, 0.01);
    EXPECT_EQ(run->result->verdict, Verdict::Ok);
}

TEST_F(VirtualLoopCalibration, NoLoopbackIsNoSignal) {
    startVirtual(std::nullopt);
    const auto run = calibrate();
    ASSERT_TRUE(run && run->result);
    EXPECT_EQ(run->result->verdict, Verdict::NoSignal);
    EXPECT_FALSE(run->result->roundTripSamples);
    EXPECT_FALSE(run->succeeded());
    EXPECT_FALSE(calibrator_.lastSuccess());
}

TEST_F(VirtualLoopCalibration, InvertedLoopIsDetected) {
    startVirtual(600.0, -1.0);
    const auto run = calibrate();
    ASSERT_TRUE(run && run->result && run->result->roundTripSamples);
    EXPECT_EQ(run->result->verdict, Verdict::Inverted);
    EXPECT_EQ(run->result->polarity, -1);
    EXPECT_NEAR(*run->result->roundTripSamples, 600.0, 0.01);
}

TEST_F(VirtualLoopCalibration, ClippedLoopIsDetected) {
    startVirtual(600.0, 4.0);
    const auto run = calibrate();
    ASSERT_TRUE(run && run->result);
    EXPECT_EQ(run->result->verdict, Verdict::Clipping);
    EXPECT_FALSE(run->succeeded()) << "a clipped figure does not count as calibrated";
}

TEST_F(VirtualLoopCalibration, ASecondStartWhileOneRunsIsRefused) {
    startVirtual(600.0);
    const auto first = calibrator_.start();
    ASSERT_TRUE(first.run);
    const auto second = calibrator_.start();
    EXPECT_FALSE(second.run);
    EXPECT_EQ(second.refusal, LatencyCalibrator::Refusal::Busy);
    EXPECT_TRUE(second.message.contains(QStringLiteral("already running")));
    ASSERT_TRUE(test::waitFor([&] { return !calibrator_.running(); }, 15000));
    EXPECT_EQ(calibrator_.latest()->id, first.run->id);
    EXPECT_EQ(calibrator_.latest()->state, CalibrationRun::State::Done);
}

TEST_F(VirtualLoopCalibration, RefusedWithoutAudio) {
    const auto start = calibrator_.start();
    EXPECT_FALSE(start.run);
    EXPECT_EQ(start.refusal, LatencyCalibrator::Refusal::AudioNotRunning);
}

TEST_F(VirtualLoopCalibration, StreamRestartDuringACalibrationFailsCleanly) {
    startVirtual(600.0);
    const auto start = calibrator_.start();
    ASSERT_TRUE(start.run);
    // The probe is armed or playing (the chain's probe slot is taken).
    ASSERT_TRUE(test::waitFor([&] { return !engine_.chain().probe().idle(); }, 5000));
    // A device change restarts the stream under the running measurement.
    ASSERT_FALSE(engine_.updateConfig([](StreamConfig& c) { c.blockSize = 512; }));
    ASSERT_TRUE(test::waitFor([&] { return !calibrator_.running(); }, 15000));
    const auto run = calibrator_.latest();
    EXPECT_EQ(run->state, CalibrationRun::State::Failed);
    EXPECT_FALSE(run->error.isEmpty());
    EXPECT_FALSE(run->result);
    EXPECT_TRUE(engine_.isRunning());
    // The next one runs on the new stream.
    const auto next = calibrate();
    ASSERT_TRUE(next && next->result && next->result->roundTripSamples)
        << next->error.toStdString();
    EXPECT_NEAR(*next->result->roundTripSamples, 600.0, 0.01);
    EXPECT_EQ(next->stream.blockSize, 512);
}

TEST_F(VirtualLoopCalibration, StoppingTheStreamDuringACalibrationFailsCleanly) {
    startVirtual(600.0);
    ASSERT_TRUE(calibrator_.start().run);
    ASSERT_TRUE(test::waitFor([&] { return !engine_.chain().probe().idle(); }, 5000));
    engine_.stop();
    ASSERT_TRUE(test::waitFor([&] { return !calibrator_.running(); }, 15000));
    EXPECT_EQ(calibrator_.latest()->state, CalibrationRun::State::Failed);
    EXPECT_FALSE(calibrator_.latest()->error.isEmpty());
}
