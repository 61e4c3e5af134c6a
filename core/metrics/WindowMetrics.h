#pragma once

#include "metrics/ChannelCoherence.h"

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace soundlab::metrics {

// The audio-derived metrics of one analysis window (SPEC §5; formulas in docs/metrics.md):
// the input level and its activity gate, the spectral centroid of the stereo output's mono mix,
// and `ici` over the eight engine channels (ChannelCoherence). The field-derived ones (coherence,
// criticality) and the composite come from the functions below.
//
// Spectra by FFTW3 (single precision); the plans are made at construction (under FFTW's planner
// lock, see ChannelCoherence), so construct on the analysis thread or a control thread, never on
// the audio thread. compute() allocates nothing.
// Threading: one instance per thread.
class WindowMetrics {
public:
    static constexpr double kLevelFloorDb = -120.0;  // what silence reads (JSON has no −inf)
    static constexpr double kGateDb = -80.0;         // below: the gate is closed
    static constexpr double kGateFullDb = -60.0;     // from here the activity gate is 1

    explicit WindowMetrics(std::size_t window);
    ~WindowMetrics();
    WindowMetrics(const WindowMetrics&) = delete;
    WindowMetrics& operator=(const WindowMetrics&) = delete;

    std::size_t window() const { return window_; }

    struct Window {
        std::array<const float*, ChannelCoherence::kChannels> channels{};  // window() each
        const float* left = nullptr;
        const float* right = nullptr;
        const float* input = nullptr;
        double sampleRate = 48000.0;
    };
    struct Result {
        double levelDb = kLevelFloorDb;  // RMS of the input, dBFS
        double activity = 0.0;           // the activity gate, [0, 1]
        bool gateOpen = false;           // levelDb > kGateDb
        double spectralCentroid = 0.0;   // Hz; 0 below the −80 dBFS gate on the mono mix
        double ici = 0.0;                // 0 while the input gate is closed
    };
    Result compute(const Window& w);

    // Spectral centroid of `samples` (window() of them): Hann window, magnitude-weighted mean
    // frequency over the bins 1 … W/2 (DC excluded); 0 when their RMS is below −80 dBFS.
    double spectralCentroid(const float* samples, double sampleRate);

private:
    struct FftwDeleter {
        void operator()(void* p) const;
    };
    std::size_t window_;
    ChannelCoherence coherence_;
    std::vector<float> hann_;
    std::vector<float> mono_;
    std::unique_ptr<float[], FftwDeleter> fftIn_;
    std::unique_ptr<float[], FftwDeleter> fftOut_;  // (W/2 + 1) complex values, interleaved
    void* plan_ = nullptr;
};

// RMS of `n` samples in dBFS, floored at WindowMetrics::kLevelFloorDb.
double rmsDb(const float* samples, std::size_t n);
// 4·R̄·(1 − R̄): 1 at the edge between order (R̄ = 1) and disorder (R̄ = 0).
double criticality(double meanOrderParameter);
// log10(centroid / 20 Hz) / log10(1000), clamped to [0, 1]: 20 Hz → 0, 20 kHz → 1.
double logCentroid(double centroidHz);
// activity · (0.4·coherence + 0.3·(1 − ici) + 0.3·logCentroid(centroid)).
double consciousnessLevel(double activity, double coherence, double ici, double centroidHz);

}  // namespace soundlab::metrics
