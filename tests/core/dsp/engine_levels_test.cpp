// Issue 9 / SPEC §2–3: with band split the engine must be transparent at Φ depth 0 and K = 0, and
// the downmix strategies must keep the input's level, with and without band split.

#include "dsp/BandSplitter.h"
#include "dsp/ChromaticFieldEngine.h"
#include "dsp/StereoDownmix.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <complex>

namespace soundlab::dsp::test {
namespace {

const PhiInput kNoModulation{0.0f, 0.0f};

struct Stereo {
    std::vector<float> left;
    std::vector<float> right;
};

// Engine + downmix over `input` in 512-frame blocks; `toggleAt` (a multiple of 512) flips
// band_split there.
Stereo play(const std::vector<float>& input, double rate, EngineParameters engineParameters,
            DownmixStrategy strategy, size_t toggleAt = SIZE_MAX) {
    constexpr int kBlock = 512;
    ChromaticFieldEngine engine;
    engine.setParameters(engineParameters);
    engine.prepare(rate, kBlock);
    StereoDownmix downmix;
    DownmixParameters downmixParameters;
    downmixParameters.strategy = strategy;
    downmix.setParameters(downmixParameters);
    downmix.setBandSplit(engineParameters.bandSplit);
    downmix.prepare(rate, kBlock);
    Stereo out{std::vector<float>(input.size()), std::vector<float>(input.size())};
    Channels channels;
    for (auto& channel : channels) channel.resize(kBlock);
    std::array<float*, N> pointers;
    std::array<const float*, N> constPointers;
    for (int k = 0; k < N; ++k) {
        pointers[k] = channels[k].data();
        constPointers[k] = channels[k].data();
    }
    for (size_t start = 0; start < input.size(); start += kBlock) {
        if (start == toggleAt) {
            engineParameters.bandSplit = !engineParameters.bandSplit;
            engine.setParameters(engineParameters);
            downmix.setBandSplit(engineParameters.bandSplit);
        }
        const int frames = int(std::min<size_t>(kBlock, input.size() - start));
        engine.process(input.data() + start, frames, kNoModulation, pointers.data());
        downmix.process(constPointers.data(), frames, out.left.data() + start,
                        out.right.data() + start);
    }
    return out;
}

double powerOf(const std::vector<float>& x, size_t begin, size_t end) {
    double sum = 0.0;
    for (size_t n = begin; n < end; ++n) sum += double(x[n]) * x[n];
    return sum / double(end - begin);
}

// The mean of both sides' power, as loudness meters count it, over the input's, in dB.
double levelDb(const Stereo& out, const std::vector<float>& input, size_t begin, size_t end) {
    const double stereo = 0.5 * (powerOf(out.left, begin, end) + powerOf(out.right, begin, end));
    return 10.0 * std::log10(stereo / powerOf(input, begin, end));
}

// Paul Kellet's economy pink filter (−3 dB/octave within ±0.5 dB above 20 Hz at 44.1–96 kHz).
std::vector<float> pinkNoise(size_t frames, float amplitude, std::uint32_t seed) {
    const std::vector<float> white = whiteNoise(frames, amplitude, seed);
    std::vector<float> pink(frames);
    double b0 = 0.0, b1 = 0.0, b2 = 0.0;
    for (size_t n = 0; n < frames; ++n) {
        b0 = 0.99765 * b0 + white[n] * 0.0990460;
        b1 = 0.96300 * b1 + white[n] * 0.2965164;
        b2 = 0.57000 * b2 + white[n] * 1.0526913;
        pink[n] = float(0.25 * (b0 + b1 + b2 + white[n] * 0.1848));
    }
    return pink;
}

double magnitudeAt(const std::vector<float>& x, double frequency, double rate) {
    std::complex<double> sum = 0.0;
    for (size_t n = 0; n < x.size(); ++n)
        sum +=
            double(x[n]) * std::polar(1.0, -2.0 * std::numbers::pi * frequency * double(n) / rate);
    return std::abs(sum);
}

TEST(EngineLevels, TransparentAtDepthZeroAndNoCoupling) {
    for (double rate : {44100.0, 48000.0, 96000.0})
        for (bool bandSplit : {true, false}) {
            EngineParameters parameters;
            parameters.couplingStrength = 0.0f;
            parameters.bandSplit = bandSplit;
            // Small-signal impulse response of engine + linear downmix: the cells stay far
            // from their clamp, so the chain is linear and this is its transfer function.
            std::vector<float> impulse(size_t(rate / 20), 0.0f);
            impulse[0] = 0.5f;
            const Stereo out = play(impulse, rate, parameters, DownmixStrategy::Linear);
            double worst = 0.0;
            for (double f = 20.0; f <= 16000.0; f *= 1.05) {
                const double db = 20.0 * std::log10(magnitudeAt(out.left, f, rate) / 0.5);
                worst = std::max(worst, std::fabs(db));
                EXPECT_LE(std::fabs(db), 1.0)
                    << rate << " Hz, band split " << bandSplit << ", " << f;
            }
            RecordProperty(
                "worst_db_" + std::to_string(int(rate)) + (bandSplit ? "_bands" : "_full"),
                std::to_string(worst));
        }
}

// Issue 9 asks for the response at K = 1 and 2 to be documented (not bounded): the neighbour
// coupling feeds each cell its neighbours' outputs one sample late. Recorded, min/max in dB.
TEST(EngineLevels, ResponseWithCouplingIsRecorded) {
    const double rate = 48000.0;
    for (float coupling : {1.0f, 2.0f})
        for (bool bandSplit : {true, false}) {
            EngineParameters parameters;
            parameters.couplingStrength = coupling;
            parameters.bandSplit = bandSplit;
            std::vector<float> impulse(size_t(rate / 20), 0.0f);
            impulse[0] = 0.5f;
            const Stereo out = play(impulse, rate, parameters, DownmixStrategy::Linear);
            double lowest = 1e9;
            double highest = -1e9;
            for (double f = 20.0; f <= 16000.0; f *= 1.05) {
                const double db = 20.0 * std::log10(magnitudeAt(out.left, f, rate) / 0.5);
                lowest = std::min(lowest, db);
                highest = std::max(highest, db);
            }
            EXPECT_TRUE(std::isfinite(lowest) && std::isfinite(highest));
            RecordProperty("K" + std::to_string(int(coupling)) + (bandSplit ? "_bands" : "_full"),
                           std::to_string(lowest) + " .. " + std::to_string(highest));
        }
}

TEST(EngineLevels, StrategiesKeepTheInputLevelWithAndWithoutBandSplit) {
    const double rate = 48000.0;
    const size_t frames = size_t(rate * 3);
    const size_t settled = size_t(rate * 0.5);
    for (float coupling : {0.0f, 1.0f})
        for (const bool pink : {false, true}) {
            const std::vector<float> input =
                pink ? pinkNoise(frames, 0.5f, 21) : whiteNoise(frames, 0.25f, 21);
            for (DownmixStrategy strategy :
                 {DownmixStrategy::Spatial, DownmixStrategy::Energy, DownmixStrategy::Linear}) {
                double levels[2];
                for (bool bandSplit : {false, true}) {
                    EngineParameters parameters;
                    parameters.couplingStrength = coupling;
                    parameters.bandSplit = bandSplit;
                    const Stereo out = play(input, rate, parameters, strategy);
                    levels[bandSplit] = levelDb(out, input, settled, frames);
                    EXPECT_LE(std::fabs(levels[bandSplit]), 1.0)
                        << toString(strategy) << (pink ? " pink" : " white") << " K " << coupling
                        << (bandSplit ? " band split" : " full band");
                }
                EXPECT_LE(std::fabs(levels[1] - levels[0]), 1.0) << toString(strategy);
                RecordProperty(std::string(toString(strategy)) + (pink ? "_pink" : "_white") +
                                   "_K" + std::to_string(int(coupling)),
                               std::to_string(levels[0]) + " / " + std::to_string(levels[1]));
            }
        }
}

TEST(EngineLevels, TogglingBandSplitKeepsTheLevelAndDoesNotClick) {
    const double rate = 48000.0;
    const std::vector<float> input = pinkNoise(size_t(rate * 4), 0.5f, 5);
    const size_t toggleAt = 512 * 188;  // ≈ 2 s
    for (DownmixStrategy strategy :
         {DownmixStrategy::Spatial, DownmixStrategy::Energy, DownmixStrategy::Linear}) {
        const Stereo out = play(input, rate, EngineParameters{}, strategy, toggleAt);
        // Power in 50 ms windows around the toggle against the second before it.
        const double before = levelDb(out, input, toggleAt - size_t(rate), toggleAt);
        for (size_t start = toggleAt - 2400; start < toggleAt + size_t(rate); start += 2400) {
            const double window = levelDb(out, input, start, start + 2400);
            EXPECT_LE(std::fabs(window - before), 1.5) << toString(strategy) << " at " << start;
        }
        const double after = levelDb(out, input, toggleAt + size_t(rate / 2), out.left.size());
        EXPECT_LE(std::fabs(after - before), 1.0) << toString(strategy);
        // No click: the largest sample step across the toggle and its 10 ms crossfades is no
        // larger than in the steady state on either side (as the A/B test measures).
        for (const std::vector<float>* side : {&out.left, &out.right}) {
            const float steady = std::max(maxStep(*side, toggleAt - size_t(rate), toggleAt),
                                          maxStep(*side, toggleAt + 960, toggleAt + size_t(rate)));
            EXPECT_LE(maxStep(*side, toggleAt - 1, toggleAt + 960), 1.05f * steady)
                << toString(strategy);
        }
    }
}

// Issue 9: a sine at each band's geometric centre (60 Hz and 15 kHz for the outer two) puts the
// largest share of the engine's output energy, at least 60 %, in that band's channel; at Φ depth 0
// and at the defaults (depth 0.618, K = 1: the neighbour coupling bleeds a little).
TEST(EngineLevels, ASineAtABandsCentreComesOutOfThatChannel) {
    for (double rate : {44100.0, 48000.0, 96000.0})
        for (const PhiInput phi : {kNoModulation, PhiInput{}})
            for (int k = 0; k < N; ++k) {
                const double f = BandSplitter::bandCentre(k);
                std::vector<float> sine(static_cast<size_t>(rate / 2));
                for (size_t n = 0; n < sine.size(); ++n)
                    sine[n] = 0.5f * float(std::sin(2.0 * std::numbers::pi * f * double(n) / rate));
                ChromaticFieldEngine engine;
                engine.prepare(rate, 512);
                Channels out;
                for (auto& channel : out) channel.resize(sine.size());
                for (size_t start = 0; start < sine.size(); start += 512) {
                    const int frames = int(std::min<size_t>(512, sine.size() - start));
                    std::array<float*, N> pointers;
                    for (int j = 0; j < N; ++j) pointers[j] = out[j].data() + start;
                    engine.process(sine.data() + start, frames, phi, pointers.data());
                }
                double total = 0.0;
                double own = 0.0;
                for (int j = 0; j < N; ++j) {
                    const double energy = powerOf(out[j], sine.size() / 4, sine.size());
                    total += energy;
                    if (j == k) own = energy;
                }
                EXPECT_GE(own / total, 0.6) << rate << " Hz, depth " << phi.depth << ", band " << k;
            }
}

// Issue 9: `spatial` spreads the bands: side/mid ≥ −12 dB at the defaults. White noise (~70 % of
// its power in the top band, panned at 0.85) passes; pink noise, with most of its power in the two
// centred bass bands, measures −16.7 dB and is only recorded: issue 9's −12 dB for pink is not met
// by these pan positions (wider ones, 0.45/0.55 … 0.05/0.95, reached only −14.4 dB and cost the
// band-split level rule 1.06 dB on white noise).
TEST(EngineLevels, SpatialIsWideOnWhiteAndPinkNoise) {
    const double rate = 48000.0;
    for (const bool pink : {false, true}) {
        const std::vector<float> input =
            pink ? pinkNoise(size_t(rate * 2), 0.5f, 31) : whiteNoise(size_t(rate * 2), 0.25f, 31);
        EngineParameters defaults;
        const Stereo out = play(input, rate, defaults, DownmixStrategy::Spatial);
        double mid = 0.0;
        double side = 0.0;
        for (size_t n = size_t(rate / 4); n < input.size(); ++n) {
            const double m = 0.5 * (double(out.left[n]) + out.right[n]);
            const double s = 0.5 * (double(out.left[n]) - out.right[n]);
            mid += m * m;
            side += s * s;
        }
        const double sideToMidDb = 10.0 * std::log10(side / mid);
        EXPECT_GE(sideToMidDb, -12.0) << (pink ? "pink" : "white");
        RecordProperty(pink ? "side_mid_db_pink" : "side_mid_db_white",
                       std::to_string(sideToMidDb));
    }
}

// Issue 9: defaults that can be heard. At the default parameters and Φ input, a sine at each
// band's centre comes out of that band's channel amplitude-modulated by at least 20 %
// ((max − min)/(max + min) of its envelope; d·a_k = 0.38 … 0.25 by design).
TEST(EngineLevels, EveryBandIsModulatedByAtLeastTwentyPercentAtTheDefaults) {
    const double rate = 48000.0;
    for (int k = 0; k < N; ++k) {
        const double f = BandSplitter::bandCentre(k);
        std::vector<float> sine(static_cast<size_t>(rate * 6));
        for (size_t n = 0; n < sine.size(); ++n)
            sine[n] = 0.3f * float(std::sin(2.0 * std::numbers::pi * f * double(n) / rate));
        ChromaticFieldEngine engine;
        engine.prepare(rate, 512);
        const Channels out = render(engine, sine, 512, PhiInput{});
        // Envelope: RMS over whole carrier periods (at least 2 ms), far shorter than the
        // fastest field oscillator's period (69 ms).
        const size_t period = size_t(std::round(rate / f));
        const size_t window =
            period * std::max<size_t>(3, (size_t(rate / 500) + period - 1) / period);
        double largest = 0.0;
        double smallest = 1e9;
        for (size_t start = size_t(rate); start + window <= sine.size(); start += window) {
            const double rms = std::sqrt(powerOf(out[k], start, start + window));
            largest = std::max(largest, rms);
            smallest = std::min(smallest, rms);
        }
        const double depth = (largest - smallest) / (largest + smallest);
        EXPECT_GE(depth, 0.2) << "band " << k;
        RecordProperty("modulation_band_" + std::to_string(k), std::to_string(depth));
    }
}

// Issue 9: coupling is audible. Input: a sine at each band's centre. At K = 0 each band's envelope
// pulses at its own field oscillator's rate (0.5·Φ^k Hz); at K = 2 the oscillators lock, and the
// dominant modulation frequencies of all band envelopes converge to one common rate.
std::array<double, N> dominantModulationRates(float coupling) {
    const double rate = 48000.0;
    const size_t frames = size_t(rate * 24);
    std::vector<float> input(frames, 0.0f);
    for (int k = 0; k < N; ++k) {
        const double f = BandSplitter::bandCentre(k);
        for (size_t n = 0; n < frames; ++n)
            input[n] += 0.1f * float(std::sin(2.0 * std::numbers::pi * f * double(n) / rate));
    }
    EngineParameters parameters;
    parameters.couplingStrength = coupling;
    ChromaticFieldEngine engine;
    engine.setParameters(parameters);
    engine.prepare(rate, 512);
    const Channels out = render(engine, input, 512, PhiInput{});
    // Envelope: RMS over 800-sample windows (one period of 60 Hz; 60 envelope samples per
    // second, so up to 30 Hz of modulation), from 4 s on (after locking at K = 2).
    constexpr size_t kWindow = 800;
    const double envelopeRate = rate / kWindow;
    std::array<double, N> dominant{};
    for (int k = 0; k < N; ++k) {
        std::vector<double> envelope;
        for (size_t start = size_t(rate * 4); start + kWindow <= frames; start += kWindow)
            envelope.push_back(std::sqrt(powerOf(out[k], start, start + kWindow)));
        double mean = 0.0;
        for (double e : envelope) mean += e;
        mean /= double(envelope.size());
        double best = 0.0;
        for (double f = 0.25; f <= 25.0; f += 0.01) {
            std::complex<double> sum = 0.0;
            for (size_t i = 0; i < envelope.size(); ++i)
                sum += (envelope[i] - mean) *
                       std::polar(1.0, -2.0 * std::numbers::pi * f * double(i) / envelopeRate);
            if (std::abs(sum) > best) {
                best = std::abs(sum);
                dominant[k] = f;
            }
        }
    }
    return dominant;
}

TEST(EngineLevels, CouplingIsAudibleInTheBandEnvelopes) {
    const std::array<double, N> free = dominantModulationRates(0.0f);
    const std::array<float, N> natural = defaultFieldFrequencies();
    for (int k = 0; k < N; ++k) {
        EXPECT_NEAR(free[k], natural[k], 0.05 * natural[k] + 0.02) << "K = 0, band " << k;
        RecordProperty("K0_band_" + std::to_string(k) + "_hz", std::to_string(free[k]));
    }
    const std::array<double, N> locked = dominantModulationRates(2.0f);
    const auto [low, high] = std::minmax_element(locked.begin(), locked.end());
    EXPECT_LE(*high - *low, 0.05 * *high) << "K = 2: " << *low << " … " << *high << " Hz";
    for (int k = 0; k < N; ++k)
        RecordProperty("K2_band_" + std::to_string(k) + "_hz", std::to_string(locked[k]));
}

}  // namespace
}  // namespace soundlab::dsp::test
