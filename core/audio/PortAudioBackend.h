#pragma once

#include "AudioBackend.h"

#include <QList>

typedef void PaStream;

namespace soundlab {

// Keeps PortAudio initialised while it lives (Pa_Initialize/Pa_Terminate nest). The device list is
// the one PortAudio found at initialisation; reinitialise() enumerates again.
//
// PortAudio is kept away from JACK: its JACK host API holds a client from Pa_Initialize to
// Pa_Terminate and, in 19.6, cannot let go of one whose server died (closing it hangs). JACK is
// served by JackBackend instead, which can.
class PortAudioSession {
public:
    PortAudioSession();
    ~PortAudioSession();
    // Pa_Terminate + Pa_Initialize: a fresh device list (hot-plugged cards). Only while none of
    // PortAudio's streams is open; does nothing after a dead stream had to be abandoned.
    void reinitialise();
    PortAudioSession(const PortAudioSession&) = delete;
    PortAudioSession& operator=(const PortAudioSession&) = delete;

    bool ok() const { return ok_; }
    QString error() const { return error_; }
    QList<AudioDeviceInfo> devices() const;

private:
    void initialise();

    bool ok_ = false;
    QString error_;
};

// A duplex PortAudio stream: mono input from one channel of the input device (channels 0 to
// that one are opened), stereo output.
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

    // What PortAudio's callback is handed: set before the stream opens, read-only while it runs.
    struct CallbackTarget {
        AudioCallback* callback = nullptr;
        int inputChannel = 0;
    };

private:
    CallbackTarget target_;
    PaStream* stream_ = nullptr;
    StreamInfo info_;
};

}  // namespace soundlab
