#pragma once

#include "rt/SpscRing.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace soundlab::metrics {

inline constexpr int kAnalysisChannels = 8;

// One sample frame of what the chain played: the eight engine channels, the stereo output and
// the (mono) input.
struct AnalysisSample {
    std::array<float, kAnalysisChannels> channels;
    float left;
    float right;
    float input;
};
static_assert(std::is_trivially_copyable_v<AnalysisSample>);

// What the audio thread records about one block besides its samples.
struct AnalysisBlock {
    uint64_t generation = 0;      // stream starts (prepare() calls); a new one restarts the analysis
    int64_t samplePosition = 0;   // of the block's first frame, counted from the stream's start
    int32_t frames = 0;           // ≤ AnalysisRing::kMaxBlockFrames
    double sampleRate = 48000.0;
    int64_t callbackSteadyNs = 0;  // steady clock at callback entry: the block's capture time
    float orderParameter = 0.0f;   // Kuramoto R of the field at the block's end
    std::array<float, kAnalysisChannels> fieldPhases{};  // θ_k at the block's end, radians
    float phiPhase = 0.0f;  // what the engine got for this block
    float phiDepth = 0.0f;  // [0, Φ]
    uint8_t phiMode = 0;    // phi::Mode
    float cpuLoad = 0.0f;   // the previous block's processing time ÷ its duration
};
static_assert(std::is_trivially_copyable_v<AnalysisBlock>);

// The lock-free path from the audio thread to the metrics analysis (SPEC §5): one AnalysisBlock
// record per block plus its samples, in two SPSC rings of fixed capacity (allocated once, at
// construction, for the worst case: 96 kHz, 64-frame blocks), so that more than 300 ms of audio
// fits at any rate and block size. A block that does not fit whole is dropped whole and counted.
//
// Threading, in the types: the chain (audio thread) holds the Producer; the analysis thread holds
// the one Consumer. While no Consumer exists the producer pushes nothing (no analysis running:
// nothing to count as lost).
class AnalysisRing {
public:
    static constexpr size_t kMaxBlockFrames = 2048;  // longer blocks are pushed as several records
    static constexpr size_t kSampleCapacity = 65535;  // 0.68 s at 96 kHz
    static constexpr size_t kBlockCapacity = 2047;    // 1.36 s of 64-frame blocks at 96 kHz

    AnalysisRing() : samples_(kSampleCapacity), blocks_(kBlockCapacity) {}
    AnalysisRing(const AnalysisRing&) = delete;
    AnalysisRing& operator=(const AnalysisRing&) = delete;

    // The audio thread's end. push() never blocks and never allocates.
    class Producer {
    public:
        explicit Producer(AnalysisRing& ring) : ring_(ring) {}
        // Returns false when the block was dropped (the consumer fell > 300 ms behind).
        bool push(const AnalysisBlock& block, const AnalysisSample* samples) noexcept {
            if (!ring_.consumerAttached_.load(std::memory_order_acquire)) return true;
            const size_t frames = size_t(block.frames);
            if (frames > kMaxBlockFrames || ring_.samples_.writable() < frames ||
                ring_.blocks_.writable() < 1) {
                ring_.overflows_.fetch_add(1, std::memory_order_relaxed);
                return false;
            }
            // Samples first: once the consumer sees the record, its samples are there.
            ring_.samples_.push(samples, frames);
            ring_.blocks_.push(&block, 1);
            return true;
        }

    private:
        AnalysisRing& ring_;
    };

    // The analysis thread's end; one at a time. Destroy it before the ring.
    class Consumer {
    public:
        explicit Consumer(AnalysisRing& ring) : ring_(ring) {
            if (ring_.consumerAttached_.exchange(true))
                throw std::logic_error("AnalysisRing: one consumer at a time");
            discard();
        }
        ~Consumer() { ring_.consumerAttached_.store(false, std::memory_order_release); }
        Consumer(const Consumer&) = delete;
        Consumer& operator=(const Consumer&) = delete;

        // The next block and its samples (`samples` holds kMaxBlockFrames); false when none.
        bool pop(AnalysisBlock* block, AnalysisSample* samples) {
            if (ring_.blocks_.available() == 0) return false;
            ring_.blocks_.pop(block, 1);
            ring_.samples_.pop(samples, size_t(block->frames));
            return true;
        }
        // Drops whatever is queued (stale audio from before the consumer looked).
        void discard() {
            AnalysisBlock block;
            while (ring_.blocks_.pop(&block, 1) == 1) {
                for (int32_t left = block.frames; left > 0;) {
                    AnalysisSample s[64];
                    left -= int32_t(ring_.samples_.pop(s, std::min<size_t>(64, size_t(left))));
                }
            }
        }
        uint64_t overflows() const { return ring_.overflows(); }

    private:
        AnalysisRing& ring_;
    };

    // Blocks dropped because the ring was full, since construction. Any thread.
    uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }

private:
    SpscRing<AnalysisSample> samples_;
    SpscRing<AnalysisBlock> blocks_;
    std::atomic<bool> consumerAttached_{false};
    std::atomic<uint64_t> overflows_{0};
};

}  // namespace soundlab::metrics
