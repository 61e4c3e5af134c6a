#pragma once

#include "audio/AudioBackend.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace soundlab::test {

// An AudioCallback for backend tests: writes `generate(n)` for every output sample n, records
// the input into a buffer allocated in prepare(), and counts callbacks with their host times.
class RecordingCallback : public AudioCallback {
public:
    explicit RecordingCallback(size_t captureFrames, std::function<float(long long)> generate = {})
        : generate_(std::move(generate)), captureFrames_(captureFrames) {}

    void prepare(double, int) override {
        capture_.assign(captureFrames_, 0.0f);
        callbackNs_.assign(100000, 0);
        captured_ = 0;
        callbacks_ = 0;
        outputIndex_ = 0;
    }

    void process(const AudioBlock& block) noexcept override {
        const uint64_t n = callbacks_.load(std::memory_order_relaxed);
        if (n < callbackNs_.size())
            callbackNs_[n] = std::chrono::steady_clock::now().time_since_epoch().count();
        for (int i = 0; i < block.frames; ++i) {
            const float out = generate_ ? generate_(outputIndex_ + i) : 0.0f;
            block.left[i] = block.right[i] = out;
        }
        outputIndex_ += block.frames;
        const size_t have = captured_.load(std::memory_order_relaxed);
        for (int i = 0; i < block.frames && have + size_t(i) < capture_.size(); ++i)
            capture_[have + size_t(i)] = block.input[i];
        captured_.store(std::min(capture_.size(), have + size_t(block.frames)),
                        std::memory_order_release);
        callbacks_.store(n + 1, std::memory_order_release);
    }

    bool full() const { return captured_.load(std::memory_order_acquire) >= capture_.size(); }
    const std::vector<float>& capture() const { return capture_; }
    uint64_t callbacks() const { return callbacks_.load(std::memory_order_acquire); }
    const std::vector<long long>& callbackNs() const { return callbackNs_; }

private:
    std::function<float(long long)> generate_;
    size_t captureFrames_;
    std::vector<float> capture_;
    std::vector<long long> callbackNs_;
    std::atomic<size_t> captured_{0};
    std::atomic<uint64_t> callbacks_{0};
    long long outputIndex_ = 0;
};

// Waits (polling) until `done()` or the timeout; returns done().
template <typename Predicate>
bool waitFor(Predicate done, int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!done() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
}

}  // namespace soundlab::test
