#pragma once

#include "dsp/ParameterError.h"

#include <vector>

namespace soundlab::dsp {

// What the operator sets on the master output: a gain in dB and a mute (panic).
struct MasterGainSettings {
    static constexpr double kMinGainDb = -60.0;
    static constexpr double kMaxGainDb = 12.0;

    double gainDb = 0.0;
    bool muted = false;

    bool operator==(const MasterGainSettings&) const = default;

    // The linear gain the output moves to: 0 when muted, else 10^(gainDb/20).
    float targetGain() const;
    // gain_db outside [kMinGainDb, kMaxGainDb] or not finite. Empty when valid.
    static std::vector<ParameterError> validate(const MasterGainSettings& settings);
};

// The last stage of the chain: multiplies both output channels by a linear gain that moves to
// its target along a straight line over kRampMs, sample by sample, whenever the target changes
// (a gain change, a mute, an unmute). So no change ever clicks: a sample's gain differs from the
// previous one's by at most |Δtarget| / (kRampMs · fs), and a panic is silent after kRampMs.
//
// Threading: audio thread only (prepare() with the stream stopped).
class MasterGain {
public:
    static constexpr double kRampMs = 20.0;

    // Starts at `gain` without a ramp (a stream that opens muted opens silent).
    void prepare(double sampleRate, float gain);
    // A new target starts a new ramp from wherever the gain is now.
    void setTarget(float gain) noexcept;
    void process(float* left, float* right, int frames) noexcept;

    float current() const { return current_; }
    float target() const { return target_; }
    int rampSamples() const { return rampSamples_; }

private:
    int rampSamples_ = 960;
    float current_ = 1.0f;
    float target_ = 1.0f;
    float step_ = 0.0f;
    int remaining_ = 0;  // samples left in the ramp
};

// Peak and sum of squares of one block of one channel: what the level meters are made of.
struct BlockLevel {
    float peak = 0.0f;
    float sumSquares = 0.0f;
};
BlockLevel measureLevel(const float* samples, int frames) noexcept;

}  // namespace soundlab::dsp
