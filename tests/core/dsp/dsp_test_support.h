#pragma once

// Signals and render loops shared by the DSP tests.

#include "dsp/ChromaticFieldEngine.h"
#include "dsp/SimdImplementation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace soundlab::dsp::test {

constexpr double kSampleRate = 48000.0;
constexpr int N = kFieldChannels;

using Channels = std::array<std::vector<float>, kFieldChannels>;

inline std::vector<float> whiteNoise(size_t frames, float amplitude, std::uint32_t seed) {
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> distribution(-amplitude, amplitude);
    std::vector<float> samples(frames);
    for (float& sample : samples) sample = distribution(generator);
    return samples;
}

inline std::vector<float> cosine(size_t frames, double frequency, float amplitude) {
    std::vector<float> samples(frames);
    for (size_t n = 0; n < frames; ++n) {
        samples[n] = amplitude * static_cast<float>(std::cos(2.0 * std::numbers::pi * frequency *
                                                             static_cast<double>(n) / kSampleRate));
    }
    return samples;
}

inline size_t seconds(double duration) {
    return static_cast<size_t>(duration * kSampleRate);
}

// Renders `input` in blocks whose sizes cycle through `blockSizes`. Before the block that starts
// at sample `changeAt` (blocks are cut there) the engine gets `change`; every block gets `phi`.
inline Channels render(ChromaticFieldEngine& engine, const std::vector<float>& input,
                       const std::vector<int>& blockSizes, const PhiInput& phi = {},
                       size_t changeAt = SIZE_MAX, const EngineParameters* change = nullptr) {
    Channels out;
    for (auto& channel : out) channel.assign(input.size(), 0.0f);
    size_t position = 0;
    size_t blockIndex = 0;
    while (position < input.size()) {
        if (position == changeAt && change != nullptr) engine.setParameters(*change);
        size_t frames = static_cast<size_t>(blockSizes[blockIndex++ % blockSizes.size()]);
        frames = std::min(frames, input.size() - position);
        if (position < changeAt) frames = std::min(frames, changeAt - position);
        std::array<float*, kFieldChannels> pointers;
        for (int k = 0; k < N; ++k) pointers[k] = out[k].data() + position;
        engine.process(input.data() + position, static_cast<int>(frames), phi, pointers.data());
        position += frames;
    }
    return out;
}

inline Channels render(ChromaticFieldEngine& engine, const std::vector<float>& input, int blockSize,
                       const PhiInput& phi = {}) {
    return render(engine, input, std::vector<int>{blockSize}, phi);
}

// Largest |x[n] − x[n−1]| for n in [begin, end).
inline float maxStep(const std::vector<float>& x, size_t begin, size_t end) {
    float largest = 0.0f;
    for (size_t n = std::max<size_t>(begin, 1); n < end; ++n) {
        largest = std::max(largest, std::fabs(x[n] - x[n - 1]));
    }
    return largest;
}

inline std::string implementationName(SimdImplementation implementation) {
    return std::string(toString(implementation));
}

// Scalar, plus AVX2 when this CPU has it.
inline std::vector<SimdImplementation> availableImplementations() {
    std::vector<SimdImplementation> implementations = {SimdImplementation::Scalar};
    if (cpuSupportsAvx2Fma()) implementations.push_back(SimdImplementation::Avx2);
    return implementations;
}

}  // namespace soundlab::dsp::test
