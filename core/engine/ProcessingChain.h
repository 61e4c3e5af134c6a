#pragma once

#include "audio/AudioBackend.h"
#include "dsp/ChromaticFieldEngine.h"
#include "dsp/DownmixParameters.h"
#include "dsp/MasterGain.h"
#include "dsp/StereoDownmix.h"
#include "engine/BlockTiming.h"
#include "engine/LoopbackProbe.h"
#include "engine/RecordingRing.h"
#include "metrics/AnalysisRing.h"
#include "phi/PhiController.h"
#include "rt/TripleBuffer.h"

#include <readerwriterqueue.h>

#include <array>
#include <atomic>
#include <vector>

namespace soundlab {

// The engine and downmix parameters the audio thread runs; plain data.
struct ChainParameters {
    dsp::EngineParameters engine;
    dsp::DownmixParameters downmix;
};

// What the audio callback runs, per block: input → Φ → D-ASE engine (8 channels) → downmix →
// (metrics analysis, loopback probe) → master gain → stereo output. The engine, the downmix and
// the master gain smooth every parameter change themselves.
//
// Threading: process() runs on the audio thread only. setParameters(), setMasterGain(), probe()
// and popTiming() run on control threads. Parameters arrive through a triple buffer (latest value
// wins), the master gain through an atomic, a loopback measurement through the probe slot the
// chain owns (an atomic state word, see LoopbackProbeSlot); timing records with the block's
// levels leave through an SPSC queue.
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
    // Control side: the linear master gain the output ramps to (0: muted). Any thread; the
    // newest wins. Set while stopped, the next prepare() starts there without a ramp.
    void setMasterGain(float gain) { masterGainTarget_.store(gain, std::memory_order_relaxed); }
    // Audio thread (tests and benchmarks drive the chain from theirs): where the ramp is now.
    float masterGainNow() const { return masterGain_.current(); }
    int masterGainRampSamples() const { return masterGain_.rampSamples(); }
    // Control side (one caller at a time: AudioEngine serialises measurements).
    LoopbackProbeSlot::Control probe() { return probe_.control(); }
    // The Φ controller the audio thread runs before the engine; its settings, sensor input and
    // published state are lock-free towards the audio thread (PhiController).
    phi::PhiController& phi() { return phi_; }
    const phi::PhiController& phi() const { return phi_; }
    // The metrics analysis's end of the ring the audio thread fills after the downmix (one
    // consumer at a time; it must not outlive the chain).
    metrics::AnalysisRing& analysisRing() { return analysis_; }
    // The session recorder's end of the ring the audio thread fills with each block's input and
    // output, as the device gets them (one consumer at a time; it must not outlive the chain).
    RecordingRing& recordingRing() { return recording_; }
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
    // Whether flush-to-zero was in effect on the audio thread in the latest block (checked
    // there, as Mixxx does: a host or plug-in may reset the FPU mode).
    bool flushToZeroActive() const { return flushToZero_.load(std::memory_order_relaxed); }
    dsp::SimdImplementation implementation() const { return engine_.implementation(); }
    double sampleRate() const { return sampleRate_; }
    int maxFrames() const { return maxFrames_; }

private:
    void takeParameters() noexcept;
    void processChunk(const float* input, float* left, float* right, int frames,
                      phi::BlockWindow window, int64_t callbackNs, BlockTiming* levels) noexcept;
    void pushAnalysis(const float* input, const float* left, const float* right, int frames,
                      const dsp::PhiInput& phi, int64_t callbackNs) noexcept;
    void pushRecording(const float* input, const float* left, const float* right, int frames,
                       int64_t position, int64_t callbackNs) noexcept;

    static constexpr size_t kTimingCapacity = 8192;  // > 10 s of 64-frame blocks at 48 kHz

    double sampleRate_ = 48000.0;
    int maxFrames_ = 512;

    moodycamel::ReaderWriterQueue<BlockTiming> timings_{kTimingCapacity};
    LoopbackProbeSlot probe_;

    // Audio thread only (and prepare(), with the stream stopped).
    dsp::ChromaticFieldEngine engine_;
    dsp::StereoDownmix downmix_;
    dsp::MasterGain masterGain_;
    phi::PhiController phi_;
    std::array<std::vector<float>, dsp::kFieldChannels> channelBuffers_;
    std::array<float*, dsp::kFieldChannels> channels_{};
    TripleBuffer<ChainParameters> parameters_;
    ChainParameters current_;  // what the engine and downmix were last given

    // To the metrics analysis: the ring, the audio thread's end, and its staging buffer.
    metrics::AnalysisRing analysis_;
    metrics::AnalysisRing::Producer analysisProducer_{analysis_};
    std::vector<metrics::AnalysisSample> analysisSamples_;  // kMaxBlockFrames, allocated once
    // To the session recorder: the same, for the files (only while a recorder listens).
    RecordingRing recording_;
    RecordingRing::Producer recordingProducer_{recording_};
    std::vector<RecordingSample> recordingSamples_;  // kMaxBlockFrames, allocated once
    uint64_t generation_ = 0;       // prepare() calls
    int64_t samplePosition_ = 0;    // frames since prepare()
    float lastCpuLoad_ = 0.0f;      // the previous block's

    std::atomic<float> masterGainTarget_{1.0f};
    std::atomic<float> orderParameter_{0.0f};
    std::atomic<uint64_t> nonFinite_{0};
    std::atomic<bool> flushToZero_{false};

    std::atomic<uint64_t> callbacks_{0};
    std::atomic<int> lastBlockFrames_{0};
    std::atomic<uint64_t> inputOverflows_{0};
    std::atomic<uint64_t> outputUnderflows_{0};
    std::atomic<uint64_t> timingsDropped_{0};
};

}  // namespace soundlab
