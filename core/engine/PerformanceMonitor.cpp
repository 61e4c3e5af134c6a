#include "PerformanceMonitor.h"

#include "engine/BlockTiming.h"
#include "engine/ProcessingChain.h"

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
    dll_.restart(metrics::ClockResync::StreamStart);
    clock_.publish(dll_.estimate());
}

metrics::ClockEstimate PerformanceMonitor::resetClock() {
    std::lock_guard lock(mutex_);
    dll_.restart(metrics::ClockResync::Reset);
    clock_.publish(dll_.estimate());
    return dll_.estimate();
}

PerformanceStats PerformanceMonitor::snapshot() const {
    std::lock_guard lock(mutex_);
    PerformanceStats s = stats_;
    s.callbackCount = chain_.callbackCount();
    s.inputOverflows = chain_.inputOverflows();
    s.outputUnderflows = chain_.outputUnderflows();
    s.timingRecordsDropped = chain_.timingsDropped();
    return s;
}

void PerformanceMonitor::run() {
    while (running_.load()) {
        drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void PerformanceMonitor::drain() {
    std::lock_guard lock(mutex_);
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
    }
    if (fed) clock_.publish(dll_.estimate());
}

}  // namespace soundlab
