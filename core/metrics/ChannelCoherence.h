#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace soundlab::metrics {

// `ici`, integrated chromatic information (SPEC §5): how much the eight colour channels share.
// For each pair (i, j), with X the Hann-windowed DFT of a channel over the window (positive
// frequencies, DC excluded),
//   ICI_ij = |Σ_f X_i(f)·X_j*(f)| / √(Σ_f |X_i(f)|² · Σ_f |X_j(f)|²),
// and ici is the mean over the 28 pairs. Identical channels give 1; disjoint bands or independent
// noise give near 0. A pair with a silent channel counts as 0, so silence gives 0; the metrics'
// input-level gate (SPEC §5: 0 when the gate is closed) is the caller's.
//
// Not magnitude-squared coherence: that is blind to linear filtering, so band-split channels of
// one input would read ≈ 1.
//
// Spectra by FFTW3 (single precision, real-to-complex, one plan made at construction: FFTW's
// planner is not thread-safe, its execute functions are).
// Threading: one instance per thread; compute() allocates nothing once constructed.
class ChannelCoherence {
public:
    static constexpr int kChannels = 8;

    // window: samples per channel, a power of two (SPEC §5: 2048).
    explicit ChannelCoherence(std::size_t window = 2048);
    ~ChannelCoherence();
    ChannelCoherence(const ChannelCoherence&) = delete;
    ChannelCoherence& operator=(const ChannelCoherence&) = delete;

    std::size_t window() const { return window_; }

    // FFTW's planner is not thread-safe: every plan of the process is made (and destroyed)
    // under this lock.
    static std::mutex& fftwPlannerMutex();

    // channels: 8 pointers to `window()` samples each (the latest window).
    double compute(const std::array<const float*, kChannels>& channels);

private:
    // FFTW's own aligned buffers, freed with fftwf_free.
    struct FftwDeleter {
        void operator()(void* p) const;
    };
    using Samples = std::unique_ptr<float[], FftwDeleter>;
    using Spectrum = std::unique_ptr<std::complex<float>[], FftwDeleter>;

    std::size_t window_;
    std::vector<float> hann_;
    Samples input_;                                // the windowed channel being transformed
    std::array<Spectrum, kChannels> spectra_;      // window/2 + 1 bins each
    void* plan_ = nullptr;                         // fftwf_plan: input_ → a spectrum buffer
};

}  // namespace soundlab::metrics
