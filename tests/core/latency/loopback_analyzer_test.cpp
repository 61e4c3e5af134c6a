// LoopbackAnalyzer on recordings made without audio: the probe delayed by a known (integer or
// fractional) number of samples, with noise, inverted, clipped, or not there at all.

#include "audio/LoopbackDelayLine.h"
#include "latency/LoopbackAnalyzer.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

using namespace soundlab;
using namespace soundlab::latency;

namespace {

constexpr double kRate = 48000.0;

ProbeSignal probe() {
    SweepSettings s;
    s.sampleRate = kRate;
    return makeSweep(s);
}

// The recording window the calibrator uses: the probe plus 0.5 s.
size_t window(const ProbeSignal& p) {
    return p.samples.size() + size_t(0.5 * kRate);
}

// An exact band-limited delay: a phase shift e^{−iωd} of the zero-padded signal's spectrum.
std::vector<float> delayBySpectrum(const std::vector<float>& x, double delay, size_t length) {
    size_t n = 1;
    while (n < 2 * length) n <<= 1;
    std::vector<double> buffer(n, 0.0);
    std::copy(x.begin(), x.end(), buffer.begin());
    std::vector<std::complex<double>> spectrum(n / 2 + 1);
    auto* bins = reinterpret_cast<fftw_complex*>(spectrum.data());
    fftw_plan forward = fftw_plan_dft_r2c_1d(int(n), buffer.data(), bins, FFTW_ESTIMATE);
    fftw_plan inverse = fftw_plan_dft_c2r_1d(int(n), bins, buffer.data(), FFTW_ESTIMATE);
    fftw_execute(forward);
    for (size_t k = 0; k < spectrum.size(); ++k)
        spectrum[k] *= std::polar(1.0 / double(n), -2.0 * M_PI * double(k) * delay / double(n));
    spectrum.back() = 0.0;  // Nyquist: a fractional shift has no real value there
    fftw_execute(inverse);
    fftw_destroy_plan(forward);
    fftw_destroy_plan(inverse);
    return std::vector<float>(buffer.begin(), buffer.begin() + long(length));
}

// White noise at `snrDb` below a −6 dBFS sine (the probe's level), as the virtual device adds.
void addNoise(std::vector<float>& x, double snrDb, unsigned seed) {
    std::mt19937 random(seed);
    std::normal_distribution<double> normal(0.0,
                                            0.5 / std::sqrt(2.0) * std::pow(10.0, -snrDb / 20));
    for (float& v : x) v += float(normal(random));
}

std::vector<float> integerDelay(const std::vector<float>& x, size_t delay, size_t length,
                                float gain = 1.0f) {
    std::vector<float> y(length, 0.0f);
    for (size_t i = 0; i < x.size() && i + delay < length; ++i) y[i + delay] = gain * x[i];
    return y;
}

}  // namespace

TEST(LoopbackAnalyzer, DigitalLoopbackIsExact) {
    const ProbeSignal p = probe();
    for (size_t delay : {128u, 256u, 512u, 1234u, 20000u}) {
        const LoopbackResult r =
            LoopbackAnalyzer::analyze(p, integerDelay(p.samples, delay, window(p)));
        ASSERT_TRUE(r.roundTripSamples) << delay;
        EXPECT_NEAR(*r.roundTripSamples, double(delay), 0.01) << delay;
        EXPECT_EQ(r.verdict, Verdict::Ok);
        EXPECT_EQ(r.polarity, 1);
        EXPECT_GT(r.quality, 0.99);
    }
}

TEST(LoopbackAnalyzer, FractionalDelayAt20dBSnrWithin5Hundredths) {
    const ProbeSignal p = probe();
    unsigned seed = 1;
    for (double delay : {1234.37, 1234.5, 777.91, 3000.03}) {
        std::vector<float> y = delayBySpectrum(p.samples, delay, window(p));
        addNoise(y, 20.0, seed++);
        const LoopbackResult r = LoopbackAnalyzer::analyze(p, y);
        ASSERT_TRUE(r.roundTripSamples) << delay;
        EXPECT_NEAR(*r.roundTripSamples, delay, 0.05) << delay;
        EXPECT_EQ(r.verdict, Verdict::Ok) << "peak-to-noise " << r.peakToNoiseDb << " dB";
        EXPECT_GT(r.quality, 0.5);
    }
}

TEST(LoopbackAnalyzer, WindowedSincDelayLineIsMeasuredToItsFraction) {
    // The virtual device's loopback cable, fed block by block as the device does.
    const ProbeSignal p = probe();
    const double delay = 1234.37;
    LoopbackDelayLine line;
    constexpr int kBlock = 256;
    line.prepare(delay, kBlock);
    std::vector<float> recording(window(p));
    for (size_t at = 0; at < recording.size(); at += kBlock) {
        const int frames = int(std::min<size_t>(kBlock, recording.size() - at));
        line.read(recording.data() + at, frames);
        std::vector<float> out(size_t(frames), 0.0f);
        for (int i = 0; i < frames; ++i)
            if (at + size_t(i) < p.samples.size()) out[size_t(i)] = p.samples[at + size_t(i)];
        line.write(out.data(), frames);
    }
    const LoopbackResult r = LoopbackAnalyzer::analyze(p, recording);
    ASSERT_TRUE(r.roundTripSamples);
    EXPECT_NEAR(*r.roundTripSamples, delay, 0.01);
}

TEST(LoopbackAnalyzer, InvertedLoopIsReportedAndStillMeasured) {
    const ProbeSignal p = probe();
    const LoopbackResult r =
        LoopbackAnalyzer::analyze(p, integerDelay(p.samples, 300, window(p), -1.0f));
    EXPECT_EQ(r.verdict, Verdict::Inverted);
    EXPECT_EQ(r.polarity, -1);
    ASSERT_TRUE(r.roundTripSamples);
    EXPECT_NEAR(*r.roundTripSamples, 300.0, 0.01);
}

TEST(LoopbackAnalyzer, ClippedLoopIsReported) {
    const ProbeSignal p = probe();
    std::vector<float> y = integerDelay(p.samples, 700, window(p), 4.0f);
    for (float& v : y) v = std::clamp(v, -1.0f, 1.0f);
    const LoopbackResult r = LoopbackAnalyzer::analyze(p, y);
    EXPECT_EQ(r.verdict, Verdict::Clipping);
    EXPECT_GE(r.clippedSamples, LoopbackAnalyzer::kClippedToReport);
    EXPECT_DOUBLE_EQ(r.inputPeak, 1.0);
}

TEST(LoopbackAnalyzer, WhatTheLoopCarriedBeforeTheProbeDoesNotCount) {
    // On a live stream the input first holds the engine's output fed back before the probe was
    // played: here full-scale clipped noise until the probe returns.
    const ProbeSignal p = probe();
    const size_t delay = 2000;
    std::vector<float> y = integerDelay(p.samples, delay, window(p));
    std::mt19937 random(5);
    std::uniform_real_distribution<float> loud(-3.0f, 3.0f);
    for (size_t i = 0; i < delay; ++i) y[i] = std::clamp(loud(random), -1.0f, 1.0f);
    const LoopbackResult r = LoopbackAnalyzer::analyze(p, y);
    EXPECT_EQ(r.verdict, Verdict::Ok) << r.peakToNoiseDb << " dB, " << r.clippedSamples;
    ASSERT_TRUE(r.roundTripSamples);
    EXPECT_NEAR(*r.roundTripSamples, double(delay), 0.01);
    EXPECT_NEAR(r.inputPeak, 0.5, 0.01);
}

TEST(LoopbackAnalyzer, NothingComingBackIsNoSignal) {
    const ProbeSignal p = probe();
    const size_t n = window(p);
    std::vector<float> silence(n, 0.0f);
    EXPECT_EQ(LoopbackAnalyzer::analyze(p, silence).verdict, Verdict::NoSignal);
    EXPECT_FALSE(LoopbackAnalyzer::analyze(p, silence).roundTripSamples);

    std::vector<float> sine(n);
    for (size_t i = 0; i < n; ++i)
        sine[i] = 0.5f * float(std::sin(2 * M_PI * 440.0 * double(i) / kRate));
    const LoopbackResult r = LoopbackAnalyzer::analyze(p, sine);
    EXPECT_EQ(r.verdict, Verdict::NoSignal) << r.peakToNoiseDb << " dB";

    std::vector<float> noise(n, 0.0f);
    addNoise(noise, 0.0, 7);
    const LoopbackResult rn = LoopbackAnalyzer::analyze(p, noise);
    EXPECT_EQ(rn.verdict, Verdict::NoSignal) << rn.peakToNoiseDb << " dB";
    EXPECT_LT(rn.quality, LoopbackAnalyzer::kNoSignalDb / 60.0);
}

TEST(LoopbackAnalyzer, QualityFallsWithTheSnr) {
    const ProbeSignal p = probe();
    double previous = 2.0;
    for (double snr : {40.0, 20.0, 0.0, -20.0}) {
        std::vector<float> y = delayBySpectrum(p.samples, 1000.25, window(p));
        addNoise(y, snr, 3);
        const LoopbackResult r = LoopbackAnalyzer::analyze(p, y);
        std::printf("SNR %5.1f dB: peak-to-noise %6.1f dB, quality %.3f, verdict %s, error %.4f\n",
                    snr, r.peakToNoiseDb, r.quality, verdictName(r.verdict),
                    r.roundTripSamples ? *r.roundTripSamples - 1000.25 : NAN);
        EXPECT_LT(r.quality, previous + 1e-9);
        previous = r.quality;
    }
}

TEST(LoopbackAnalyzer, AFaintLoopIsNoisyButMeasured) {
    // The probe back at −26 dB under noise 20 dB below the probe's level: −6 dB SNR.
    const ProbeSignal p = probe();
    std::vector<float> y = integerDelay(p.samples, 900, window(p), 0.05f);
    addNoise(y, 20.0, 11);
    const LoopbackResult r = LoopbackAnalyzer::analyze(p, y);
    EXPECT_EQ(r.verdict, Verdict::Noisy) << r.peakToNoiseDb << " dB";
    ASSERT_TRUE(r.roundTripSamples);
    EXPECT_NEAR(*r.roundTripSamples, 900.0, 0.1);
}
