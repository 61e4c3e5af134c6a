#pragma once

#include "dsp/EngineParameters.h"

#include <array>

namespace soundlab::dsp {

// Turns the odd bands ≈ 90° against the even ones, for the `spatial` downmix with band split.
//
// Why: the crossover's neighbouring bands are in phase where they overlap (LR4), and `spatial`
// pans neighbours to opposite sides, so their shared content cancels in L − R and adds in L + R:
// even hard pans leave pink noise at −13 dB side/mid. With neighbours in quadrature their overlap
// adds in power on both, and the image is as wide as the pans say (SPEC §3, issue 9). Each side's
// power is unchanged (allpasses); what changes is the mono sum near the crossovers, which is
// `linear`'s job, not `spatial`'s.
//
// How: a phase-difference network. Eight first-order allpasses (bilinear, prewarped) with poles
// spaced geometrically from 40 Hz to min(20 kHz, 0.45·fs), taken alternately: chain A (poles
// 0, 2, 4, 6) for even bands, chain B (1, 3, 5, 7) for odd ones. Between chains the phase
// differs by 68–89° from 100 Hz to 12 kHz at 44.1–96 kHz, which spans every crossover (125 Hz –
// 9.5 kHz); BandDecorrelator tests check it.
//
// Threading: prepare() on a control thread; process() and reset() on the audio thread (no
// allocation: the output lives in the object).
class BandDecorrelator {
public:
    static constexpr int kSections = 4;  // per chain
    static constexpr int kChunk = 256;   // frames per process() call at most

    BandDecorrelator() { prepare(48000.0); }

    // Coefficients for the rate; clears the state. Rates must be finite and positive.
    void prepare(double sampleRate);
    void reset() noexcept;

    // Filters up to kChunk frames of each of the eight channels (a null channel is silence) and
    // returns the results, valid until the next call.
    const std::array<const float*, kFieldChannels>& process(const float* const* channels,
                                                            int frames) noexcept;

    // The chain's coefficient a of each section (y = a·x + x₁ − a·y₁), for tests.
    const std::array<float, kSections>& coefficients(int band) const noexcept {
        return coefficients_[band % 2];
    }

private:
    struct ChannelState {
        std::array<float, kSections> x1{};
        std::array<float, kSections> y1{};
    };

    std::array<std::array<float, kSections>, 2> coefficients_{};  // [chain A, chain B]
    std::array<ChannelState, kFieldChannels> state_{};
    std::array<std::array<float, kChunk>, kFieldChannels> output_{};
    std::array<const float*, kFieldChannels> outputPointers_{};
};

}  // namespace soundlab::dsp
