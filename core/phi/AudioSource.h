#pragma once

#include "phi/PhiTypes.h"

#include <algorithm>
#include <cmath>

namespace soundlab::phi {

// `audio`: a peak envelope follower on the input, per sample, with separate attack and release
// one-pole time constants. The coefficient is exp(−1/(τ·fs)), so a step reaches 1 − 1/e of its
// final value after exactly τ at any rate and block size (the state is per sample, never per
// block). Mapping (SPEC §4): depth = clamp(2Φ·env, 0, Φ), i.e. an envelope of 0.5 (−6 dBFS)
// gives the full depth; phase advances at 0.05·(1 + env) Hz. Audio thread; no allocation.
class AudioSource {
public:
    void prepare(double sampleRate) noexcept {
        sampleRate_ = sampleRate;
        setTimes(attackMs_, releaseMs_);
        envelope_ = 0.0;
        phase_ = 0.0;
    }
    // Recomputes the coefficients only when the times change (exp is cheap, but not per block).
    void setTimes(double attackMs, double releaseMs) noexcept {
        attackMs_ = attackMs;
        releaseMs_ = releaseMs;
        attack_ = std::exp(-1.0 / (attackMs * 1e-3 * sampleRate_));
        release_ = std::exp(-1.0 / (releaseMs * 1e-3 * sampleRate_));
    }
    bool sameTimes(double attackMs, double releaseMs) const noexcept {
        return attackMs == attackMs_ && releaseMs == releaseMs_;
    }

    void process(const float* input, int frames) noexcept {
        double env = envelope_;
        double phase = phase_;
        const double step = kTwoPi * 0.05 / sampleRate_;
        for (int i = 0; i < frames; ++i) {
            const double x = std::fabs(double(input[i]));
            const double a = x > env ? attack_ : release_;
            env = x + a * (env - x);
            phase += step * (1.0 + env);
        }
        envelope_ = std::isfinite(env) ? env : 0.0;  // a NaN input must not stick
        phase_ = wrapPhase(std::isfinite(phase) ? phase : 0.0);
    }

    double envelope() const noexcept { return envelope_; }
    Output output() const noexcept {
        return {phase_, std::clamp(2.0 * dsp::kPhi * envelope_, 0.0, dsp::kPhi)};
    }

private:
    double sampleRate_ = 48000.0;
    double attackMs_ = 20.0, releaseMs_ = 100.0;
    double attack_ = 0.0, release_ = 0.0;
    double envelope_ = 0.0;
    double phase_ = 0.0;
};

}  // namespace soundlab::phi
