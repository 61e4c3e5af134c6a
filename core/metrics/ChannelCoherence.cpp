#include "metrics/ChannelCoherence.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>

namespace soundlab::metrics {

ChannelCoherence::ChannelCoherence(std::size_t window) : window_(window) {
    if (window < 4 || (window & (window - 1)) != 0) {
        throw std::invalid_argument("ChannelCoherence: the window must be a power of two >= 4");
    }
    hann_.resize(window);
    for (std::size_t n = 0; n < window; ++n) {
        hann_[n] = static_cast<float>(
            0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(n) / double(window)));
    }
    cosTable_.resize(window / 2);
    sinTable_.resize(window / 2);
    for (std::size_t k = 0; k < window / 2; ++k) {
        const double angle = -2.0 * std::numbers::pi * double(k) / double(window);
        cosTable_[k] = static_cast<float>(std::cos(angle));
        sinTable_[k] = static_cast<float>(std::sin(angle));
    }
    for (int c = 0; c < kChannels; ++c) {
        re_[c].resize(window);
        im_[c].resize(window);
    }
}

// In-place iterative radix-2 DFT (Cooley–Tukey, decimation in time): X(k) = Σ x(n)·e^{−2πikn/N}.
void ChannelCoherence::transform(std::vector<float>& re, std::vector<float>& im) const {
    const std::size_t n = window_;
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            std::swap(re[i], re[j]);
            std::swap(im[i], im[j]);
        }
    }
    for (std::size_t length = 2; length <= n; length <<= 1) {
        const std::size_t half = length / 2;
        const std::size_t stride = n / length;
        for (std::size_t start = 0; start < n; start += length) {
            for (std::size_t k = 0; k < half; ++k) {
                const float wr = cosTable_[k * stride];
                const float wi = sinTable_[k * stride];
                const std::size_t a = start + k;
                const std::size_t b = a + half;
                const float tr = re[b] * wr - im[b] * wi;
                const float ti = re[b] * wi + im[b] * wr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
    }
}

double ChannelCoherence::compute(const std::array<const float*, kChannels>& channels) {
    std::array<double, kChannels> energy{};
    for (int c = 0; c < kChannels; ++c) {
        for (std::size_t n = 0; n < window_; ++n) {
            re_[c][n] = channels[c] != nullptr ? channels[c][n] * hann_[n] : 0.0f;
            im_[c][n] = 0.0f;
        }
        transform(re_[c], im_[c]);
        for (std::size_t f = 1; f < window_ / 2; ++f) {
            energy[c] += double(re_[c][f]) * re_[c][f] + double(im_[c][f]) * im_[c][f];
        }
    }
    double sum = 0.0;
    for (int i = 0; i < kChannels; ++i) {
        for (int j = i + 1; j < kChannels; ++j) {
            if (!(energy[i] > 0.0 && energy[j] > 0.0)) continue;  // a silent channel: 0
            // Σ_f X_i·X_j* over the positive frequencies.
            double crossRe = 0.0;
            double crossIm = 0.0;
            for (std::size_t f = 1; f < window_ / 2; ++f) {
                crossRe += double(re_[i][f]) * re_[j][f] + double(im_[i][f]) * im_[j][f];
                crossIm += double(im_[i][f]) * re_[j][f] - double(re_[i][f]) * im_[j][f];
            }
            sum += std::hypot(crossRe, crossIm) / std::sqrt(energy[i] * energy[j]);
        }
    }
    return sum / (kChannels * (kChannels - 1) / 2);
}

}  // namespace soundlab::metrics
