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

ProcessingChain::ProcessingChain()
    : analysisSamples_(metrics::AnalysisRing::kMaxBlockFrames),
      recordingSamples_(RecordingRing::kMaxBlockFrames) {}

void ProcessingChain::prepare(double sampleRate, int maxFrames) {
    // Called with the stream stopped: the audio thread is not running.
    sampleRate_ = sampleRate;
    maxFrames_ = maxFrames;
    probe_.resetStopped();
    // The stream is stopped, so this thread may read the parameters in the audio thread's place.
    parameters_.read(&current_);
    engine_.setParameters(current_.engine);
    engine_.prepare(sampleRate, maxFrames);
    downmix_.setParameters(current_.downmix);
    downmix_.setBandSplit(current_.engine.bandSplit);
    downmix_.prepare(sampleRate, maxFrames);
    masterGain_.prepare(sampleRate, masterGainTarget_.load(std::memory_order_relaxed));
    phi_.prepare(sampleRate);
    for (size_t k = 0; k < channelBuffers_.size(); ++k) {
        channelBuffers_[k].assign(size_t(maxFrames), 0.0f);
        channels_[k] = channelBuffers_[k].data();
    }
    ++generation_;
    samplePosition_ = 0;
    lastCpuLoad_ = 0.0f;
    orderParameter_ = 0.0f;
    nonFinite_ = 0;
    flushToZero_ = false;
    callbacks_ = 0;
    lastBlockFrames_ = 0;
    inputOverflows_ = 0;
    outputUnderflows_ = 0;
    timingsDropped_ = 0;
}

void ProcessingChain::process(const AudioBlock& block) noexcept {
    const int64_t start = steadyNs();
    const int64_t position = samplePosition_;
    dsp::ScopedFlushDenormals flushDenormals;
    flushToZero_.store(dsp::ScopedFlushDenormals::active(), std::memory_order_relaxed);
    takeParameters();
    masterGain_.setTarget(masterGainTarget_.load(std::memory_order_relaxed));
    BlockTiming timing;

    // Hosts with their own period (JACK) may hand us more than maxFrames: run it in pieces.
    // The block stands for the period that just ended, [start − frames/fs, start): MIDI events
    // that arrived in it are placed at the same position within the block (docs/phi.md "MIDI").
    const double nsPerFrame = 1e9 / sampleRate_;
    for (int offset = 0; offset < block.frames; offset += maxFrames_) {
        const int n = std::min(maxFrames_, block.frames - offset);
        const phi::BlockWindow window{
            start - int64_t(double(block.frames - offset) * nsPerFrame),
            start - int64_t(double(block.frames - offset - n) * nsPerFrame)};
        processChunk(block.input ? block.input + offset : nullptr, block.left + offset,
                     block.right + offset, n, window, start, &timing);
    }

    orderParameter_.store(engine_.orderParameter(), std::memory_order_relaxed);
    nonFinite_.store(engine_.nonFiniteInputSamples(), std::memory_order_relaxed);
    const uint64_t index = callbacks_.fetch_add(1, std::memory_order_relaxed);
    lastBlockFrames_.store(block.frames, std::memory_order_relaxed);
    if (block.status & kInputOverflow) inputOverflows_.fetch_add(1, std::memory_order_relaxed);
    if (block.status & kOutputUnderflow) outputUnderflows_.fetch_add(1, std::memory_order_relaxed);

    timing.index = index;
    timing.generation = generation_;
    timing.position = position;
    timing.sampleRate = sampleRate_;
    timing.frames = block.frames;
    timing.status = block.status;
    timing.startNs = start;
    timing.inputTime = block.inputTime;
    timing.outputTime = block.outputTime;
    timing.endNs = steadyNs();
    if (block.frames > 0)
        lastCpuLoad_ = float(double(timing.endNs - start) * sampleRate_ / (1e9 * block.frames));
    if (!timings_.try_enqueue(timing)) timingsDropped_.fetch_add(1, std::memory_order_relaxed);
}

void ProcessingChain::takeParameters() noexcept {
    if (parameters_.read(&current_)) {
        engine_.setParameters(current_.engine);
        downmix_.setParameters(current_.downmix);
        downmix_.setBandSplit(current_.engine.bandSplit);  // its levels follow the engine's bands
    }
}

void ProcessingChain::processChunk(const float* input, float* left, float* right, int frames,
                                   phi::BlockWindow window, int64_t callbackNs,
                                   BlockTiming* levels) noexcept {
    // The controller's (phase, depth) for these frames, in segments where a MIDI event changes
    // it within the chunk; the engine ramps to each from the segment's first sample.
    dsp::PhiInput phi{};
    phi_.process(input, frames, window, [&](int offset, int n, const dsp::PhiInput& segment) {
        std::array<float*, dsp::kFieldChannels> channels;
        for (size_t k = 0; k < channels.size(); ++k) channels[k] = channels_[k] + offset;
        engine_.process(input ? input + offset : nullptr, n, segment, channels.data());
        phi = segment;  // the analysis record carries the chunk's last
    });
    downmix_.process(channels_.data(), frames, left, right);
    const int64_t position = samplePosition_;
    pushAnalysis(input, left, right, frames, phi, callbackNs);
    probe_.audio().run(input, left, right, frames);
    // Then what leaves is what the operator set, probe signals included (a panic silences all).
    masterGain_.process(left, right, frames);
    const auto accumulate = [](dsp::BlockLevel* total, const dsp::BlockLevel& chunk) {
        total->peak = std::max(total->peak, chunk.peak);
        total->sumSquares += chunk.sumSquares;
    };
    accumulate(&levels->input, dsp::measureLevel(input, frames));
    accumulate(&levels->left, dsp::measureLevel(left, frames));
    accumulate(&levels->right, dsp::measureLevel(right, frames));
    // Last: the files hold what the device plays.
    pushRecording(input, left, right, frames, position, callbackNs);
}

void ProcessingChain::pushAnalysis(const float* input, const float* left, const float* right,
                                   int frames, const dsp::PhiInput& phi,
                                   int64_t callbackNs) noexcept {
    // Records of at most kMaxBlockFrames (maxFrames_ may exceed it only in theory).
    constexpr int kMax = int(metrics::AnalysisRing::kMaxBlockFrames);
    for (int offset = 0; offset < frames; offset += kMax) {
        const int n = std::min(kMax, frames - offset);
        for (int i = 0; i < n; ++i) {
            metrics::AnalysisSample& s = analysisSamples_[size_t(i)];
            for (int k = 0; k < metrics::kAnalysisChannels; ++k)
                s.channels[size_t(k)] = channels_[size_t(k)][offset + i];
            s.left = left[offset + i];
            s.right = right[offset + i];
            s.input = input ? input[offset + i] : 0.0f;
        }
        metrics::AnalysisBlock record;
        record.generation = generation_;
        record.samplePosition = samplePosition_;
        record.frames = n;
        record.sampleRate = sampleRate_;
        record.callbackSteadyNs = callbackNs;
        record.orderParameter = engine_.orderParameter();
        record.fieldPhases = engine_.fieldPhases();
        record.phiPhase = phi.phase;
        record.phiDepth = phi.depth;
        record.phiMode = uint8_t(phi_.activeMode());
        record.cpuLoad = lastCpuLoad_;
        analysisProducer_.push(record, analysisSamples_.data());
        samplePosition_ += n;
    }
}

void ProcessingChain::pushRecording(const float* input, const float* left, const float* right,
                                    int frames, int64_t position, int64_t callbackNs) noexcept {
    if (!recordingProducer_.listening()) return;  // not recording: no copy
    constexpr int kMax = int(RecordingRing::kMaxBlockFrames);
    for (int offset = 0; offset < frames; offset += kMax) {
        const int n = std::min(kMax, frames - offset);
        for (int i = 0; i < n; ++i)
            recordingSamples_[size_t(i)] = {input ? input[offset + i] : 0.0f, left[offset + i],
                                            right[offset + i]};
        RecordingBlock record;
        record.generation = generation_;
        record.samplePosition = position + offset;
        record.frames = n;
        record.sampleRate = sampleRate_;
        record.callbackSteadyNs = callbackNs;
        recordingProducer_.push(record, recordingSamples_.data());
    }
}

}  // namespace soundlab
