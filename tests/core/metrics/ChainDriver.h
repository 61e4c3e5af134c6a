#pragma once

#include "engine/ProcessingChain.h"
#include "metrics/MetricsAnalyzer.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace soundlab::metrics::test {

// The real chain (Φ → engine → downmix → AnalysisRing) driven block by block from the test
// thread, faster than real time, and the real analyzer on its own thread draining it. Feeding
// waits whenever the analysis is more than 0.25 s behind, so the ring never overflows. Every
// frame the analyzer hands its sink is collected.
class ChainDriver {
public:
    explicit ChainDriver(MetricsConfig config = {}, double sampleRate = 48000.0, int block = 512,
                         ChainParameters parameters = {})
        : sampleRate_(sampleRate), block_(block) {
        chain.setParameters(parameters);
        chain.prepare(sampleRate, block);
        analyzer = std::make_unique<MetricsAnalyzer>(
            chain.analysisRing(), MetricsAnalyzer::Options{config, {}});
        analyzer->setFrameSink([this](const MetricsFrame& f) {
            std::lock_guard lock(mutex_);
            frames_.push_back(f);
        });
        analyzer->start();
        input_.resize(size_t(block));
        left_.resize(size_t(block));
        right_.resize(size_t(block));
    }
    ~ChainDriver() { analyzer->stop(); }

    // Feeds `seconds` of input, sample n (from the stream's start) given by `signal(n)`.
    void feed(double seconds, const std::function<float(int64_t)>& signal) {
        const int64_t end = position_ + int64_t(seconds * sampleRate_);
        while (position_ < end) {
            const int n = int(std::min<int64_t>(block_, end - position_));
            for (int i = 0; i < n; ++i) input_[size_t(i)] = signal(position_ + i);
            AudioBlock block;
            block.input = input_.data();
            block.left = left_.data();
            block.right = right_.data();
            block.frames = n;
            chain.process(block);
            position_ += n;
            waitUntilBehindBy(int64_t(0.25 * sampleRate_));
        }
    }
    // Waits until the analysis has made every frame due so far.
    // Waits until the analysis has caught up with what was fed: within a frame and a block of
    // the end, and then no new frame for 200 ms (the analysis polls every 2 ms), so a frame that
    // was still due when the position check passed is in frames() and latest() too.
    void drain() {
        waitUntilBehindBy(int64_t(sampleRate_ / 30.0) + block_);
        size_t count = frames().size();
        for (int i = 0; i < 100; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            const size_t now = frames().size();
            if (now == count) return;
            count = now;
        }
    }

    std::vector<MetricsFrame> frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    // Frames whose window ends at or after `seconds` of sample time.
    std::vector<MetricsFrame> framesFrom(double seconds) const {
        std::vector<MetricsFrame> out;
        for (const auto& f : frames())
            if (double(f.samplePosition) >= seconds * sampleRate_) out.push_back(f);
        return out;
    }
    int64_t position() const { return position_; }

    ProcessingChain chain;
    std::unique_ptr<MetricsAnalyzer> analyzer;

private:
    void waitUntilBehindBy(int64_t samples) {
        for (int i = 0; i < 20000; ++i) {
            int64_t done = 0;
            {
                std::lock_guard lock(mutex_);
                if (!frames_.empty()) done = frames_.back().samplePosition;
            }
            if (position_ - done <= samples) return;
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
    }

    double sampleRate_;
    int block_;
    int64_t position_ = 0;
    std::vector<float> input_, left_, right_;
    mutable std::mutex mutex_;
    std::vector<MetricsFrame> frames_;
};

}  // namespace soundlab::metrics::test
