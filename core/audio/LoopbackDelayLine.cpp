#include "LoopbackDelayLine.h"

#include <algorithm>
#include <cmath>

namespace soundlab {

std::optional<QString> LoopbackDelayLine::check(double delaySamples, int blockSize) {
    if (!std::isfinite(delaySamples) || delaySamples < 0 || delaySamples > 10'000'000)
        return QStringLiteral("loopback delay must be a number of samples in [%1, 10000000]")
            .arg(blockSize);
    const bool fractional = delaySamples != std::floor(delaySamples);
    const int minimum = fractional ? blockSize + kHalfTaps : blockSize;
    if (delaySamples < minimum)
        return QStringLiteral(
                   "loopback delay %1 is too short: a block's input is read before its output "
                   "exists, so the delay must be at least %2 samples%3")
            .arg(delaySamples)
            .arg(minimum)
            .arg(fractional ? QStringLiteral(" (block size + interpolator half-length)")
                            : QStringLiteral(" (the block size)"));
    return std::nullopt;
}

std::optional<QString> LoopbackDelayLine::checkImpairments(double gain,
                                                           std::optional<double> snrDb) {
    if (!std::isfinite(gain) || std::abs(gain) > 100.0)
        return QStringLiteral("loopback gain must be within -100 and 100, got %1").arg(gain);
    if (snrDb && !(std::isfinite(*snrDb) && *snrDb >= -40.0 && *snrDb <= 120.0))
        return QStringLiteral("loopback SNR must be within -40 and 120 dB, got %1").arg(*snrDb);
    return std::nullopt;
}

void LoopbackDelayLine::prepare(double delaySamples, int maxBlock, double gain,
                                std::optional<double> snrDb) {
    gain_ = float(gain);
    // Uniform noise on [−a, a] has an RMS of a/√3; the reference is a −6 dBFS sine's RMS.
    noiseAmplitude_ =
        snrDb ? float(std::sqrt(3.0) * 0.5 / std::sqrt(2.0) * std::pow(10.0, -*snrDb / 20.0))
              : 0.0f;
    clip_ = gain != 1.0 || snrDb.has_value();
    noiseState_ = 0x9e3779b9u;
    integerDelay_ = (long long)std::floor(delaySamples);
    const double fraction = delaySamples - double(integerDelay_);
    fractional_ = fraction > 0.0;
    size_t size = 1;
    while (size < size_t(integerDelay_ + 2 * maxBlock + 2 * kHalfTaps)) size <<= 1;
    history_.assign(size, 0.0f);
    mask_ = size - 1;
    readPosition_ = 0;
    writePosition_ = 0;
    if (fractional_) {
        // y[m] = Σ_k x[m - D - k] · sinc(k - f) · w(k - f), k = -(M-1) .. M.
        double sum = 0.0;
        for (int i = 0; i < 2 * kHalfTaps; ++i) {
            const double t = double(i - kHalfTaps + 1) - fraction;
            const double sinc = std::abs(t) < 1e-12 ? 1.0 : std::sin(M_PI * t) / (M_PI * t);
            const double window = 0.42 + 0.5 * std::cos(M_PI * t / kHalfTaps) +
                                  0.08 * std::cos(2.0 * M_PI * t / kHalfTaps);
            taps_[size_t(i)] = float(sinc * window);
            sum += sinc * window;
        }
        for (float& tap : taps_) tap = float(tap / sum);  // unity gain at DC
    }
}

void LoopbackDelayLine::read(float* input, int frames) noexcept {
    for (int i = 0; i < frames; ++i) {
        const long long source = readPosition_ + i - integerDelay_;
        if (!fractional_) {
            input[i] = source >= 0 ? at(source) : 0.0f;
        } else {
            float acc = 0.0f;
            for (int k = 0; k < 2 * kHalfTaps; ++k) {
                const long long j = source - (k - kHalfTaps + 1);
                if (j >= 0) acc += taps_[size_t(k)] * at(j);
            }
            input[i] = acc;
        }
        if (!clip_) continue;
        float v = gain_ * input[i];
        if (noiseAmplitude_ > 0.0f) {
            noiseState_ ^= noiseState_ << 13;
            noiseState_ ^= noiseState_ >> 17;
            noiseState_ ^= noiseState_ << 5;
            v += noiseAmplitude_ * (float(noiseState_) * (2.0f / 4294967295.0f) - 1.0f);
        }
        input[i] = std::clamp(v, -1.0f, 1.0f);
    }
    readPosition_ += frames;
}

void LoopbackDelayLine::write(const float* output, int frames) noexcept {
    for (int i = 0; i < frames; ++i) history_[size_t(writePosition_ + i) & mask_] = output[i];
    writePosition_ += frames;
}

}  // namespace soundlab
