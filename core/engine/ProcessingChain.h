#pragma once

#include "audio/AudioBackend.h"
#include "dsp/ChromaticFieldEngine.h"
#include "dsp/DownmixParameters.h"
#include "dsp/StereoDownmix.h"
#include "engine/BlockTiming.h"
#include "engine/LoopbackProbe.h"
#include "rt/TripleBuffer.h"

#include <readerwriterqueue.h>

#include <array>
#include <atomic>
#include <mutex>
#include <vector>

namespace soundlab {

// A command from a control thread to the audio thread.
// The engine and downmix parameters the audio thread runs; plain data.
struct ChainParameters {
    dsp::EngineParameters engine;
    dsp::DownmixParameters downmix;
};

// A one-off action for the audio thread; plain data, so it travels through the queue by copy.
struct ChainCommand {
    enum class Type { StartProbe, CancelProbe };
    Type type = Type::StartProbe;
    LoopbackProbe* probe = nullptr;

    static ChainCommand probeCommand(Type type, LoopbackProbe* probe) {
        ChainCommand c;
        c.type = type;
        c.probe = probe;
        return c;
    }
};

// What the audio callback runs, per block: input → Φ → D-ASE engine (8 channels) → downmix →
// stereo output. The engine and the downmix smooth every parameter change themselves.
//
// Threading: process() runs on the audio thread only. setParameters(), post() and popTiming()
// run on control threads. Parameters arrive through a triple buffer (latest value wins),
// one-off commands through a pre-allocated SPSC queue (producers are serialised by a mutex the
// audio thread never touches), timing records leave through another SPSC queue.
class ProcessingChain final : public AudioCallback {
public:
    ProcessingChain();

    // AudioCallback
    void prepare(double sampleRate, int maxFrames) override;
    void process(const AudioBlock& block) noexcept override;

    // Control side (one caller at a time): the parameters the audio thread moves to next. The
    // newest always wins, nothing is ever dropped; the engine ramps to them (no clicks). Set
    // while stopped, they are where the next prepare() starts, without a ramp.
    void setParameters(const ChainParameters& parameters) { parameters_.write(parameters); }
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
    // Published by the audio thread after each block.
    float orderParameter() const { return orderParameter_.load(std::memory_order_relaxed); }
    uint64_t nonFiniteInputSamples() const { return nonFinite_.load(std::memory_order_relaxed); }
    dsp::SimdImplementation implementation() const { return engine_.implementation(); }
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

    // Audio thread only (and prepare(), with the stream stopped).
    LoopbackProbe* probe_ = nullptr;
    dsp::ChromaticFieldEngine engine_;
    dsp::StereoDownmix downmix_;
    dsp::PhiInput phi_;
    std::array<std::vector<float>, dsp::kFieldChannels> channelBuffers_;
    std::array<float*, dsp::kFieldChannels> channels_{};
    TripleBuffer<ChainParameters> parameters_;
    ChainParameters current_;  // what the engine and downmix were last given

    std::atomic<float> orderParameter_{0.0f};
    std::atomic<uint64_t> nonFinite_{0};

    std::atomic<uint64_t> callbacks_{0};
    std::atomic<int> lastBlockFrames_{0};
    std::atomic<uint64_t> inputOverflows_{0};
    std::atomic<uint64_t> outputUnderflows_{0};
    std::atomic<uint64_t> timingsDropped_{0};
};

}  // namespace soundlab
