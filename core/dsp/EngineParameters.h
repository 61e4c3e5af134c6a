#pragma once

#include "dsp/GoldenRatio.h"
#include "dsp/ParameterError.h"

#include <array>
#include <type_traits>
#include <vector>

namespace soundlab::dsp {

// Eight cells in a ring; one AVX2 register holds one value of each.
inline constexpr int kFieldChannels = 8;

// Allowed ranges (inclusive). validate() reports values outside them; the engine clamps into them.
inline constexpr double kMinFrequencyHz = 0.01;
inline constexpr double kMaxFrequencyHz = 20.0;
inline constexpr double kMaxCouplingStrength = 2.0;
inline constexpr double kMaxGain = 1.0;
inline constexpr double kMaxPhiDepth = kPhi;  // schema units; the engine maps depth ÷ Φ to [0, 1]

// f_k = 0.5·Φ^k Hz: 0.5, 0.81, 1.31, 2.12, 3.43, 5.55, 8.97, 14.52 (SPEC §2).
constexpr std::array<float, kFieldChannels> defaultFieldFrequencies() {
    std::array<float, kFieldChannels> frequencies{};
    double f = 0.5;
    for (float& value : frequencies) {
        value = static_cast<float>(f);
        f *= kPhi;
    }
    return frequencies;
}

// Parameters of the chromatic field engine (docs/engine.md explains each one). Plain data, so a
// copy can travel to the audio thread through a lock-free queue or triple buffer.
struct EngineParameters {
    // Natural frequency of each field oscillator, Hz, [0.01, 20].
    std::array<float, kFieldChannels> frequencies = defaultFieldFrequencies();
    // Φ modulation amount a_k per channel, [0, 1]. Falling with k, as in the seed's example preset
    // (a fast tremolo is the more obtrusive), but every band audibly modulated (issue 9): with the
    // default Φ depth 0.618 (d = 0.382) the per-band modulation index d·a_k is 0.38 … 0.25, at
    // least 20 %. The seed's 0.6 … 0.25 gave 23 % … 9.5 %, a tremolo of 2.3 % on a 440 Hz sine
    // when every cell heard the full band.
    std::array<float, kFieldChannels> amplitudes = {1.0f, 0.95f, 0.9f, 0.85f,
                                                    0.8f, 0.75f, 0.7f, 0.65f};
    // A disabled channel is muted (through the 10 ms ramp); its oscillator and cell keep running,
    // so the field and the neighbours do not notice.
    std::array<bool, kFieldChannels> enabled = {true, true, true, true, true, true, true, true};
    // K in [0, 2]: Kuramoto coupling of the oscillators (K = 2 locks the default frequencies) and
    // neighbour coupling of the cells. JSON name "coupling_strength".
    float couplingStrength = 1.0f;
    // Linear output gain applied to every channel, [0, 1].
    float gain = 1.0f;
    // Each cell gets its own frequency band of the input (the crossover tree of BandSplitter:
    // band k feeds cell k) rather than the full-band input. A change crossfades over 10 ms.
    // JSON name "band_split".
    bool bandSplit = true;

    bool operator==(const EngineParameters&) const = default;

    // Every value outside its range (or not finite), named by JSON path ("frequencies[3]",
    // "amplitudes[0]", "coupling_strength", "gain"). Empty when the parameters are valid.
    static std::vector<ParameterError> validate(const EngineParameters& parameters);
};
static_assert(std::is_trivially_copyable_v<EngineParameters>);

// The Φ controller's output for one block (SPEC §4).
struct PhiInput {
    float phase = 0.0f;                            // φ, radians (any finite value)
    float depth = static_cast<float>(kPhi - 1.0);  // [0, Φ] schema units, default 0.618
};
static_assert(std::is_trivially_copyable_v<PhiInput>);

}  // namespace soundlab::dsp
