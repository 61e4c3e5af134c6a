#pragma once

#include "AudioDeviceInfo.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace soundlab {

// Xrun flags a backend reports with a block.
enum BlockStatus : uint32_t {
    kInputOverflow = 1u << 0,
    kOutputUnderflow = 1u << 1,
};

// One block of audio as the backend hands it to the callback. Mono input (the device's channel
// BackendStreamConfig::inputChannel), stereo output (separate channel buffers). Times are in
// seconds on the backend's stream clock.
struct AudioBlock {
    const float* input = nullptr;
    float* left = nullptr;
    float* right = nullptr;
    int frames = 0;
    double inputTime = 0.0;   // when the first input sample was captured
    double outputTime = 0.0;  // when the first output sample will be heard
    uint32_t status = 0;      // BlockStatus bits
};

// Called by a backend on its audio thread. process() must be real-time safe: no locks,
// no allocation, no I/O, no Qt signals, no logging.
class AudioCallback {
public:
    virtual ~AudioCallback() = default;
    // Called on the control thread before the stream starts; may allocate.
    virtual void prepare(double sampleRate, int maxFrames) = 0;
    virtual void process(const AudioBlock& block) noexcept = 0;
};

// What a started stream actually runs at, as opposed to what was asked for.
struct StreamInfo {
    QString backend;  // "portaudio", "jack" or "virtual"
    QString hostApi;
    QString inputDevice;
    QString outputDevice;
    double sampleRate = 0.0;
    int blockSize = 0;           // nominal frames per callback (the host's period when it chose)
    bool hostPeriod = false;     // true when the host decides the block size (JACK)
    double inputLatency = 0.0;   // seconds, as the stream reports it
    double outputLatency = 0.0;  // seconds, as the stream reports it
    // Whether the audio thread got real-time scheduling, where the backend asks for it itself
    // (the virtual device's clock thread); empty where the host decides (PortAudio, JACK).
    std::optional<bool> realtimePriority;
};

// Resolved stream parameters handed to a backend.
struct BackendStreamConfig {
    int inputDevice = -1;  // backend-specific device index
    int outputDevice = -1;
    double sampleRate = 48000.0;
    int blockSize = 512;
    bool preferHostPeriod = true;
    int inputChannel = 0;  // the device's input channel that becomes AudioBlock::input, from 0
};

// One audio backend: PortAudioBackend, JackBackend or VirtualAudioBackend, one file each.
// All methods are called from control threads (never from the audio thread).
class AudioBackend {
public:
    virtual ~AudioBackend() = default;
    // Opens and starts the stream; returns an error message on failure.
    virtual std::optional<QString> start(const BackendStreamConfig& config,
                                         AudioCallback& callback) = 0;
    virtual void stop() = 0;
    virtual bool isRunning() const = 0;
    virtual StreamInfo streamInfo() const = 0;
    // Why a started stream stopped by itself (a JACK server that went away), for `last_error`.
    // Empty while it runs, after a requested stop, and for backends that cannot tell; kept
    // until the next start() so it can still be read after stop().
    virtual QString failureReason() const { return {}; }
};

}  // namespace soundlab
