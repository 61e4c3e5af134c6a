#include "PerformanceMonitor.h"

#include "engine/BlockTiming.h"
#include "engine/ProcessingChain.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace soundlab {

PerformanceMonitor::PerformanceMonitor(ProcessingChain& chain) : chain_(chain) {
    thread_ = std::thread([this] { run(); });
}

PerformanceMonitor::~PerformanceMonitor() {
    running_ = false;
    thread_.join();
}

void PerformanceMonitor::reset(double sampleRate, int blockSize) {
    std::lock_guard lock(mutex_);
    BlockTiming stale;
    while (chain_.popTiming(&stale)) {
    }
    stats_ = {};
    sampleRate_ = sampleRate;
    stats_.bufferDurationMs = 1000.0 * blockSize / sampleRate;
    meanMs_ = m2_ = loadSum_ = 0.0;
    samples_ = 0;
    input_ = left_ = right_ = {};
    dll_.restart(metrics::ClockResync::StreamStart);
    clock_.publish(dll_.estimate());
}

metrics::ClockEstimate PerformanceMonitor::resetClock() {
    std::lock_guard lock(mutex_);
    dll_.restart(metrics::ClockResync::Reset);
    clock_.publish(dll_.estimate());
    return dll_.estimate();
}

PerformanceStats PerformanceMonitor::snapshot() {
    std::lock_guard lock(mutex_);
    drainLocked();
    PerformanceStats s = stats_;
    s.callbackCount = chain_.callbackCount();
    s.inputOverflows = chain_.inputOverflows();
    s.outputUnderflows = chain_.outputUnderflows();
    s.timingRecordsDropped = chain_.timingsDropped();
    return s;
}

SignalLevels PerformanceMonitor::levels() {
    std::lock_guard lock(mutex_);
    drainLocked();
    SignalLevels levels;
    levels.input = reading(input_);
    levels.left = reading(left_);
    levels.right = reading(right_);
    return levels;
}

void PerformanceMonitor::run() {
    while (running_.load()) {
        {
            std::lock_guard lock(mutex_);
            drainLocked();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void PerformanceMonitor::updateMeter(Meter* meter, double blockPeak, double blockMeanSquare,
                                     double blockSeconds) {
    const double fall = std::pow(10.0, -SignalLevels::kPeakFallDbPerS * blockSeconds / 20.0);
    meter->peak = std::max(blockPeak, meter->peak * fall);
    const double alpha = 1.0 - std::exp(-blockSeconds / SignalLevels::kRmsWindowS);
    meter->meanSquare += alpha * (blockMeanSquare - meter->meanSquare);
}

LevelReading PerformanceMonitor::reading(const Meter& meter) {
    const auto db = [](double amplitude) {
        const double v = 20.0 * std::log10(amplitude);
        return std::isfinite(v) ? std::max(v, LevelReading::kFloorDb)
                                : (v > 0 ? 0.0 : LevelReading::kFloorDb);
    };
    LevelReading r;
    r.peakDb = db(meter.peak);
    r.rmsDb = db(std::sqrt(meter.meanSquare));
    return r;
}

void PerformanceMonitor::drainLocked() {
    BlockTiming t;
    bool fed = false;
    while (chain_.popTiming(&t)) {
        dll_.update(t.generation, t.position, t.frames, t.sampleRate, t.startNs, t.status);
        fed = true;
        const double ms = double(t.endNs - t.startNs) / 1e6;
        const double blockMs = 1000.0 * t.frames / sampleRate_;
        const double load = ms / blockMs;
        ++samples_;
        const double delta = ms - meanMs_;
        meanMs_ += delta / double(samples_);
        m2_ += delta * (ms - meanMs_);
        loadSum_ += load;

        stats_.bufferDurationMs = blockMs;  // follows the host's period when it decides
        stats_.currentMs = ms;
        stats_.minMs = samples_ == 1 ? ms : std::min(stats_.minMs, ms);
        stats_.maxMs = std::max(stats_.maxMs, ms);
        stats_.averageMs = meanMs_;
        stats_.stdMs = samples_ > 1 ? std::sqrt(m2_ / double(samples_ - 1)) : 0.0;
        stats_.cpuLoadCurrent = load;
        stats_.cpuLoadAverage = loadSum_ / double(samples_);
        stats_.cpuLoadPeak = std::max(stats_.cpuLoadPeak, load);
        const auto& edges = PerformanceStats::kLoadHistogramEdges;
        ++stats_.loadHistogram[size_t(std::upper_bound(edges.begin(), edges.end(), load) -
                                      edges.begin())];

        if (t.frames > 0) {
            const double seconds = t.frames / sampleRate_;
            const double n = t.frames;
            updateMeter(&input_, t.input.peak, t.input.sumSquares / n, seconds);
            updateMeter(&left_, t.left.peak, t.left.sumSquares / n, seconds);
            updateMeter(&right_, t.right.peak, t.right.sumSquares / n, seconds);
        }
    }
    if (fed) clock_.publish(dll_.estimate());
}

}  // namespace soundlab
