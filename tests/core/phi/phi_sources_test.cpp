// The Φ sources on their own: envelope time constants, the internal oscillator, sensor mappings.

#include "phi/AudioSource.h"
#include "phi/InternalSource.h"
#include "phi/SensorSource.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace soundlab::phi;

namespace {

// Feeds a unit step in blocks of `block` and returns the time (s) at which the envelope first
// reaches `level`, interpolated between the block ends where it crossed (the envelope is
// evaluated per sample, so the block end is as good a place to read it as any).
double timeToReach(AudioSource& source, double rate, int block, double level, double limitS) {
    std::vector<float> ones(size_t(block), 1.0f);
    double previous = source.envelope();
    int64_t frames = 0;
    while (double(frames) / rate < limitS) {
        source.process(ones.data(), block);
        const double now = source.envelope();
        if (now >= level) {
            // The one-pole's exact curve between the two readings: 1 − e^(−n/τ). Interpolating
            // in the log domain keeps the result exact for any block length.
            const double a = std::log(1.0 - previous), b = std::log(1.0 - now);
            const double fraction = (std::log(1.0 - level) - a) / (b - a);
            return (double(frames) + fraction * block) / rate;
        }
        previous = now;
        frames += block;
    }
    return -1.0;
}

}  // namespace

TEST(PhiAudioSource, StepReachesOneMinusOneOverEAtTheAttackTimeAtEveryBlockSizeAndRate) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (int block : {64, 128, 256, 512, 1024, 2048}) {
            for (double attackMs : {10.0, 20.0, 100.0, 500.0}) {
                AudioSource source;
                source.prepare(rate);
                source.setTimes(attackMs, 100.0);
                const double t = timeToReach(source, rate, block, 1.0 - 1.0 / std::exp(1.0), 2.0);
                EXPECT_NEAR(t, attackMs * 1e-3, 0.05 * attackMs * 1e-3)
                    << "rate " << rate << " block " << block << " attack " << attackMs;
            }
        }
    }
}

TEST(PhiAudioSource, ReleaseFallsToOneOverEAtTheReleaseTime) {
    for (int block : {64, 2048}) {
        AudioSource source;
        source.prepare(48000.0);
        source.setTimes(10.0, 200.0);
        std::vector<float> ones(48000, 1.0f), zeros(size_t(block), 0.0f);
        source.process(ones.data(), int(ones.size()));  // 1 s ≫ 10 ms: settled at 1
        ASSERT_NEAR(source.envelope(), 1.0, 1e-9);
        int frames = 0;
        while (source.envelope() > 1.0 / std::exp(1.0)) {
            source.process(zeros.data(), block);
            frames += block;
        }
        // The crossing lies within the last block.
        EXPECT_GE(frames / 48000.0, 0.2 - 0.01);
        EXPECT_LE((frames - block) / 48000.0, 0.2 + 0.01);
    }
}

TEST(PhiAudioSource, DepthIsTwoPhiTimesTheEnvelopeClampedToPhi) {
    AudioSource source;
    source.prepare(48000.0);
    source.setTimes(10.0, 10.0);
    std::vector<float> quarter(48000, 0.25f);
    source.process(quarter.data(), int(quarter.size()));
    EXPECT_NEAR(source.output().depth, 2.0 * soundlab::dsp::kPhi * 0.25, 1e-6);
    std::vector<float> loud(48000, -0.9f);  // full-wave: the sign does not matter
    source.process(loud.data(), int(loud.size()));
    EXPECT_NEAR(source.output().depth, soundlab::dsp::kPhi, 1e-12);
}

TEST(PhiInternalSource, RunsAtItsFrequencyWithTheSpecDepth) {
    for (int block : {64, 512, 2048}) {
        InternalSource source;
        source.prepare(48000.0);
        source.setFrequency(2.0);
        // 0.125 s at 2 Hz: a quarter turn.
        int frames = 0;
        while (frames < 6000) {
            const int n = std::min(block, 6000 - frames);
            source.advance(n);
            frames += n;
        }
        EXPECT_NEAR(source.output().phase, kPi / 2, 1e-9) << block;
        EXPECT_NEAR(source.output().depth, 0.6 + 0.3, 1e-9);
    }
}

TEST(PhiSensorSource, GsrDrivesDepthHeartRateThePhaseRateAccelXTheOffset) {
    SensorSource source;
    source.prepare(48000.0);
    EXPECT_EQ(source.output().depth, 0.0) << "no reading yet";
    SensorValues v;
    v.present = true;
    v.gsr = 0.5;
    v.heartRateBpm = 120.0;  // 2 Hz
    source.set(v);
    source.advance(6000);  // 0.125 s: a quarter turn
    EXPECT_NEAR(source.output().depth, 0.5 * soundlab::dsp::kPhi, 1e-12);
    EXPECT_NEAR(source.output().phase, kPi / 2, 1e-9);
    v.accelX = 0.5;  // + π/2
    source.set(v);
    EXPECT_NEAR(source.output().phase, kPi, 1e-9);
}
