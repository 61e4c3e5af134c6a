#pragma once

#include <QString>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace soundlab {

// The virtual device's loopback cable: what the output plays at sample n reaches the input at
// sample n + delay. Integer delays are exact copies; a fractional part is applied with a
// windowed-sinc interpolator (Blackman window, 32 taps), which keeps the delay exact for
// band-limited signals.
//
// The input of a block is read before that block's output exists, so the delay must be at least
// one block (plus the interpolator's half-length when fractional).
class LoopbackDelayLine {
public:
    static constexpr int kHalfTaps = 16;

    static std::optional<QString> check(double delaySamples, int blockSize);
    // A gain within ±100 and an SNR within −40 … 120 dB.
    static std::optional<QString> checkImpairments(double gain, std::optional<double> snrDb);

    // Control thread: allocates. `gain` scales the looped signal (negative inverts it); with
    // `snrDb`, uniform white noise that many dB below a −6 dBFS sine is added. With either, the
    // result is clipped at ±1 like a converter's.
    void prepare(double delaySamples, int maxBlock, double gain = 1.0,
                 std::optional<double> snrDb = std::nullopt);
    // Audio thread: the input for the next `frames` samples, then that block's output.
    void read(float* input, int frames) noexcept;
    void write(const float* output, int frames) noexcept;

private:
    float at(long long n) const { return history_[size_t(n) & mask_]; }

    std::vector<float> history_;
    size_t mask_ = 0;
    long long integerDelay_ = 0;
    bool fractional_ = false;
    std::array<float, 2 * kHalfTaps> taps_{};  // tap k - kHalfTaps + 1 for k = 0..2*kHalfTaps-1
    long long readPosition_ = 0;               // absolute index of the next input sample
    long long writePosition_ = 0;              // absolute index of the next output sample
    float gain_ = 1.0f;
    float noiseAmplitude_ = 0.0f;  // of the uniform noise; 0: none
    bool clip_ = false;
    uint32_t noiseState_ = 0x9e3779b9u;  // xorshift32
};

}  // namespace soundlab
