#pragma once

#include "audio/AudioBackend.h"
#include "audio/AudioDeviceInfo.h"
#include "audio/StreamConfig.h"
#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"
#include "dsp/MasterGain.h"
#include "dsp/SimdImplementation.h"
#include "engine/PerformanceStats.h"
#include "engine/ProcessingChain.h"
#include "metrics/DelayLockedLoop.h"
#include "phi/MidiInput.h"
#include "phi/SensorInbox.h"
#include "rt/Published.h"

#include <QList>
#include <QString>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace soundlab {

class PerformanceMonitor;
class PortAudioSession;

// Why a start or configure call failed.
struct EngineError {
    enum class Kind {
        InvalidConfig,      // a value outside what Soundlab supports (rate, block size, device)
        DeviceUnavailable,  // the device exists but could not be opened or started
    };
    Kind kind;
    QString message;
};

// What the stream is doing, as far as the engine can tell.
enum class StreamState {
    Stopped,  // not started, or stopped on request
    Running,  // the callback runs
    Stalled,  // the stream claims to run but the callback has not come for a while (watchdog)
    Lost,     // the stream ended by itself: device unplugged, server gone; start() recovers
};
QString streamStateName(StreamState state);

// A snapshot of the audio host's state for status displays and the API.
struct AudioStatus {
    StreamState state = StreamState::Stopped;
    bool running = false;    // state == Running or Stalled: a stream is open
    StreamConfig requested;  // what the user asked for
    StreamInfo stream;       // what runs (meaningful while running)
    uint64_t callbackCount = 0;
    uint64_t inputOverflows = 0;
    uint64_t outputUnderflows = 0;
    // Flush-to-zero as checked on the audio thread in its latest block; empty before the first.
    std::optional<bool> flushToZero;
    QString lastError;  // set when the stream stopped by itself, stalled or failed to start
};

// The engine and downmix parameters, edited together.
using DspSettings = ChainParameters;

// The audio host: owns the active backend, the processing chain run by the audio callback, the
// monitor that turns the callback's timing records into statistics, and a watchdog.
//
// Threading: every public method may be called from any non-audio thread (GUI, API workers).
//  - Readers (status(), config(), isRunning(), devices()) never wait: they read a published
//    snapshot (see Published), so a device open or a rescan never freezes a window or a stream.
//  - Control calls (configure, start, stop, rescanDevices, a measurement's arming) are serialised
//    by a control mutex that only they take; they may block on device I/O.
//  - Parameters are edited under their own short lock, read–modify–write in one scope
//    (updateSettings), and reach the audio thread through a triple buffer.
//  - The watchdog thread notices a stream that died (Lost) or stopped calling back (Stalled)
//    within a second and publishes it.
//  - The audio callback takes none of these locks.
class AudioEngine {
public:
    AudioEngine();
    ~AudioEngine();
    AudioEngine(const AudioEngine&) = delete;
    AudioEngine& operator=(const AudioEngine&) = delete;

    // The devices of the latest scan: PortAudio's (ALSA, …), a JACK server when one was
    // reachable, then the virtual device. Never waits.
    QList<AudioDeviceInfo> devices() const;
    // Enumerates again (a sound card plugged in, a JACK server started) and returns the new
    // list. PortAudio is re-initialised only while none of its streams is open.
    QList<AudioDeviceInfo> rescanDevices();

    // Checks a configuration without touching the stream (unknown device, unsupported rate or
    // block size); the message lists what is valid.
    std::optional<EngineError> validate(const StreamConfig& config) const;

    // Replaces the configuration; restarts the stream if it was running. On failure the previous
    // configuration is kept (and restarted if it was running).
    std::optional<EngineError> configure(const StreamConfig& config);
    // The same as a read–modify–write of config() in one control-lock scope: `edit` changes the
    // configuration current when it runs, so concurrent changes of other fields survive.
    std::optional<EngineError> updateConfig(const std::function<void(StreamConfig&)>& edit);

    // Starts the stream with the current configuration. Starting a healthy running stream does
    // nothing and succeeds; a stalled or lost one is closed and opened again (recovery).
    std::optional<EngineError> start();
    // Stops the stream. Idempotent.
    void stop();

    bool isRunning() const;
    StreamConfig config() const;
    AudioStatus status() const;
    PerformanceStats performance() const;
    // The input and output meters (dBFS), from the blocks processed so far. Reads the floor
    // while stopped.
    SignalLevels levels() const;

    // The master output: gain (dB) and mute. Edited like updateSettings() (read–modify–write
    // under a short lock, validated: errors name gain_db and its range, nothing changes then);
    // the audio thread ramps to it over MasterGain::kRampMs (no click). Holds across restarts.
    using OutputSettings = dsp::MasterGainSettings;
    OutputSettings output() const;
    using OutputEdit = std::function<std::vector<dsp::ParameterError>(OutputSettings&)>;
    std::vector<dsp::ParameterError> updateOutput(const OutputEdit& edit);
    // Mutes the output now (ramped, silent after MasterGain::kRampMs); the gain is kept.
    void panic();
    // The stream clock (SPEC §6 drift): the delay-locked loop fed from the callbacks' timing
    // records, as of the monitor's latest pass (every 20 ms). Never waits.
    metrics::ClockEstimate streamClock() const;
    // Starts the stream clock over (POST /api/latency/drift/reset); returns the estimate then.
    metrics::ClockEstimate resetStreamClock();

    // The D-ASE engine's parameters and the downmix. A change is checked first (the errors name
    // each bad field and its range; nothing is applied then), then reaches the audio thread
    // through the chain's triple buffer, where the engine ramps to it (no clicks). It also holds
    // for the next start.
    DspSettings settings() const;
    // Read–modify–write in one lock scope: `edit` gets the current settings; two editors (API,
    // GUI, presets) can never overwrite each other's change with a stale copy. `edit` may return
    // errors of its own (e.g. a JSON body's); any error and nothing changes. Keep it quick.
    using SettingsEdit = std::function<std::vector<dsp::ParameterError>(DspSettings&)>;
    std::vector<dsp::ParameterError> updateSettings(const SettingsEdit& edit);
    dsp::EngineParameters engineParameters() const { return settings().engine; }
    dsp::DownmixParameters downmixParameters() const { return settings().downmix; }
    std::vector<dsp::ParameterError> setEngineParameters(const dsp::EngineParameters& parameters);
    std::vector<dsp::ParameterError> setDownmixParameters(const dsp::DownmixParameters& parameters);
    // Both at once, replacing both (e.g. a preset): all or nothing.
    std::vector<dsp::ParameterError> setParameters(const dsp::EngineParameters& engine,
                                                   const dsp::DownmixParameters& downmix);
    // What the running engine reports: the field's order parameter R after the latest block,
    // non-finite input samples replaced so far, and the SIMD kernel in use.
    float orderParameter() const;
    uint64_t nonFiniteInputSamples() const;
    dsp::SimdImplementation implementation() const;

    // The Φ controller (docs/phi.md). Settings are edited like updateSettings(): read–modify–
    // write under their own short lock, validated (errors name the API's fields; nothing changes
    // then), handed to the audio thread through a triple buffer, where a mode change crossfades
    // over 100 ms. phiState() is what the controller published after the latest block.
    phi::Settings phiSettings() const;
    using PhiEdit = std::function<std::vector<dsp::ParameterError>(phi::Settings&)>;
    std::vector<dsp::ParameterError> updatePhiSettings(const PhiEdit& edit);
    phi::State phiState() const;
    // The `sensor` source's control side: pushes, counts, age and staleness.
    phi::SensorInbox& phiSensor() { return *sensorInbox_; }
    const phi::SensorInbox& phiSensor() const { return *sensorInbox_; }
    // The `midi` source's input: port list and choice (it opens ports on its own thread).
    phi::MidiInput& phiMidi() { return *midiInput_; }
    const phi::MidiInput& phiMidi() const { return *midiInput_; }

    // Plays `signal` on both outputs from the next block on while recording the input over
    // `captureFrames` samples in step with it; blocks the caller until done (or `timeoutMs`).
    // The stream keeps running. One measurement at a time. Used for loopback latency measurement.
    std::optional<std::vector<float>> playAndRecord(std::vector<float> signal, size_t captureFrames,
                                                    int timeoutMs, QString* error);

    // The chain the audio callback runs; parameters reach it through its lock-free interface.
    ProcessingChain& chain();

private:
    // Which backend and which of its devices a configuration names.
    struct DeviceChoice {
        enum class Kind { Virtual, PortAudio, Jack };
        Kind kind = Kind::Virtual;
        int input = -1;
        int output = -1;
    };
    // What control calls and the watchdog publish for readers.
    struct HostState {
        StreamState state = StreamState::Stopped;
        StreamConfig config;
        StreamInfo stream;
        QString lastError;
    };
    std::optional<EngineError> resolve(const StreamConfig& config,
                                       const QList<AudioDeviceInfo>& devices,
                                       DeviceChoice* choice) const;
    // resolve() without the input channel's check.
    std::optional<EngineError> resolveDevices(const StreamConfig& config,
                                              const QList<AudioDeviceInfo>& devices,
                                              DeviceChoice* choice) const;
    // resolve() against the latest scan, and once more after a rescan if that fails.
    std::optional<EngineError> resolveLocked(const StreamConfig& config, DeviceChoice* choice);
    std::optional<EngineError> startLocked();
    void stopLocked();
    QList<AudioDeviceInfo> scanLocked();
    void watch();

    mutable std::mutex controlMutex_;  // control calls only; never readers, never audio
    std::unique_ptr<PortAudioSession> portAudio_;
    std::unique_ptr<ProcessingChain> chain_;
    std::unique_ptr<PerformanceMonitor> monitor_;
    std::unique_ptr<AudioBackend> backend_;  // under controlMutex_

    Published<HostState> state_;
    Published<QList<AudioDeviceInfo>> devices_;

    mutable std::mutex settingsMutex_;  // short: a copy, a validation, a triple-buffer write
    DspSettings settings_;

    mutable std::mutex outputMutex_;  // short: a copy, a validation, an atomic store
    OutputSettings output_;

    mutable std::mutex phiMutex_;  // short: a copy, a validation, a triple-buffer write
    phi::Settings phiSettings_;
    std::unique_ptr<phi::SensorInbox> sensorInbox_;
    std::unique_ptr<phi::MidiInput> midiInput_;  // after chain_: closed before the chain goes

    std::mutex measurementMutex_;  // one loopback measurement at a time

    std::mutex watchdogMutex_;
    std::condition_variable watchdogWake_;
    bool watchdogQuit_ = false;
    std::thread watchdog_;
};

}  // namespace soundlab
