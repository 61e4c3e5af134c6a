#pragma once

#include "audio/AudioBackend.h"
#include "audio/AudioDeviceInfo.h"
#include "audio/StreamConfig.h"
#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"
#include "dsp/SimdImplementation.h"
#include "engine/PerformanceStats.h"

#include <QList>
#include <QString>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace soundlab {

class ProcessingChain;
class PerformanceMonitor;
class PortAudioSession;
struct LoopbackProbe;

// Why a start or configure call failed.
struct EngineError {
    enum class Kind {
        InvalidConfig,      // a value outside what Soundlab supports (rate, block size, device)
        DeviceUnavailable,  // the device exists but could not be opened or started
    };
    Kind kind;
    QString message;
};

// A snapshot of the audio host's state for status displays and the API.
struct AudioStatus {
    bool running = false;
    StreamConfig requested;  // what the user asked for
    StreamInfo stream;       // what runs (meaningful while running)
    uint64_t callbackCount = 0;
    uint64_t inputOverflows = 0;
    uint64_t outputUnderflows = 0;
    QString lastError;  // set when the stream stopped by itself or failed to start
};

// The audio host: owns the active backend, the processing chain run by the audio callback and
// the monitor that turns the callback's timing records into statistics.
//
// Thread-safety: every public method may be called from any non-audio thread (GUI, API server);
// control calls are serialised by an internal mutex that the audio callback never takes.
class AudioEngine {
public:
    AudioEngine();
    ~AudioEngine();
    AudioEngine(const AudioEngine&) = delete;
    AudioEngine& operator=(const AudioEngine&) = delete;

    // Every device PortAudio offers, followed by the virtual device.
    QList<AudioDeviceInfo> devices() const;

    // Checks a configuration without touching the stream (unknown device, unsupported rate or
    // block size); the message lists what is valid.
    std::optional<EngineError> validate(const StreamConfig& config) const;

    // Replaces the configuration; restarts the stream if it was running. On failure the previous
    // configuration is kept (and restarted if it was running).
    std::optional<EngineError> configure(const StreamConfig& config);

    // Starts the stream with the current configuration. Idempotent: starting a running engine
    // does nothing and succeeds.
    std::optional<EngineError> start();
    // Stops the stream. Idempotent.
    void stop();

    bool isRunning() const;
    StreamConfig config() const;
    AudioStatus status() const;
    PerformanceStats performance() const;

    // The D-ASE engine's parameters and the downmix. A change is checked first (the errors name
    // each bad field and its range; nothing is applied then), then reaches the audio thread
    // through the chain's queue, where the engine ramps to it (no clicks). It also holds for the
    // next start.
    dsp::EngineParameters engineParameters() const;
    std::vector<dsp::ParameterError> setEngineParameters(const dsp::EngineParameters& parameters);
    dsp::DownmixParameters downmixParameters() const;
    std::vector<dsp::ParameterError> setDownmixParameters(const dsp::DownmixParameters& parameters);
    // Both at once, as one change (e.g. a preset): all or nothing.
    std::vector<dsp::ParameterError> setParameters(const dsp::EngineParameters& engine,
                                                   const dsp::DownmixParameters& downmix);
    // What the running engine reports: the field's order parameter R after the latest block,
    // non-finite input samples replaced so far, and the SIMD kernel in use.
    float orderParameter() const;
    uint64_t nonFiniteInputSamples() const;
    dsp::SimdImplementation implementation() const;

    // Plays `signal` on both outputs from the next block on while recording the input over
    // `captureFrames` samples in step with it; blocks the caller until done (or `timeoutMs`).
    // The stream keeps running. Used for loopback latency measurement.
    std::optional<std::vector<float>> playAndRecord(std::vector<float> signal, size_t captureFrames,
                                                    int timeoutMs, QString* error);

    // The chain the audio callback runs; parameters reach it through its lock-free interface.
    ProcessingChain& chain();

private:
    // Which backend and which of its devices a configuration names.
    struct DeviceChoice {
        bool isVirtual = true;
        int input = -1;
        int output = -1;
    };
    std::optional<EngineError> resolve(const StreamConfig& config, DeviceChoice* choice) const;
    std::optional<EngineError> startLocked();
    void stopLocked();

    mutable std::mutex controlMutex_;
    std::unique_ptr<PortAudioSession> portAudio_;
    std::shared_ptr<LoopbackProbe> probe_;  // alive while the audio thread may use it
    StreamConfig config_;
    dsp::EngineParameters engineParameters_;
    dsp::DownmixParameters downmixParameters_;
    std::unique_ptr<ProcessingChain> chain_;
    std::unique_ptr<PerformanceMonitor> monitor_;
    std::unique_ptr<AudioBackend> backend_;
    QString lastError_;
    bool stopRequested_ = true;  // false while a stream we started should be running
};

}  // namespace soundlab
