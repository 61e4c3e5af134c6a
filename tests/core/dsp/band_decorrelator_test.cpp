#include "dsp/BandDecorrelator.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <complex>

namespace soundlab::dsp::test {
namespace {

// The response of both chains to an impulse, by a direct DFT at one frequency: band 0 runs
// chain A, band 1 chain B.
std::array<std::complex<double>, 2> responsesAt(double frequency, double rate) {
    BandDecorrelator decorrelator;
    decorrelator.prepare(rate);
    const size_t length = size_t(rate / 4);  // the 40 Hz pole decays in 4 ms
    std::array<std::complex<double>, 2> sum{};
    std::vector<float> impulse(BandDecorrelator::kChunk, 0.0f);
    impulse[0] = 1.0f;
    const std::complex<double> step = std::polar(1.0, -2.0 * std::numbers::pi * frequency / rate);
    std::complex<double> rotation = 1.0;
    std::vector<float> silence(BandDecorrelator::kChunk, 0.0f);
    for (size_t start = 0; start < length; start += BandDecorrelator::kChunk) {
        const float* in[N];
        for (int k = 0; k < N; ++k) in[k] = start == 0 ? impulse.data() : silence.data();
        const auto& out = decorrelator.process(in, BandDecorrelator::kChunk);
        for (int n = 0; n < BandDecorrelator::kChunk; ++n) {
            sum[0] += double(out[0][n]) * rotation;
            sum[1] += double(out[1][n]) * rotation;
            rotation *= step;
        }
    }
    return sum;
}

// What `spatial` relies on (issue 9): where neighbouring crossover bands overlap (125 Hz …
// 9.5 kHz), even and odd bands are turned at least 60° apart, so panned apart they do not
// cancel in L − R; and both chains are allpasses, so no band changes level.
TEST(BandDecorrelator, EvenAndOddBandsAreInQuadratureAcrossTheCrossoversAndKeepTheirLevel) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        double smallest = 180.0;
        double largest = 0.0;
        for (double f = 100.0; f <= 12000.0; f *= 1.1) {
            const auto h = responsesAt(f, rate);
            EXPECT_NEAR(std::abs(h[0]), 1.0, 1e-3) << rate << " Hz rate, " << f << " Hz";
            EXPECT_NEAR(std::abs(h[1]), 1.0, 1e-3) << rate << " Hz rate, " << f << " Hz";
            const double degrees = std::abs(std::arg(h[0] / h[1])) * 180.0 / std::numbers::pi;
            smallest = std::min(smallest, degrees);
            largest = std::max(largest, degrees);
        }
        EXPECT_GE(smallest, 60.0) << rate;
        EXPECT_LE(largest, 120.0) << rate;
        RecordProperty("phase_difference_" + std::to_string(int(rate)),
                       std::to_string(smallest) + " .. " + std::to_string(largest));
    }
}

TEST(BandDecorrelator, ANullChannelIsSilenceAndResetForgetsThePast) {
    BandDecorrelator decorrelator;
    std::vector<float> ones(64, 1.0f);
    const float* in[N] = {};
    in[3] = ones.data();
    decorrelator.process(in, 64);
    decorrelator.reset();
    const float* none[N] = {};
    const auto& out = decorrelator.process(none, 64);
    for (int k = 0; k < N; ++k)
        for (int n = 0; n < 64; ++n) ASSERT_EQ(out[k][n], 0.0f) << k << " " << n;
}

}  // namespace
}  // namespace soundlab::dsp::test
