#pragma once

#include "WavWriter.h"
#include "rt/SpscRing.h"

#include <QString>
#include <atomic>
#include <optional>
#include <thread>

namespace soundlab {

// Records stereo output to a WAV file without I/O on the audio thread: the audio thread push()es
// into a lock-free ring, a writer thread drains it to disk.
class WavRecorder {
public:
    WavRecorder();
    ~WavRecorder();

    std::optional<QString> start(const QString& path, int sampleRate);
    // Audio thread: never blocks; frames that do not fit are dropped and counted.
    void push(const float* left, const float* right, int frames) noexcept;
    // Drains what is left and finishes the file.
    std::optional<QString> stop();

    uint64_t droppedFrames() const { return dropped_.load(std::memory_order_relaxed); }

private:
    void drainLoop();
    void drainOnce();

    static constexpr int kChunkFrames = 256;
    SpscRing<float> ring_;
    WavWriter writer_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> dropped_{0};
    bool writeFailed_ = false;
};

}  // namespace soundlab
