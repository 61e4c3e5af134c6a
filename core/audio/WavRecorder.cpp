#include "WavRecorder.h"

#include <chrono>

namespace soundlab {

// Two seconds of 96 kHz stereo: room for the writer thread to stall on a slow disk.
WavRecorder::WavRecorder() : ring_(2 * 96000 * 2) {}

WavRecorder::~WavRecorder() {
    stop();
}

std::optional<QString> WavRecorder::start(const QString& path, int sampleRate) {
    QString error;
    if (!writer_.open(path, sampleRate, 2, &error)) return error;
    writeFailed_ = false;
    running_ = true;
    thread_ = std::thread([this] { drainLoop(); });
    return std::nullopt;
}

void WavRecorder::push(const float* left, const float* right, int frames) noexcept {
    float chunk[kChunkFrames * 2];
    for (int done = 0; done < frames;) {
        const int n = std::min(kChunkFrames, frames - done);
        for (int i = 0; i < n; ++i) {
            chunk[2 * i] = left[done + i];
            chunk[2 * i + 1] = right[done + i];
        }
        // Whole frames only, so the file never gets out of step between channels.
        const size_t fit = std::min(size_t(n), ring_.writable() / 2);
        ring_.push(chunk, 2 * fit);
        if (fit < size_t(n)) dropped_.fetch_add(uint64_t(n) - fit, std::memory_order_relaxed);
        done += n;
    }
}

std::optional<QString> WavRecorder::stop() {
    if (!thread_.joinable()) return std::nullopt;
    running_ = false;
    thread_.join();
    drainOnce();
    QString error;
    if (!writer_.close(&error)) return error;
    if (writeFailed_) return QStringLiteral("recording incomplete: a write failed");
    return std::nullopt;
}

void WavRecorder::drainLoop() {
    while (running_.load()) {
        drainOnce();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void WavRecorder::drainOnce() {
    float chunk[kChunkFrames * 2];
    size_t n;
    // Pop whole frames only (the ring always holds an even count: push writes frame pairs).
    while ((n = ring_.pop(chunk, kChunkFrames * 2)) > 0)
        if (!writer_.write(chunk, qint64(n / 2))) writeFailed_ = true;
}

}  // namespace soundlab
