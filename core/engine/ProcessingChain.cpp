#include "ProcessingChain.h"

#include "dsp/ScopedFlushDenormals.h"

#include <algorithm>
#include <chrono>

namespace soundlab {

namespace {
int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

ProcessingChain::ProcessingChain() = default;

void ProcessingChain::prepare(double sampleRate, int maxFrames) {
    // Called with the stream stopped: the audio thread is not running.
    sampleRate_ = sampleRate;
    maxFrames_ = maxFrames;
    probe_ = nullptr;
    // The stream is stopped, so this thread may read the parameters in the audio thread's place.
    parameters_.read(&current_);
    engine_.setParameters(current_.engine);
    engine_.prepare(sampleRate, maxFrames);
    downmix_.setParameters(current_.downmix);
    downmix_.setBandSplit(current_.engine.bandSplit);
    downmix_.prepare(sampleRate, maxFrames);
    for (size_t k = 0; k < channelBuffers_.size(); ++k) {
        channelBuffers_[k].assign(size_t(maxFrames), 0.0f);
        channels_[k] = channelBuffers_[k].data();
    }
    orderParameter_ = 0.0f;
    nonFinite_ = 0;
    ChainCommand stale;
    while (commands_.try_dequeue(stale)) {
    }
    callbacks_ = 0;
    lastBlockFrames_ = 0;
    inputOverflows_ = 0;
    outputUnderflows_ = 0;
    timingsDropped_ = 0;
}

bool ProcessingChain::post(const ChainCommand& command) {
    std::lock_guard lock(producerMutex_);
    return commands_.try_enqueue(command);
}

void ProcessingChain::process(const AudioBlock& block) noexcept {
    const int64_t start = steadyNs();
    dsp::ScopedFlushDenormals flushDenormals;
    runCommands();

    // Hosts with their own period (JACK) may hand us more than maxFrames: run it in pieces.
    for (int offset = 0; offset < block.frames; offset += maxFrames_) {
        const int n = std::min(maxFrames_, block.frames - offset);
        processChunk(block.input + offset, block.left + offset, block.right + offset, n);
    }

    orderParameter_.store(engine_.orderParameter(), std::memory_order_relaxed);
    nonFinite_.store(engine_.nonFiniteInputSamples(), std::memory_order_relaxed);
    const uint64_t index = callbacks_.fetch_add(1, std::memory_order_relaxed);
    lastBlockFrames_.store(block.frames, std::memory_order_relaxed);
    if (block.status & kInputOverflow) inputOverflows_.fetch_add(1, std::memory_order_relaxed);
    if (block.status & kOutputUnderflow) outputUnderflows_.fetch_add(1, std::memory_order_relaxed);

    BlockTiming timing;
    timing.index = index;
    timing.frames = block.frames;
    timing.status = block.status;
    timing.startNs = start;
    timing.inputTime = block.inputTime;
    timing.outputTime = block.outputTime;
    timing.endNs = steadyNs();
    if (!timings_.try_enqueue(timing)) timingsDropped_.fetch_add(1, std::memory_order_relaxed);
}

void ProcessingChain::runCommands() noexcept {
    if (parameters_.read(&current_)) {
        engine_.setParameters(current_.engine);
        downmix_.setParameters(current_.downmix);
        downmix_.setBandSplit(current_.engine.bandSplit);  // its levels follow the engine's bands
    }
    ChainCommand command;
    while (commands_.try_dequeue(command)) {
        switch (command.type) {
            case ChainCommand::Type::StartProbe:
                probe_ = command.probe;
                break;
            case ChainCommand::Type::CancelProbe:
                if (probe_ == command.probe) probe_ = nullptr;
                command.probe->done.store(true, std::memory_order_release);
                break;
        }
    }
}

void ProcessingChain::processChunk(const float* input, float* left, float* right,
                                   int frames) noexcept {
    engine_.process(input, frames, phi_, channels_.data());
    downmix_.process(channels_.data(), frames, left, right);
    if (probe_) runProbe(input, left, right, frames);
}

void ProcessingChain::runProbe(const float* input, float* left, float* right, int frames) noexcept {
    LoopbackProbe& probe = *probe_;
    for (int i = 0; i < frames && probe.position < probe.capture.size(); ++i, ++probe.position) {
        const float out =
            probe.position < probe.signal.size() ? probe.signal[probe.position] : 0.0f;
        left[i] = right[i] = out;
        probe.capture[probe.position] = input[i];
    }
    if (probe.position >= probe.capture.size()) {
        probe.done.store(true, std::memory_order_release);
        probe_ = nullptr;
    }
}

}  // namespace soundlab
