#include "VirtualAudioBackend.h"

#include "rt/RealtimeSection.h"

#include <chrono>
#include <cmath>

#include <pthread.h>
#include <sched.h>

namespace soundlab {

VirtualAudioBackend::VirtualAudioBackend(VirtualDeviceOptions options)
    : options_(std::move(options)) {}

VirtualAudioBackend::~VirtualAudioBackend() {
    stop();
}

AudioDeviceInfo VirtualAudioBackend::deviceInfo() {
    AudioDeviceInfo info;
    info.index = -1;
    info.name = QStringLiteral("virtual");
    info.hostApi = QStringLiteral("Soundlab virtual device");
    info.maxInputChannels = kInputChannels;
    info.maxOutputChannels = 2;
    info.defaultSampleRate = 48000;
    return info;
}

std::optional<QString> VirtualAudioBackend::start(const BackendStreamConfig& config,
                                                  AudioCallback& callback) {
    stop();
    config_ = config;
    const int frames = config.blockSize;
    if (config.inputChannel < 0 || config.inputChannel >= kInputChannels)
        return QStringLiteral("input channel %1 does not exist on the virtual device (it has %2: "
                              "0 to %3)")
            .arg(config.inputChannel)
            .arg(kInputChannels)
            .arg(kInputChannels - 1);
    if (options_.loopbackDelaySamples) {
        if (auto error = LoopbackDelayLine::check(*options_.loopbackDelaySamples, frames))
            return error;
        if (auto error = LoopbackDelayLine::checkImpairments(options_.loopbackGain,
                                                             options_.loopbackSnrDb))
            return error;
        loopback_ = std::make_unique<LoopbackDelayLine>();
        loopback_->prepare(*options_.loopbackDelaySamples, frames, options_.loopbackGain,
                           options_.loopbackSnrDb);
    } else {
        loopback_.reset();
        if (auto error = TestSignal::create(options_.input, config.sampleRate, &signal_))
            return error;
    }
    if (auto error = TestSignal::create(options_.secondInput, config.sampleRate, &secondSignal_))
        return error;
    if (!std::isfinite(options_.clockSkewPpm) || std::abs(options_.clockSkewPpm) > 10000)
        return QStringLiteral("clock skew must be within ±10000 ppm");
    recorder_.reset();
    if (!options_.recordPath.isEmpty()) {
        recorder_ = std::make_unique<WavRecorder>();
        if (auto error = recorder_->start(options_.recordPath, int(config.sampleRate))) {
            recorder_.reset();
            return error;
        }
    }
    input_.assign(size_t(frames), 0.0f);
    secondInput_.assign(size_t(frames), 0.0f);
    left_.assign(size_t(frames), 0.0f);
    right_.assign(size_t(frames), 0.0f);

    info_ = {};
    info_.backend = QStringLiteral("virtual");
    info_.hostApi = deviceInfo().hostApi;
    info_.inputDevice = info_.outputDevice = QStringLiteral("virtual");
    info_.sampleRate = config.sampleRate;
    info_.blockSize = frames;
    info_.inputLatency = 0.0;
    // A block's output is "played" during the next period.
    info_.outputLatency = frames / config.sampleRate;

    callback_ = &callback;
    callback.prepare(config.sampleRate, frames);
    running_ = true;
    thread_ = std::thread([this] { clockLoop(); });
    // Like PortAudio's callback threads: real-time priority where the system grants it, so a
    // busy machine does not make the virtual device miss its deadlines. Without the privilege
    // (no CAP_SYS_NICE, no rtprio limit) it runs at normal priority, reports late wake-ups as
    // underflows, and says so in the status (realtime_priority: false).
    sched_param priority{};
    priority.sched_priority = std::max(1, sched_get_priority_max(SCHED_FIFO) - 10);
    realtime_ = pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &priority) == 0;
    info_.realtimePriority = realtime_.load();
    return std::nullopt;
}

void VirtualAudioBackend::stop() {
    if (thread_.joinable()) {
        running_ = false;
        thread_.join();
    }
    running_ = false;
    if (recorder_) recorder_->stop();
}

void VirtualAudioBackend::clockLoop() {
    using Clock = std::chrono::steady_clock;
    const int frames = config_.blockSize;
    // The device's own clock runs (1 + skew) times as fast as the host's.
    const double deviceRate = config_.sampleRate * (1.0 + options_.clockSkewPpm * 1e-6);
    const double periodSeconds = frames / deviceRate;
    const std::chrono::duration<double> period(periodSeconds);
    Clock::time_point origin = Clock::now();
    uint64_t originBlock = 0;  // the block whose start `origin` is
    Clock::duration previousLateness{};
    for (uint64_t block = 0; running_.load(std::memory_order_relaxed); ++block) {
        // Deadlines are computed from the origin, never accumulated, so sleeps cannot drift.
        const auto deadline = origin + std::chrono::duration_cast<Clock::duration>(
                                           double(block + 1 - originBlock) * period);
        std::this_thread::sleep_until(deadline);
        // More than a period late: a real device would have run dry. Report it as one would:
        // once per stall. The blocks that catch up after it are late by less each time and are
        // the same dropout, not new ones; a callback that keeps overrunning falls further behind
        // each block and is reported each block.
        const auto lateness = Clock::now() - deadline;
        const bool catchingUp = previousLateness > period && lateness < previousLateness;
        const bool late = lateness > period && !catchingUp;
        previousLateness = lateness;
        // Far behind (the machine stalled): restart the clock rather than rushing through the
        // missed blocks at real-time priority; a device would have dropped them too.
        if (lateness > 8 * period) {
            origin = Clock::now();
            originBlock = block + 1;
            previousLateness = {};
        }

        // The device's callback: everything from here to the end of the iteration, the sleep
        // above excluded, is audio-thread work.
        const rt::RealtimeSection realtime;
        if (loopback_)
            loopback_->read(input_.data(), frames);
        else
            signal_.generate(input_.data(), frames);
        // Both channels run, as on a sound card, whichever one is listened to.
        secondSignal_.generate(secondInput_.data(), frames);

        AudioBlock audio;
        audio.input = config_.inputChannel == 0 ? input_.data() : secondInput_.data();
        audio.left = left_.data();
        audio.right = right_.data();
        audio.frames = frames;
        // Stream time counts samples of the device's clock.
        audio.inputTime = double(block * uint64_t(frames)) / config_.sampleRate;
        audio.outputTime = audio.inputTime + info_.outputLatency;
        audio.status = late ? kOutputUnderflow : 0u;
        callback_->process(audio);

        if (loopback_) loopback_->write(left_.data(), frames);
        if (recorder_) recorder_->push(left_.data(), right_.data(), frames);
    }
}

}  // namespace soundlab
