#pragma once

#include "dsp/BandSplitter.h"
#include "dsp/EngineParameters.h"
#include "dsp/FieldKernel.h"
#include "dsp/SimdImplementation.h"

#include <array>
#include <cstdint>
#include <vector>

namespace soundlab::dsp {

// The D-ASE chromatic field engine (SPEC §2, docs/engine.md): a crossover tree splits the mono
// input into eight bands (band_split, the default; otherwise every cell gets the full band) that
// drive eight Chua–Yang cells in a ring; each cell's input is amplitude-modulated by its Kuramoto
// field oscillator and the Φ controller; the eight cell outputs are the eight channels.
//
// Threading:
// - Control thread (stream stopped): construction, prepare(), reset(), setImplementation().
// - Audio thread: setParameters(), process() and the accessors. They never allocate, lock,
//   block or throw. Run the audio thread under ScopedFlushDenormals; the engine does not rely on
//   it (state is sanitised) but everything downstream is cheaper for it.
// - Nothing here is synchronised: hand parameters over with a lock-free queue or triple buffer
//   and call setParameters() from the callback between blocks; publish the accessors' values
//   (phases, R, non-finite count) from the callback for other threads to read.
//
// Typical use:
//   engine.setParameters(initial);      // optional: start at these instead of the defaults
//   engine.prepare(48000.0, 512);       // allocates; parameters take effect at once
//   // in the callback, per block:
//   engine.setParameters(latest);       // ramps to them over 10 ms
//   engine.process(input, frames, phi, channels);   // channels: 8 buffers of >= frames floats
class ChromaticFieldEngine {
public:
    // Default parameters, the CPU's best implementation (defaultSimdImplementation()), not
    // prepared: process() outputs silence until prepare() is called.
    ChromaticFieldEngine();

    // Sets the sample rate (8 kHz – 384 kHz) and the largest block process() will be given, and
    // allocates for it; then reset(). May be called again. Throws std::invalid_argument on a value
    // out of range.
    void prepare(double sampleRate, int maxBlock);

    // Clears the cells, restarts the oscillators at their initial phases (θ_k = k·2π/Φ²), jumps
    // every smoothed parameter to its target without a ramp and zeroes the non-finite count. The
    // next process() takes its Φ input as is, without a ramp.
    void reset();

    // Chooses the kernel. Returns false (and keeps the current one) when this CPU cannot run it.
    // Both kernels share the state, so switching between blocks is seamless.
    bool setImplementation(SimdImplementation implementation);
    SimdImplementation implementation() const noexcept { return implementation_; }

    // Audio thread, between blocks. Values out of range are clamped into it and non-finite ones
    // keep their previous value (validate() with EngineParameters::validate() beforehand to report
    // them). Every changed value then moves linearly to its new target in 10 ms, per sample.
    // Calling it with unchanged parameters does nothing, so it may be called every block.
    void setParameters(const EngineParameters& parameters) noexcept;
    // The parameters in effect (after clamping), i.e. the current ramp targets.
    const EngineParameters& parameters() const noexcept { return parameters_; }

    // Audio thread. Processes `frames` samples of `input` (nullptr = silence) with the Φ input for
    // this block and writes channels[k][0 .. frames) for k = 0..7. Blocks longer than maxBlock
    // are processed in pieces. A change of `phi` ramps like a parameter (phase along the shorter
    // arc). Non-finite input samples count as 0 (see nonFiniteInputSamples()); input is limited
    // to ±1000. Every output sample is within [−gain, gain] ⊂ [−1, 1] and never NaN, Inf or
    // denormal. Before prepare() it writes silence.
    void process(const float* input, int frames, const PhiInput& phi,
                 float* const* channels) noexcept;

    // Field phases θ_k at the end of the last block, radians in [0, 2π).
    const std::array<float, kFieldChannels>& fieldPhases() const noexcept { return phases_; }
    // Kuramoto order parameter R = |(1/8)·Σ e^{iθ_k}| at the end of the last block, [0, 1].
    float orderParameter() const noexcept { return orderParameter_; }
    // Non-finite input samples replaced by 0 since prepare() / reset().
    std::uint64_t nonFiniteInputSamples() const noexcept { return nonFiniteInputSamples_; }

    double sampleRate() const noexcept { return sampleRate_; }
    int maxBlock() const noexcept { return maxBlock_; }
    bool isPrepared() const noexcept { return maxBlock_ > 0; }

private:
    struct ParameterTargets {
        float omega[kFieldChannels];
        float amplitude[kFieldChannels];
        float outputGain[kFieldChannels];
        float coupling;
    };

    void computeParameterTargets();
    void startParameterRamp();
    void finishParameterRamp();
    void retargetPhi(const PhiInput& phi);
    void finishPhiRamp();
    void processChunk(const float* input, int frames, float* const* channels, int offset);
    void buildCellInputs(const float* clean, int frames);
    void sanitiseState();
    void publishFieldState();

    EngineParameters parameters_;
    SimdImplementation implementation_ = SimdImplementation::Scalar;
    detail::FieldKernel kernel_ = nullptr;

    double sampleRate_ = 0.0;
    int maxBlock_ = 0;
    int rampSamples_ = 1;
    std::vector<float> sanitisedInput_;
    std::vector<float> cellInput_;  // 8·maxBlock: cell k's input at [8·n + k] (see FieldKernel)
    BandSplitter splitter_;
    // Share of the band-split input in the cells' input, 0 (full band) … 1 (bands); ramps over
    // 10 ms per sample when band_split changes.
    float bandMix_ = 1.0f;
    float bandMixStep_ = 0.0f;
    int bandMixRemaining_ = 0;
    std::vector<float> scratchStorage_;  // 8·maxBlock floats for the kernels, plus alignment slack
    float* scratch_ = nullptr;           // 32-byte aligned, inside scratchStorage_

    detail::FieldConstants constants_;
    detail::FieldState state_;
    ParameterTargets targets_{};
    int parameterRampRemaining_ = 0;
    PhiInput lastPhi_;
    bool phiPrimed_ = false;
    float depthTarget_ = 0.0f;
    float phiPhaseTarget_ = 0.0f;
    int phiRampRemaining_ = 0;

    std::array<float, kFieldChannels> phases_{};
    float orderParameter_ = 0.0f;
    std::uint64_t nonFiniteInputSamples_ = 0;
};

}  // namespace soundlab::dsp
