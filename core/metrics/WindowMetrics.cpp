#include "metrics/WindowMetrics.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace soundlab::metrics {

void WindowMetrics::FftwDeleter::operator()(void* p) const {
    fftwf_free(p);
}

WindowMetrics::WindowMetrics(std::size_t window)
    : window_(window), coherence_(window), hann_(window), mono_(window) {
    for (std::size_t n = 0; n < window; ++n)
        hann_[n] = float(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(n) / double(window)));
    fftIn_.reset(fftwf_alloc_real(window));
    fftOut_.reset(reinterpret_cast<float*>(fftwf_alloc_complex(window / 2 + 1)));
    std::lock_guard lock(ChannelCoherence::fftwPlannerMutex());
    plan_ = fftwf_plan_dft_r2c_1d(int(window), fftIn_.get(),
                                  reinterpret_cast<fftwf_complex*>(fftOut_.get()), FFTW_ESTIMATE);
    if (!plan_) throw std::runtime_error("WindowMetrics: FFTW could not make a plan");
}

WindowMetrics::~WindowMetrics() {
    std::lock_guard lock(ChannelCoherence::fftwPlannerMutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
}

double rmsDb(const float* samples, std::size_t n) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += double(samples[i]) * samples[i];
    const double rms = n ? std::sqrt(sum / double(n)) : 0.0;
    if (!(rms > 0.0)) return WindowMetrics::kLevelFloorDb;
    return std::max(WindowMetrics::kLevelFloorDb, 20.0 * std::log10(rms));
}

double criticality(double r) {
    r = std::clamp(r, 0.0, 1.0);
    return 4.0 * r * (1.0 - r);
}

double logCentroid(double centroidHz) {
    if (!(centroidHz > 20.0)) return 0.0;
    return std::clamp(std::log10(centroidHz / 20.0) / 3.0, 0.0, 1.0);
}

double consciousnessLevel(double activity, double coherence, double ici, double centroidHz) {
    const double raw = 0.4 * coherence + 0.3 * (1.0 - ici) + 0.3 * logCentroid(centroidHz);
    return std::clamp(activity * raw, 0.0, 1.0);
}

double WindowMetrics::spectralCentroid(const float* samples, double sampleRate) {
    if (rmsDb(samples, window_) < kGateDb) return 0.0;
    for (std::size_t n = 0; n < window_; ++n) fftIn_[n] = samples[n] * hann_[n];
    fftwf_execute(static_cast<fftwf_plan>(plan_));
    double weighted = 0.0, total = 0.0;
    const double binHz = sampleRate / double(window_);
    for (std::size_t f = 1; f <= window_ / 2; ++f) {
        const double magnitude = std::hypot(double(fftOut_[2 * f]), double(fftOut_[2 * f + 1]));
        weighted += magnitude * double(f) * binHz;
        total += magnitude;
    }
    return total > 0.0 ? weighted / total : 0.0;
}

WindowMetrics::Result WindowMetrics::compute(const Window& w) {
    Result r;
    r.levelDb = rmsDb(w.input, window_);
    r.gateOpen = r.levelDb > kGateDb;
    r.activity = std::clamp((r.levelDb - kGateDb) / (kGateFullDb - kGateDb), 0.0, 1.0);
    for (std::size_t n = 0; n < window_; ++n) mono_[n] = 0.5f * (w.left[n] + w.right[n]);
    r.spectralCentroid = spectralCentroid(mono_.data(), w.sampleRate);
    r.ici = r.gateOpen ? coherence_.compute(w.channels) : 0.0;
    return r;
}

}  // namespace soundlab::metrics
