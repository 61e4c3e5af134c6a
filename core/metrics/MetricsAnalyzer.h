#pragma once

#include "metrics/AnalysisRing.h"
#include "metrics/MetricsFrame.h"
#include "metrics/StateClassifier.h"
#include "metrics/TimeBase.h"
#include "metrics/WindowMetrics.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace soundlab::metrics {

// What the analysis runs at (PUT /api/metrics/config, --metrics-rate).
struct MetricsConfig {
    static constexpr double kMinRateHz = 30.0, kMaxRateHz = 120.0;
    static constexpr int kMinWindow = 512, kMaxWindow = 8192;

    double rateHz = 30.0;  // frames per second of sample time
    int window = 2048;     // samples, a power of two

    bool operator==(const MetricsConfig&) const = default;
};

// A bad configuration value: the API field it came from and why.
struct ConfigError {
    std::string field;  // "rate_hz" or "window"
    std::string message;
};
std::optional<ConfigError> validate(const MetricsConfig& config);

// What GET /api/metrics/stats reports about the analysis itself (the WebSocket side adds its own).
struct AnalyzerStats {
    MetricsConfig config;
    uint64_t frames = 0;            // since start
    double achievedRateHz = 0.0;    // over the recent frames, on the steady clock
    double intervalP50Ms = 0.0;     // between the recent frames' production, steady clock
    double intervalP99Ms = 0.0;
    double sampleIntervalMs = 0.0;  // the latest interval in sample time (1000/rate exactly)
    double costMeanMs = 0.0;        // analysis time per frame (steady clock), recent frames
    double costP99Ms = 0.0;
    double costMaxMs = 0.0;
    uint64_t ringOverflows = 0;     // blocks the audio thread could not hand over
    uint64_t restarts = 0;          // stream (re)starts and discontinuities seen
};

// The metrics analysis of SPEC §5 on its own thread (neither the audio thread nor the API's):
// it drains the chain's AnalysisRing, keeps the latest samples, and at every n·fs/rate samples
// of sample time computes one MetricsFrame over the `window` samples ending exactly there, so
// the rate is exact on average whatever the block size (frames leave within a block of their
// sample time). The state classifier runs on every frame. Frames go to the history (the last
// 300 s), `latest`, and the frame sink (the /ws/metrics publisher), in order, once each.
//
// Threading: start()/stop()/setFrameSink() from one control thread; setConfig(), the readers and
// resetStates() from any thread (they take a short lock the analysis thread takes once per
// frame). The sink runs on the analysis thread and must not block. The analyzer holds the ring's
// Consumer while running, so it must be stopped before the ring (the chain) goes.
class MetricsAnalyzer {
public:
    static constexpr double kHistorySeconds = 300.0;

    struct Options {
        MetricsConfig config;
        // From processing a sample to hearing it, seconds (latency::heardLatencySeconds: the
        // reported output latency, the calibrated one once calibrated, plus the user's offsets),
        // asked before each batch of frames; empty: 0.
        std::function<double()> outputLatency;
        // The stream clock's latest estimate (AudioEngine::streamClock(), the delay-locked loop
        // the performance monitor feeds), asked per block; empty: the nominal rate.
        std::function<ClockEstimate()> clock{};
    };
    using FrameSink = std::function<void(const MetricsFrame&)>;

    MetricsAnalyzer(AnalysisRing& ring, Options options);
    ~MetricsAnalyzer();
    MetricsAnalyzer(const MetricsAnalyzer&) = delete;
    MetricsAnalyzer& operator=(const MetricsAnalyzer&) = delete;

    // Before start().
    void setFrameSink(FrameSink sink) { sink_ = std::move(sink); }
    // Returns once the analysis thread runs and holds the ring's consumer end.
    void start();
    void stop();
    bool isRunning() const { return thread_.joinable(); }

    MetricsConfig config() const;
    // Validated first (an error names the field; nothing changes); applied by the analysis
    // thread before its next frame (new FFTW plans there when the window changes). The frame
    // cadence restarts at the current sample; frame ids go on.
    std::optional<ConfigError> setConfig(const MetricsConfig& config);

    std::optional<MetricsFrame> latest() const;
    // The frames whose timestamp is within `seconds` (≤ 300) of the latest one, oldest first.
    std::vector<MetricsFrame> history(double seconds) const;
    AnalyzerStats stats() const;

    struct StateReport {
        State current = State::Idle;   // the latest frame's reported state
        StateClassifier::Counts counts;
        double sinceSeconds = 0.0;     // sample time counted since start or the last reset
        StateClassifier::Input lastInput;  // what the rules saw in the latest frame
    };
    StateReport states() const;
    void resetStates();

    // The clock the frames of stream start `generation` are stamped with (empty until the
    // analysis has seen that stream and follows the stream clock's loop with it): the session
    // recording stamps its first sample with it, so that the files and the frames share one
    // clock. Any thread.
    std::optional<TimeBase> timeBase(uint64_t generation) const;

private:
    struct BlockInfo {
        int64_t start = 0;
        int32_t frames = 0;
        float phiPhase = 0.0f, phiDepth = 0.0f, cpuLoad = 0.0f;
        uint8_t phiMode = 0;
    };

    void run();
    void applyConfig(const MetricsConfig& config);
    void restart(const AnalysisBlock& block);
    void append(const AnalysisBlock& block, const AnalysisSample* samples);
    void produceDueFrames();
    int64_t target(uint64_t n) const;
    MetricsFrame computeFrame(int64_t end);
    double meanOrder(int64_t from, int64_t to) const;
    const BlockInfo* blockAt(int64_t position) const;
    void copyWindow(int64_t end);

    AnalysisRing& ring_;
    Options options_;
    FrameSink sink_;
    std::thread thread_;
    std::mutex wakeMutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    bool ready_ = false;

    // Analysis thread only.
    static constexpr int64_t kHistory = 16384;     // ≥ the largest window + a block
    static constexpr int64_t kOrderHistory = 1 << 17;  // ≥ 1 s at 96 kHz + a block
    static constexpr size_t kBlockInfos = 512;
    MetricsConfig active_;
    std::unique_ptr<WindowMetrics> metrics_;
    std::array<std::vector<float>, kAnalysisChannels> channelHistory_;
    std::vector<float> leftHistory_, rightHistory_, inputHistory_;
    std::vector<double> orderSum_;  // Σ R over the samples before each position
    std::vector<BlockInfo> blockInfos_;
    size_t blockInfoCount_ = 0;
    std::array<std::vector<float>, kAnalysisChannels> channelWindow_;
    std::vector<float> leftWindow_, rightWindow_, inputWindow_;
    bool haveStream_ = false;
    uint64_t generation_ = 0;
    double sampleRate_ = 48000.0;
    int64_t historyStart_ = 0;  // first valid sample of this stream run
    int64_t written_ = 0;       // one past the newest sample
    int64_t origin_ = 0;        // the frame cadence's start
    uint64_t sinceOrigin_ = 0;  // frames since origin_
    uint64_t nextFrameId_ = 1;
    TimeBase timeBase_;

    // Shared with readers, under publishedMutex_.
    mutable std::mutex publishedMutex_;
    MetricsConfig requested_;
    bool configPending_ = false;
    std::vector<MetricsFrame> history_;  // circular, kHistoryFrames
    size_t historyHead_ = 0;             // next write
    size_t historyCount_ = 0;
    std::vector<int64_t> producedNs_;    // circular, steady clock of each frame's production
    std::vector<int64_t> costNs_;        // circular, analysis time of each frame
    uint64_t frames_ = 0;
    uint64_t restarts_ = 0;
    StateClassifier classifier_;  // updated by the analysis thread under the lock
    StateClassifier::Input lastInput_;
    std::optional<TimeBase> publishedTimeBase_;
    uint64_t publishedGeneration_ = 0;
};

}  // namespace soundlab::metrics
