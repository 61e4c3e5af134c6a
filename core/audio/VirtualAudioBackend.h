#pragma once

#include "AudioBackend.h"
#include "LoopbackDelayLine.h"
#include "StreamConfig.h"
#include "TestSignal.h"
#include "WavRecorder.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace soundlab {

// The built-in virtual device (SPEC §1): a clock thread paced at the nominal rate (times its
// skew) by sleeping to absolute deadlines, two input channels with a test signal each (or a
// loopback of the output on channel 0), of which the configured one reaches the callback,
// and an optional WAV recording of the output. It stands in for a sound card on machines that
// have none, and in tests.
class VirtualAudioBackend final : public AudioBackend {
public:
    explicit VirtualAudioBackend(VirtualDeviceOptions options);
    ~VirtualAudioBackend() override;

    static constexpr int kInputChannels = 2;
    static AudioDeviceInfo deviceInfo();

    std::optional<QString> start(const BackendStreamConfig& config,
                                 AudioCallback& callback) override;
    void stop() override;
    bool isRunning() const override { return running_.load(); }
    StreamInfo streamInfo() const override { return info_; }

    // Whether the clock thread got real-time scheduling (SCHED_FIFO).
    bool realtime() const { return realtime_.load(); }
    uint64_t recordingDroppedFrames() const { return recorder_ ? recorder_->droppedFrames() : 0; }

private:
    void clockLoop();

    VirtualDeviceOptions options_;
    BackendStreamConfig config_;
    StreamInfo info_;
    AudioCallback* callback_ = nullptr;
    TestSignal signal_, secondSignal_;
    std::unique_ptr<LoopbackDelayLine> loopback_;
    std::unique_ptr<WavRecorder> recorder_;
    std::vector<float> input_, secondInput_, left_, right_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> realtime_{false};
};

}  // namespace soundlab
