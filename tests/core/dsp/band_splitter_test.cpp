#include "dsp/BandSplitter.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <complex>

namespace soundlab::dsp::test {
namespace {

const double kRates[] = {44100.0, 48000.0, 96000.0};

// Runs `input` through a fresh splitter; returns the eight bands, band k in out[k].
Channels split(BandSplitter& splitter, const std::vector<float>& input, int block = 512) {
    Channels out;
    for (auto& band : out) band.resize(input.size());
    std::vector<float> interleaved(size_t(block) * N);
    for (size_t start = 0; start < input.size(); start += size_t(block)) {
        const int frames = int(std::min<size_t>(size_t(block), input.size() - start));
        splitter.process(input.data() + start, frames, interleaved.data());
        for (int n = 0; n < frames; ++n)
            for (int k = 0; k < N; ++k) out[k][start + size_t(n)] = interleaved[size_t(n) * N + k];
    }
    return out;
}

std::vector<float> sumOf(const Channels& bands) {
    std::vector<float> sum(bands[0].size(), 0.0f);
    for (const auto& band : bands)
        for (size_t n = 0; n < sum.size(); ++n) sum[n] += band[n];
    return sum;
}

// |H(f)| of an impulse response, by a direct DFT at one frequency (double precision).
double magnitudeAt(const std::vector<float>& impulseResponse, double frequency, double rate) {
    std::complex<double> sum = 0.0;
    const std::complex<double> step = std::polar(1.0, -2.0 * std::numbers::pi * frequency / rate);
    std::complex<double> rotation = 1.0;
    for (size_t n = 0; n < impulseResponse.size(); ++n) {
        sum += double(impulseResponse[n]) * rotation;
        rotation *= step;
        if (n % 1024 == 0) rotation /= std::abs(rotation);  // keep |rotation| = 1
    }
    return std::abs(sum);
}

TEST(BandSplitter, CrossoverFrequenciesFollowTheGoldenRatio) {
    const double expected[] = {125, 257, 530, 1090, 2243, 4617, 9502};
    for (int i = 0; i < 7; ++i) {
        EXPECT_NEAR(BandSplitter::crossoverFrequency(i), expected[i], 0.5) << i;
    }
}

// The system is linear and time-invariant, so its impulse response gives exactly the transfer
// function white noise would measure; white noise below checks the broadband power too.
TEST(BandSplitter, BandsSumToTheInputWithinATenthOfADecibel) {
    for (SimdImplementation implementation : availableImplementations())
        for (double rate : kRates) {
            SCOPED_TRACE(implementationName(implementation) + " " + std::to_string(rate));
            BandSplitter splitter;
            ASSERT_TRUE(splitter.setImplementation(implementation));
            splitter.prepare(rate);
            std::vector<float> impulse(size_t(rate / 2), 0.0f);
            impulse[0] = 1.0f;
            const std::vector<float> response = sumOf(split(splitter, impulse));
            double worst = 0.0;
            for (double f = 20.0; f <= 20000.0; f *= 1.02) {
                const double db = 20.0 * std::log10(magnitudeAt(response, f, rate));
                worst = std::max(worst, std::fabs(db));
                ASSERT_LE(std::fabs(db), 0.1) << f << " Hz";
            }
            RecordProperty("worst_sum_error_db_" + std::to_string(int(rate)),
                           std::to_string(worst));

            splitter.reset();
            const std::vector<float> noise = whiteNoise(size_t(rate), 0.5f, 3);
            const std::vector<float> sum = sumOf(split(splitter, noise));
            double inPower = 0.0;
            double outPower = 0.0;
            for (size_t n = 0; n < noise.size(); ++n) {
                inPower += double(noise[n]) * noise[n];
                outPower += double(sum[n]) * sum[n];
            }
            EXPECT_LE(std::fabs(10.0 * std::log10(outPower / inPower)), 0.1);
        }
}

TEST(BandSplitter, ASineAtABandsCentreLandsInThatBand) {
    for (double rate : kRates)
        for (int k = 0; k < N; ++k) {
            BandSplitter splitter;
            splitter.prepare(rate);
            const double f = BandSplitter::bandCentre(k);
            std::vector<float> sine(static_cast<size_t>(rate));
            for (size_t n = 0; n < sine.size(); ++n)
                sine[n] = 0.5f * float(std::sin(2.0 * std::numbers::pi * f * double(n) / rate));
            const Channels bands = split(splitter, sine);
            const size_t settled = size_t(rate / 4);
            double total = 0.0;
            double own = 0.0;
            for (int j = 0; j < N; ++j) {
                double energy = 0.0;
                for (size_t n = settled; n < sine.size(); ++n)
                    energy += double(bands[j][n]) * bands[j][n];
                total += energy;
                if (j == k) own = energy;
            }
            EXPECT_GE(own / total, 0.6) << rate << " Hz, band " << k << " at " << f << " Hz";
        }
}

TEST(BandSplitter, Avx2AndScalarGiveTheSameBands) {
    if (!cpuSupportsAvx2Fma()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
    const std::vector<float> noise = whiteNoise(seconds(5.0), 0.8f, 5);
    BandSplitter splitters[2];
    ASSERT_TRUE(splitters[0].setImplementation(SimdImplementation::Scalar));
    ASSERT_TRUE(splitters[1].setImplementation(SimdImplementation::Avx2));
    Channels out[2];
    for (int i = 0; i < 2; ++i) {
        splitters[i].prepare(44100.0);
        out[i] = split(splitters[i], noise, 333);
    }
    float worst = 0.0f;
    for (int k = 0; k < N; ++k)
        for (size_t n = 0; n < noise.size(); ++n)
            worst = std::max(worst, std::fabs(out[0][k][n] - out[1][k][n]));
    EXPECT_LE(worst, 1e-5f);
    RecordProperty("max_difference", std::to_string(worst));
}

TEST(BandSplitter, ADecayEndsInExactSilenceWithoutDenormals) {
    for (SimdImplementation implementation : availableImplementations()) {
        BandSplitter splitter;
        ASSERT_TRUE(splitter.setImplementation(implementation));
        splitter.prepare(96000.0);
        std::vector<float> input = whiteNoise(4800, 1.0f, 8);
        input.resize(96000 * 3, 0.0f);
        const Channels bands = split(splitter, input);
        for (int k = 0; k < N; ++k) {
            for (float v : bands[k]) ASSERT_FALSE(v != 0.0f && std::fabs(v) < FLT_MIN) << k;
            EXPECT_EQ(bands[k].back(), 0.0f) << k;
        }
    }
}

TEST(BandSplitter, SplitsAboveNinetyPercentOfNyquistAreLeftOut) {
    BandSplitter splitter;
    splitter.prepare(8000.0);  // 4617 and 9502 Hz are above 0.45·fs = 3.6 kHz
    std::vector<float> impulse(8000, 0.0f);
    impulse[0] = 1.0f;
    const Channels bands = split(splitter, impulse);
    for (float v : bands[6]) ASSERT_EQ(v, 0.0f);
    for (float v : bands[7]) ASSERT_EQ(v, 0.0f);
    const std::vector<float> response = sumOf(bands);
    for (double f = 20.0; f <= 3900.0; f *= 1.05) {
        EXPECT_NEAR(20.0 * std::log10(magnitudeAt(response, f, 8000.0)), 0.0, 0.1) << f;
    }
}

}  // namespace
}  // namespace soundlab::dsp::test
