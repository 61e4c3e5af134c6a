#pragma once

#include "rt/SpscRing.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace soundlab {

// Blocks of sample frames leaving the audio thread: one `Block` record (which must have an
// integer `frames` member) per block plus its `Sample` frames, in two SPSC rings allocated once,
// at construction. A block that does not fit whole is dropped whole and counted; push() never
// blocks and never allocates. The metrics analysis (metrics::AnalysisRing) and the session
// recording (RecordingRing) take the chain's audio this way.
//
// Threading, in the types: the audio thread holds the Producer; one consumer thread at a time
// holds the Consumer. While no Consumer exists the producer pushes nothing (nobody listening:
// nothing to count as lost).
template <typename Block, typename Sample>
class BlockRing {
    static_assert(std::is_trivially_copyable_v<Block> && std::is_trivially_copyable_v<Sample>);

public:
    BlockRing(size_t sampleCapacity, size_t blockCapacity, size_t maxBlockFrames)
        : samples_(sampleCapacity), blocks_(blockCapacity), maxBlockFrames_(maxBlockFrames) {}
    BlockRing(const BlockRing&) = delete;
    BlockRing& operator=(const BlockRing&) = delete;

    // The audio thread's end.
    class Producer {
    public:
        explicit Producer(BlockRing& ring) : ring_(ring) {}
        // Whether a consumer listens: a producer may skip preparing samples nobody takes.
        bool listening() const noexcept {
            return ring_.consumerAttached_.load(std::memory_order_acquire);
        }
        // Returns false when the block was dropped (the consumer fell behind).
        bool push(const Block& block, const Sample* samples) noexcept {
            if (!listening()) return true;
            const size_t frames = size_t(block.frames);
            if (frames > ring_.maxBlockFrames_ || ring_.samples_.writable() < frames ||
                ring_.blocks_.writable() < 1) {
                ring_.overflows_.fetch_add(1, std::memory_order_relaxed);
                ring_.droppedFrames_.fetch_add(frames, std::memory_order_relaxed);
                return false;
            }
            // Samples first: once the consumer sees the record, its samples are there.
            ring_.samples_.push(samples, frames);
            ring_.blocks_.push(&block, 1);
            return true;
        }

    private:
        BlockRing& ring_;
    };

    // The consumer thread's end; one at a time. Destroy it before the ring.
    class Consumer {
    public:
        explicit Consumer(BlockRing& ring) : ring_(ring) {
            if (ring_.consumerAttached_.exchange(true))
                throw std::logic_error("BlockRing: one consumer at a time");
            discard();
        }
        ~Consumer() { ring_.consumerAttached_.store(false, std::memory_order_release); }
        Consumer(const Consumer&) = delete;
        Consumer& operator=(const Consumer&) = delete;

        // The next block and its samples (`samples` holds maxBlockFrames()); false when none.
        bool pop(Block* block, Sample* samples) {
            if (ring_.blocks_.available() == 0) return false;
            ring_.blocks_.pop(block, 1);
            ring_.samples_.pop(samples, size_t(block->frames));
            return true;
        }
        // Drops whatever is queued (stale audio from before the consumer looked).
        void discard() {
            Block block;
            while (ring_.blocks_.pop(&block, 1) == 1) {
                for (size_t left = size_t(std::max<int64_t>(0, block.frames)); left > 0;) {
                    Sample s[64];
                    left -= ring_.samples_.pop(s, std::min<size_t>(64, left));
                }
            }
        }
        uint64_t overflows() const { return ring_.overflows(); }

    private:
        BlockRing& ring_;
    };

    size_t maxBlockFrames() const { return maxBlockFrames_; }
    // Blocks, and their frames, dropped because the ring was full, since construction. Any thread.
    uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }
    uint64_t droppedFrames() const { return droppedFrames_.load(std::memory_order_relaxed); }

private:
    SpscRing<Sample> samples_;
    SpscRing<Block> blocks_;
    const size_t maxBlockFrames_;
    std::atomic<bool> consumerAttached_{false};
    std::atomic<uint64_t> overflows_{0};
    std::atomic<uint64_t> droppedFrames_{0};
};

}  // namespace soundlab
