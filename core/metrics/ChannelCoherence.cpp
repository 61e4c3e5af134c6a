#include "metrics/ChannelCoherence.h"

#include <fftw3.h>

#include <cmath>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace soundlab::metrics {

std::mutex& ChannelCoherence::fftwPlannerMutex() {
    static std::mutex mutex;
    return mutex;
}

void ChannelCoherence::FftwDeleter::operator()(void* p) const {
    fftwf_free(p);
}

ChannelCoherence::ChannelCoherence(std::size_t window) : window_(window) {
    if (window < 4 || (window & (window - 1)) != 0) {
        throw std::invalid_argument("ChannelCoherence: the window must be a power of two >= 4");
    }
    hann_.resize(window);
    for (std::size_t n = 0; n < window; ++n) {
        hann_[n] = static_cast<float>(
            0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(n) / double(window)));
    }
    const std::size_t bins = window / 2 + 1;
    input_.reset(fftwf_alloc_real(window));
    for (Spectrum& spectrum : spectra_)
        spectrum.reset(reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(bins)));
    std::lock_guard lock(fftwPlannerMutex());
    // FFTW_ESTIMATE: a plan at once, without timing trial runs (and without touching the
    // buffers). The plan is executed on each spectrum buffer with fftwf_execute_dft_r2c, which
    // FFTW allows for buffers of the same size and alignment.
    plan_ = fftwf_plan_dft_r2c_1d(int(window), input_.get(),
                                  reinterpret_cast<fftwf_complex*>(spectra_[0].get()),
                                  FFTW_ESTIMATE);
    if (!plan_) throw std::runtime_error("ChannelCoherence: FFTW could not make a plan");
}

ChannelCoherence::~ChannelCoherence() {
    std::lock_guard lock(fftwPlannerMutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
}

double ChannelCoherence::compute(const std::array<const float*, kChannels>& channels) {
    std::array<double, kChannels> energy{};
    const std::size_t bins = window_ / 2;  // positive frequencies below Nyquist; DC excluded below
    for (int c = 0; c < kChannels; ++c) {
        for (std::size_t n = 0; n < window_; ++n)
            input_[n] = channels[c] != nullptr ? channels[c][n] * hann_[n] : 0.0f;
        fftwf_execute_dft_r2c(static_cast<fftwf_plan>(plan_), input_.get(),
                              reinterpret_cast<fftwf_complex*>(spectra_[c].get()));
        for (std::size_t f = 1; f < bins; ++f) energy[c] += std::norm(spectra_[c][f]);
    }
    double sum = 0.0;
    for (int i = 0; i < kChannels; ++i) {
        for (int j = i + 1; j < kChannels; ++j) {
            if (!(energy[i] > 0.0 && energy[j] > 0.0)) continue;  // a silent channel: 0
            // Σ_f X_i·X_j* over the positive frequencies.
            std::complex<double> cross = 0.0;
            for (std::size_t f = 1; f < bins; ++f)
                cross += std::complex<double>(spectra_[i][f]) *
                         std::conj(std::complex<double>(spectra_[j][f]));
            sum += std::abs(cross) / std::sqrt(energy[i] * energy[j]);
        }
    }
    return sum / (kChannels * (kChannels - 1) / 2);
}

}  // namespace soundlab::metrics
