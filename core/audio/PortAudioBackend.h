#pragma once

#include "AudioBackend.h"

#include <QList>

typedef void PaStream;

namespace soundlab {

// Keeps PortAudio initialised while it lives (Pa_Initialize/Pa_Terminate nest). The device list is
// the one PortAudio found at initialisation: it does not follow hot-plugging.
class PortAudioSession {
public:
    PortAudioSession();
    ~PortAudioSession();
    PortAudioSession(const PortAudioSession&) = delete;
    PortAudioSession& operator=(const PortAudioSession&) = delete;

    bool ok() const { return ok_; }
    QString error() const { return error_; }
    QList<AudioDeviceInfo> devices() const;

private:
    bool ok_ = false;
    QString error_;
};

// A duplex PortAudio stream: mono input from channel 0 of the input device, stereo output.
// With JACK it follows the server's period (paFramesPerBufferUnspecified) unless told not to,
// since a fixed PortAudio buffer on top adds a buffer of latency.
class PortAudioBackend final : public AudioBackend {
public:
    PortAudioBackend();  // requires a live PortAudioSession
    ~PortAudioBackend() override;

    std::optional<QString> start(const BackendStreamConfig& config,
                                 AudioCallback& callback) override;
    void stop() override;
    bool isRunning() const override;
    StreamInfo streamInfo() const override { return info_; }

private:
    PaStream* stream_ = nullptr;
    StreamInfo info_;
};

}  // namespace soundlab
