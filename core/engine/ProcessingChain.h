#pragma once

#include "audio/AudioBackend.h"
#include "engine/BlockTiming.h"
#include "engine/LoopbackProbe.h"

#include <readerwriterqueue.h>

#include <atomic>
#include <mutex>

namespace soundlab {

// A command from a control thread to the audio thread.
struct ChainCommand {
    enum class Type { StartProbe, CancelProbe };
    Type type = Type::StartProbe;
    LoopbackProbe* probe = nullptr;
};

// What the audio callback runs, per block: input → Φ → engine → downmix → output.
// (Until the engine lands, the chain copies the input to both outputs.)
//
// Threading: process() runs on the audio thread only. post() and popTiming() run on control
// threads; commands arrive through a pre-allocated SPSC queue (producers are serialised by a
// mutex the audio thread never touches), timing records leave through another.
class ProcessingChain final : public AudioCallback {
public:
    ProcessingChain();

    // AudioCallback
    void prepare(double sampleRate, int maxFrames) override;
    void process(const AudioBlock& block) noexcept override;

    // Control side. Returns false when the queue is full (the audio thread is not running).
    bool post(const ChainCommand& command);
    // Monitor side (one consumer).
    bool popTiming(BlockTiming* timing) { return timings_.try_dequeue(*timing); }

    uint64_t callbackCount() const { return callbacks_.load(std::memory_order_relaxed); }
    // Frames of the latest callback: the host's period when it decides the block size.
    int lastBlockFrames() const { return lastBlockFrames_.load(std::memory_order_relaxed); }
    uint64_t inputOverflows() const { return inputOverflows_.load(std::memory_order_relaxed); }
    uint64_t outputUnderflows() const { return outputUnderflows_.load(std::memory_order_relaxed); }
    uint64_t timingsDropped() const { return timingsDropped_.load(std::memory_order_relaxed); }
    double sampleRate() const { return sampleRate_; }
    int maxFrames() const { return maxFrames_; }

private:
    void runCommands() noexcept;
    void processChunk(const float* input, float* left, float* right, int frames) noexcept;
    void runProbe(const float* input, float* left, float* right, int frames) noexcept;

    static constexpr size_t kCommandCapacity = 64;
    static constexpr size_t kTimingCapacity = 8192;  // > 10 s of 64-frame blocks at 48 kHz

    double sampleRate_ = 48000.0;
    int maxFrames_ = 512;

    moodycamel::ReaderWriterQueue<ChainCommand> commands_{kCommandCapacity};
    std::mutex producerMutex_;  // control threads only
    moodycamel::ReaderWriterQueue<BlockTiming> timings_{kTimingCapacity};

    LoopbackProbe* probe_ = nullptr;  // audio thread only

    std::atomic<uint64_t> callbacks_{0};
    std::atomic<int> lastBlockFrames_{0};
    std::atomic<uint64_t> inputOverflows_{0};
    std::atomic<uint64_t> outputUnderflows_{0};
    std::atomic<uint64_t> timingsDropped_{0};
};

}  // namespace soundlab
