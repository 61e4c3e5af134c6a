// Renders what the engine does (issue 9, "Show it"): white noise and a 20 Hz–20 kHz exponential
// sweep through the D-ASE engine + `spatial` downmix at Φ depth 0, at the defaults, and at depth Φ
// with K = 0 and K = 2, to 32-bit float stereo WAV files, plus each case's per-band envelopes
// (RMS of each channel over 10 ms, CSV). scripts/render-examples.sh draws the spectrograms.
//
//   render_examples OUTPUT_DIR

#include "dsp/ChromaticFieldEngine.h"
#include "dsp/GoldenRatio.h"
#include "dsp/StereoDownmix.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace soundlab::dsp;

constexpr double kRate = 48000.0;
constexpr int kBlock = 512;

// A minimal WAVE_FORMAT_IEEE_FLOAT writer (the Qt-based WavWriter is not needed here).
bool writeWav(const std::string& path, const std::vector<float>& left,
              const std::vector<float>& right) {
    std::ofstream out(path, std::ios::binary);
    if (!out) return false;
    const auto u32 = [&out](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    const auto u16 = [&out](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    const std::uint32_t dataBytes = static_cast<std::uint32_t>(left.size() * 2 * sizeof(float));
    out.write("RIFF", 4);
    u32(36 + dataBytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(3);  // IEEE float
    u16(2);
    u32(static_cast<std::uint32_t>(kRate));
    u32(static_cast<std::uint32_t>(kRate) * 2 * sizeof(float));
    u16(2 * sizeof(float));
    u16(32);
    out.write("data", 4);
    u32(dataBytes);
    for (size_t n = 0; n < left.size(); ++n) {
        out.write(reinterpret_cast<const char*>(&left[n]), sizeof(float));
        out.write(reinterpret_cast<const char*>(&right[n]), sizeof(float));
    }
    return bool(out);
}

struct Case {
    const char* name;
    float depth;  // schema units, [0, Φ]
    float coupling;
};

void render(const std::string& directory, const char* signalName, const std::vector<float>& input,
            const Case& c) {
    EngineParameters parameters;
    parameters.couplingStrength = c.coupling;
    ChromaticFieldEngine engine;
    engine.setParameters(parameters);
    engine.prepare(kRate, kBlock);
    StereoDownmix downmix;
    downmix.setBandSplit(parameters.bandSplit);
    downmix.prepare(kRate, kBlock);
    const PhiInput phi{0.0f, c.depth};
    std::vector<float> left(input.size());
    std::vector<float> right(input.size());
    std::vector<std::vector<float>> channels(kFieldChannels, std::vector<float>(input.size()));
    for (size_t start = 0; start < input.size(); start += kBlock) {
        const int frames = static_cast<int>(std::min<size_t>(kBlock, input.size() - start));
        float* out[kFieldChannels];
        const float* in[kFieldChannels];
        for (int k = 0; k < kFieldChannels; ++k) {
            out[k] = channels[k].data() + start;
            in[k] = out[k];
        }
        engine.process(input.data() + start, frames, phi, out);
        downmix.process(in, frames, left.data() + start, right.data() + start);
    }
    const std::string stem = directory + "/" + signalName + "-" + c.name;
    if (!writeWav(stem + ".wav", left, right))
        std::fprintf(stderr, "cannot write %s.wav\n", stem.c_str());
    // Per-band envelopes: RMS of each channel over 10 ms (480 samples), one row per window.
    std::ofstream csv(stem + "-envelopes.csv");
    csv << "time_s";
    for (int k = 0; k < kFieldChannels; ++k) csv << ",band" << k;
    csv << "\n";
    constexpr size_t kWindow = 480;
    for (size_t start = 0; start + kWindow <= input.size(); start += kWindow) {
        csv << double(start) / kRate;
        for (int k = 0; k < kFieldChannels; ++k) {
            double sum = 0.0;
            for (size_t n = start; n < start + kWindow; ++n)
                sum += double(channels[k][n]) * channels[k][n];
            csv << "," << std::sqrt(sum / kWindow);
        }
        csv << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    const std::string directory = argv[1];
    const size_t frames = static_cast<size_t>(kRate * 8);
    std::vector<float> noise(frames);
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> uniform(-0.5f, 0.5f);
    for (float& v : noise) v = uniform(generator);
    // Exponential sweep 20 Hz → 20 kHz over 8 s at −6 dBFS (Farina's form).
    std::vector<float> sweep(frames);
    const double duration = double(frames) / kRate;
    const double ratio = std::log(20000.0 / 20.0);
    for (size_t n = 0; n < frames; ++n) {
        const double t = double(n) / kRate;
        const double phase = 2.0 * std::numbers::pi * 20.0 * duration / ratio *
                             (std::exp(t / duration * ratio) - 1.0);
        sweep[n] = 0.5f * static_cast<float>(std::sin(phase));
    }
    const Case cases[] = {
        {"depth0", 0.0f, 1.0f},
        {"defaults", static_cast<float>(kPhi - 1.0), 1.0f},
        {"depthPhi-K0", static_cast<float>(kPhi), 0.0f},
        {"depthPhi-K2", static_cast<float>(kPhi), 2.0f},
    };
    for (const Case& c : cases) {
        render(directory, "noise", noise, c);
        render(directory, "sweep", sweep, c);
    }
    return 0;
}
