#include "AudioEngine.h"

#include "audio/JackBackend.h"
#include "audio/LoopbackDelayLine.h"
#include "audio/PortAudioBackend.h"
#include "audio/TestSignal.h"
#include "audio/VirtualAudioBackend.h"
#include "engine/PerformanceMonitor.h"

#include <QStringList>
#include <chrono>
#include <thread>

namespace soundlab {

namespace {

constexpr auto kVirtual = QLatin1String("virtual");
constexpr auto kAuto = QLatin1String("auto");

bool isVirtualDevice(const AudioDeviceInfo& d) {
    return d.index == VirtualAudioBackend::deviceInfo().index;
}

QString label(const AudioDeviceInfo& d) {
    return QStringLiteral("%1 (%2: %3)").arg(d.index).arg(d.hostApi, d.name);
}

QString validDevicesText(const QList<AudioDeviceInfo>& devices) {
    QStringList names{QStringLiteral("auto"), QStringLiteral("virtual")};
    for (const AudioDeviceInfo& d : devices)
        if (!isVirtualDevice(d)) names << label(d);
    return names.join(QStringLiteral(", "));
}

EngineError invalid(QString message) {
    return {EngineError::Kind::InvalidConfig, std::move(message)};
}

// Finds the PortAudio device a selector names: an index, an exact name, or a case-insensitive
// part of "host API: name" that matches exactly one device with channels in that direction.
std::optional<int> findDevice(const QString& selector, bool wantInput,
                              const QList<AudioDeviceInfo>& devices, QString* error) {
    auto usable = [&](const AudioDeviceInfo& d) {
        return wantInput ? d.maxInputChannels >= 1 : d.maxOutputChannels >= 2;
    };
    bool isIndex = false;
    const int index = selector.toInt(&isIndex);
    QList<AudioDeviceInfo> matches;
    for (const AudioDeviceInfo& d : devices) {
        if (isVirtualDevice(d)) continue;
        if (isIndex ? d.index == index
                    : (d.name.compare(selector, Qt::CaseInsensitive) == 0 ||
                       (d.hostApi + QStringLiteral(": ") + d.name)
                           .contains(selector, Qt::CaseInsensitive)))
            matches << d;
    }
    QList<AudioDeviceInfo> usableMatches;
    for (const AudioDeviceInfo& d : matches)
        if (usable(d)) usableMatches << d;
    const QString direction = wantInput ? QStringLiteral("input") : QStringLiteral("output");
    if (usableMatches.size() == 1) return usableMatches.front().index;
    if (usableMatches.size() > 1) {
        // An exact name wins over partial matches.
        for (const AudioDeviceInfo& d : usableMatches)
            if (d.name.compare(selector, Qt::CaseInsensitive) == 0) return d.index;
        QStringList names;
        for (const AudioDeviceInfo& d : usableMatches) names << label(d);
        *error = QStringLiteral("%1 device '%2' is ambiguous; it matches: %3")
                     .arg(direction, selector, names.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (!matches.isEmpty())
        *error =
            QStringLiteral("device '%1' has no %2 channels (needs %3)")
                .arg(selector, direction, wantInput ? QStringLiteral("1") : QStringLiteral("2"));
    else
        *error = QStringLiteral("unknown %1 device '%2'; valid: %3")
                     .arg(direction, selector, validDevicesText(devices));
    return std::nullopt;
}

}  // namespace

AudioEngine::AudioEngine()
    : portAudio_(std::make_unique<PortAudioSession>()),
      chain_(std::make_unique<ProcessingChain>()),
      monitor_(std::make_unique<PerformanceMonitor>(*chain_)),
      // The inbox serialises its pushes, so the sensor triple buffer has one writer at a time.
      sensorInbox_(std::make_unique<phi::SensorInbox>(
          [this](const phi::SensorValues& values) { chain_->phi().setSensor(values); })),
      // The chain's controller hands its MIDI producer end out once: to this input.
      midiInput_(std::make_unique<phi::MidiInput>(*chain_->phi().takeMidiProducer(),
                                                  [] { return JackBackend::available(); })) {
    {
        std::lock_guard lock(controlMutex_);
        devices_.publish(scanLocked());
    }
    watchdog_ = std::thread([this] { watch(); });
}

AudioEngine::~AudioEngine() {
    {
        std::lock_guard lock(watchdogMutex_);
        watchdogQuit_ = true;
    }
    watchdogWake_.notify_all();
    watchdog_.join();
    std::lock_guard lock(controlMutex_);
    stopLocked();
}

QString streamStateName(StreamState state) {
    switch (state) {
        case StreamState::Stopped:
            return QStringLiteral("stopped");
        case StreamState::Running:
            return QStringLiteral("running");
        case StreamState::Stalled:
            return QStringLiteral("stalled");
        case StreamState::Lost:
            return QStringLiteral("lost");
    }
    return {};
}

QList<AudioDeviceInfo> AudioEngine::devices() const {
    return *devices_.read();
}

QList<AudioDeviceInfo> AudioEngine::scanLocked() {
    QList<AudioDeviceInfo> list = portAudio_->devices();
    if (const auto jack = JackBackend::probe()) list.append(*jack);
    list.append(VirtualAudioBackend::deviceInfo());
    return list;
}

QList<AudioDeviceInfo> AudioEngine::rescanDevices() {
    std::lock_guard lock(controlMutex_);
    // PortAudio enumerates only at initialisation; it can be re-initialised while none of its
    // streams is open.
    const bool portAudioStreamOpen = backend_ && state_.read()->stream.backend ==
                                                     QLatin1String("portaudio");
    if (!portAudioStreamOpen) portAudio_->reinitialise();
    QList<AudioDeviceInfo> list = scanLocked();
    devices_.publish(list);
    return list;
}

std::optional<EngineError> AudioEngine::validate(const StreamConfig& config) const {
    DeviceChoice choice;
    return resolve(config, devices(), &choice);
}

std::optional<EngineError> AudioEngine::resolve(const StreamConfig& config,
                                                const QList<AudioDeviceInfo>& list,
                                                DeviceChoice* choice) const {
    if (auto error = resolveDevices(config, list, choice)) return error;
    // The input channel against the chosen device's channels as the latest scan saw them (the
    // backend checks again when it opens the stream). A JACK server without capture ports still
    // runs with in_0 unconnected, as channel 0.
    const int channel = config.inputChannel;
    int channels = VirtualAudioBackend::kInputChannels;
    QString name = QStringLiteral("the virtual device");
    if (choice->kind != DeviceChoice::Kind::Virtual) {
        channels = 0;
        for (const AudioDeviceInfo& d : list)
            if (d.index == choice->input) {
                channels = d.maxInputChannels;
                name = QStringLiteral("'%1'").arg(d.name);
            }
        if (choice->kind == DeviceChoice::Kind::Jack) channels = std::max(channels, 1);
    }
    if (channel < 0 || channel >= channels)
        return invalid(QStringLiteral("input channel %1 does not exist on %2; valid: 0 to %3 "
                                      "(channels count from 0)")
                           .arg(channel)
                           .arg(name)
                           .arg(channels - 1));
    return std::nullopt;
}

std::optional<EngineError> AudioEngine::resolveDevices(const StreamConfig& config,
                                                       const QList<AudioDeviceInfo>& list,
                                                       DeviceChoice* choice) const {
    if (!StreamConfig::isSupportedSampleRate(config.sampleRate))
        return invalid(QStringLiteral("unsupported sample rate %1 Hz; valid: 44100, 48000, 96000")
                           .arg(config.sampleRate));
    if (!StreamConfig::isSupportedBlockSize(config.blockSize))
        return invalid(QStringLiteral("unsupported block size %1 frames; valid: %2 to %3")
                           .arg(config.blockSize)
                           .arg(StreamConfig::kMinBlockSize)
                           .arg(StreamConfig::kMaxBlockSize));

    const QString in = config.inputDevice.trimmed();
    const QString out = config.outputDevice.trimmed();
    const bool inVirtual = in.compare(kVirtual, Qt::CaseInsensitive) == 0;
    const bool outVirtual = out.compare(kVirtual, Qt::CaseInsensitive) == 0;
    const bool inAuto = in.isEmpty() || in.compare(kAuto, Qt::CaseInsensitive) == 0;
    const bool outAuto = out.isEmpty() || out.compare(kAuto, Qt::CaseInsensitive) == 0;

    if ((inVirtual || inAuto) && (outVirtual || outAuto)) {
        // "auto" means the system's default devices when it has both, else the virtual device.
        const int defIn = [&] {
            for (const AudioDeviceInfo& d : list)
                if (d.isDefaultInput && d.maxInputChannels >= 1) return d.index;
            return -1;
        }();
        const int defOut = [&] {
            for (const AudioDeviceInfo& d : list)
                if (d.isDefaultOutput && d.maxOutputChannels >= 2) return d.index;
            return -1;
        }();
        const bool useDefaults = !inVirtual && !outVirtual && defIn >= 0 && defOut >= 0;
        *choice = useDefaults ? DeviceChoice{DeviceChoice::Kind::PortAudio, defIn, defOut}
                              : DeviceChoice{};
        if (!useDefaults && config.virtualDevice.loopbackDelaySamples) {
            if (auto error = LoopbackDelayLine::check(*config.virtualDevice.loopbackDelaySamples,
                                                      config.blockSize))
                return invalid(*error);
        } else if (!useDefaults) {
            if (auto error = TestSignal::check(config.virtualDevice.input, config.sampleRate))
                return invalid(*error);
        }
        if (!useDefaults)
            if (auto error = TestSignal::check(config.virtualDevice.secondInput, config.sampleRate))
                return invalid(*error);
        return std::nullopt;
    }
    if (inVirtual || outVirtual)
        return invalid(QStringLiteral(
            "the virtual device cannot be combined with a PortAudio device; use it for both"));

    QString error;
    const auto inIndex = inAuto ? std::optional<int>(-1) : findDevice(in, true, list, &error);
    if (!inIndex) return invalid(error);
    const auto outIndex = outAuto ? std::optional<int>(-1) : findDevice(out, false, list, &error);
    if (!outIndex) return invalid(error);
    const bool inJack = *inIndex == JackBackend::kDeviceIndex;
    const bool outJack = *outIndex == JackBackend::kDeviceIndex;
    if (inJack || outJack) {
        if (!(inJack || inAuto) || !(outJack || outAuto))
            return invalid(QStringLiteral(
                "a JACK server cannot be combined with another device; use it for both"));
        *choice = {DeviceChoice::Kind::Jack, JackBackend::kDeviceIndex, JackBackend::kDeviceIndex};
        return std::nullopt;
    }
    choice->kind = DeviceChoice::Kind::PortAudio;
    choice->input = *inIndex;
    choice->output = *outIndex;
    // One side "auto": take the same device when it can do both directions, else the default.
    for (const AudioDeviceInfo& d : list) {
        if (choice->input < 0 && d.index == choice->output && d.maxInputChannels >= 1)
            choice->input = d.index;
        if (choice->output < 0 && d.index == choice->input && d.maxOutputChannels >= 2)
            choice->output = d.index;
    }
    for (const AudioDeviceInfo& d : list) {
        if (choice->input < 0 && d.isDefaultInput) choice->input = d.index;
        if (choice->output < 0 && d.isDefaultOutput) choice->output = d.index;
    }
    if (choice->input < 0 || choice->output < 0)
        return invalid(
            QStringLiteral("no default %1 device; name one with --%1-device")
                .arg(choice->input < 0 ? QStringLiteral("input") : QStringLiteral("output")));
    return std::nullopt;
}

std::optional<EngineError> AudioEngine::configure(const StreamConfig& config) {
    return updateConfig([&config](StreamConfig& c) { c = config; });
}

std::optional<EngineError> AudioEngine::resolveLocked(const StreamConfig& config,
                                                      DeviceChoice* choice) {
    auto error = resolve(config, devices(), choice);
    if (!error || error->kind != EngineError::Kind::InvalidConfig) return error;
    // Not in the list of the latest scan: maybe it appeared since (a JACK server started after
    // Soundlab, or restarted after a crash). Look once more before refusing.
    devices_.publish(scanLocked());
    return resolve(config, devices(), choice);
}

std::optional<EngineError> AudioEngine::updateConfig(
    const std::function<void(StreamConfig&)>& edit) {
    std::lock_guard lock(controlMutex_);
    StreamConfig config = state_.read()->config;
    edit(config);
    DeviceChoice choice;
    if (auto error = resolveLocked(config, &choice)) return error;
    const bool wasRunning = state_.read()->state != StreamState::Stopped;
    const StreamConfig previous = state_.read()->config;
    stopLocked();
    state_.update([&](HostState& s) { s.config = config; });
    if (!wasRunning) return std::nullopt;
    if (auto error = startLocked()) {
        state_.update([&](HostState& s) { s.config = previous; });
        startLocked();
        // The stream runs the previous configuration again; the error says why not the new one.
        state_.update([&](HostState& s) { s.lastError = error->message; });
        return error;
    }
    return std::nullopt;
}

std::optional<EngineError> AudioEngine::start() {
    std::lock_guard lock(controlMutex_);
    // A healthy stream stays; a stalled or lost one is closed and opened again.
    if (backend_ && backend_->isRunning() && state_.read()->state == StreamState::Running)
        return std::nullopt;
    return startLocked();
}

void AudioEngine::stop() {
    std::lock_guard lock(controlMutex_);
    stopLocked();
}

std::optional<EngineError> AudioEngine::startLocked() {
    stopLocked();
    const StreamConfig config = state_.read()->config;
    DeviceChoice choice;
    if (auto error = resolveLocked(config, &choice)) return error;

    BackendStreamConfig backendConfig;
    backendConfig.inputDevice = choice.input;
    backendConfig.outputDevice = choice.output;
    backendConfig.sampleRate = config.sampleRate;
    backendConfig.blockSize = config.blockSize;
    backendConfig.preferHostPeriod = config.preferHostPeriod;
    backendConfig.inputChannel = config.inputChannel;

    monitor_->reset(config.sampleRate, config.blockSize);
    QString note;  // an error worth keeping even though a stream started
    auto fail = [&](const QString& message) {
        state_.update([&](HostState& s) {
            s.state = StreamState::Stopped;
            s.lastError = message;
        });
        return EngineError{EngineError::Kind::DeviceUnavailable, message};
    };
    auto started = [&](std::unique_ptr<AudioBackend> backend) {
        backend_ = std::move(backend);
        state_.update([&](HostState& s) {
            s.state = StreamState::Running;
            s.stream = backend_->streamInfo();
            s.lastError = note;
        });
        return std::nullopt;
    };
    if (choice.kind == DeviceChoice::Kind::Jack) {
        auto backend = std::make_unique<JackBackend>();
        if (const auto error = backend->start(backendConfig, *chain_))
            return std::optional<EngineError>(fail(*error));
        return started(std::move(backend));
    }
    if (choice.kind == DeviceChoice::Kind::PortAudio) {
        auto backend = std::make_unique<PortAudioBackend>();
        const auto error = backend->start(backendConfig, *chain_);
        if (!error) return started(std::move(backend));
        const bool automatic = config.inputDevice.compare(kAuto, Qt::CaseInsensitive) == 0 &&
                               config.outputDevice.compare(kAuto, Qt::CaseInsensitive) == 0;
        if (!automatic) return std::optional<EngineError>(fail(*error));
        // The default device would not open: the virtual device keeps Soundlab usable.
        note = QStringLiteral("default device failed (%1); using the virtual device").arg(*error);
    }
    auto backend = std::make_unique<VirtualAudioBackend>(config.virtualDevice);
    if (const auto error = backend->start(backendConfig, *chain_))
        return std::optional<EngineError>(fail(*error));
    return started(std::move(backend));
}

void AudioEngine::stopLocked() {
    if (backend_) backend_->stop();
    backend_.reset();
    state_.update([](HostState& s) {
        // A lost stream keeps its error; a requested stop is not an error.
        if (s.state == StreamState::Stalled) s.lastError.clear();
        s.state = StreamState::Stopped;
    });
}

bool AudioEngine::isRunning() const {
    const StreamState s = state_.read()->state;
    return s == StreamState::Running || s == StreamState::Stalled;
}

StreamConfig AudioEngine::config() const {
    return state_.read()->config;
}

AudioStatus AudioEngine::status() const {
    const std::shared_ptr<const HostState> host = state_.read();
    AudioStatus s;
    s.state = host->state;
    s.running = s.state == StreamState::Running || s.state == StreamState::Stalled;
    s.requested = host->config;
    if (s.state != StreamState::Stopped) s.stream = host->stream;
    if (s.stream.hostPeriod && chain_->lastBlockFrames() > 0)
        s.stream.blockSize = chain_->lastBlockFrames();
    s.callbackCount = chain_->callbackCount();
    s.inputOverflows = chain_->inputOverflows();
    s.outputUnderflows = chain_->outputUnderflows();
    if (s.callbackCount > 0) s.flushToZero = chain_->flushToZeroActive();
    s.lastError = host->lastError;
    return s;
}

// Watches the stream every 50 ms: a backend that reports its stream gone is Lost; callbacks
// that stop coming for longer than kStallTimeout (or four blocks, for hosts with long periods)
// make it Stalled until they resume. It only reads and publishes: recovery is start()'s job.
void AudioEngine::watch() {
    using Clock = std::chrono::steady_clock;
    constexpr auto kTick = std::chrono::milliseconds(50);
    constexpr auto kStallTimeout = std::chrono::milliseconds(500);
    uint64_t lastCount = 0;
    Clock::time_point lastProgress = Clock::now();
    std::unique_lock wait(watchdogMutex_);
    while (!watchdogWake_.wait_for(wait, kTick, [this] { return watchdogQuit_; })) {
        const std::shared_ptr<const HostState> host = state_.read();
        const uint64_t count = chain_->callbackCount();
        const auto now = Clock::now();
        if (count != lastCount || host->state == StreamState::Stopped) {
            lastCount = count;
            lastProgress = now;
        }
        if (host->state == StreamState::Stopped || host->state == StreamState::Lost) continue;

        // The backend belongs to control calls; when one is busy (opening, closing) it is
        // deciding the state itself, so look again at the next tick.
        std::unique_lock control(controlMutex_, std::try_to_lock);
        if (!control.owns_lock() || !backend_) continue;
        if (!backend_->isRunning()) {
            QString reason = backend_->failureReason();
            if (reason.isEmpty())
                reason = QStringLiteral("the stream stopped by itself (device lost or server gone)");
            // Nothing restarts it behind the user's back (the device may come back different):
            // say how to.
            reason += QStringLiteral("; start the audio again (POST /api/audio/start, or Start "
                                     "in the window) once the device or server is back");
            state_.update([&](HostState& s) {
                s.state = StreamState::Lost;
                s.lastError = reason;
            });
            continue;
        }
        const double blockSeconds = double(std::max(host->stream.blockSize, 1)) /
                                    std::max(host->stream.sampleRate, 1.0);
        const auto timeout = std::max<Clock::duration>(
            kStallTimeout, std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(4 * blockSeconds)));
        const auto silentFor = now - lastProgress;
        if (host->state == StreamState::Running && silentFor > timeout) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(silentFor);
            state_.update([&](HostState& s) {
                s.state = StreamState::Stalled;
                s.lastError = QStringLiteral("no audio callback for %1 ms: the device stopped "
                                             "delivering audio")
                                  .arg(ms.count());
            });
        } else if (host->state == StreamState::Stalled && silentFor < timeout) {
            state_.update([&](HostState& s) {
                s.state = StreamState::Running;
                s.lastError.clear();
            });
        }
    }
}

DspSettings AudioEngine::settings() const {
    std::lock_guard lock(settingsMutex_);
    return settings_;
}

std::vector<dsp::ParameterError> AudioEngine::updateSettings(const SettingsEdit& edit) {
    std::lock_guard lock(settingsMutex_);
    DspSettings next = settings_;
    std::vector<dsp::ParameterError> errors = edit(next);
    if (!errors.empty()) return errors;
    errors = dsp::EngineParameters::validate(next.engine);
    for (dsp::ParameterError& e : dsp::DownmixParameters::validate(next.downmix))
        errors.push_back(std::move(e));
    if (!errors.empty()) return errors;
    settings_ = next;
    // Running or not: the audio thread takes the newest at its next block, a start takes it too.
    // Written under the lock: the triple buffer has one writer at a time.
    chain_->setParameters(next);
    return {};
}

phi::Settings AudioEngine::phiSettings() const {
    std::lock_guard lock(phiMutex_);
    return phiSettings_;
}

std::vector<dsp::ParameterError> AudioEngine::updatePhiSettings(const PhiEdit& edit) {
    std::lock_guard lock(phiMutex_);
    phi::Settings next = phiSettings_;
    std::vector<dsp::ParameterError> errors = edit(next);
    if (!errors.empty()) return errors;
    errors = phi::validate(next);
    if (!errors.empty()) return errors;
    next.manualPhase = phi::wrapPhase(next.manualPhase);
    phiSettings_ = next;
    chain_->phi().setSettings(next);  // under the lock: one triple-buffer writer at a time
    return {};
}

phi::State AudioEngine::phiState() const {
    return chain_->phi().state();
}

std::vector<dsp::ParameterError> AudioEngine::setEngineParameters(
    const dsp::EngineParameters& parameters) {
    return updateSettings([&](DspSettings& s) {
        s.engine = parameters;
        return std::vector<dsp::ParameterError>();
    });
}

std::vector<dsp::ParameterError> AudioEngine::setDownmixParameters(
    const dsp::DownmixParameters& parameters) {
    return updateSettings([&](DspSettings& s) {
        s.downmix = parameters;
        return std::vector<dsp::ParameterError>();
    });
}

std::vector<dsp::ParameterError> AudioEngine::setParameters(const dsp::EngineParameters& engine,
                                                            const dsp::DownmixParameters& downmix) {
    return updateSettings([&](DspSettings& s) {
        s.engine = engine;
        s.downmix = downmix;
        return std::vector<dsp::ParameterError>();
    });
}

float AudioEngine::orderParameter() const {
    return chain_->orderParameter();
}

uint64_t AudioEngine::nonFiniteInputSamples() const {
    return chain_->nonFiniteInputSamples();
}

dsp::SimdImplementation AudioEngine::implementation() const {
    return chain_->implementation();
}

PerformanceStats AudioEngine::performance() const {
    return monitor_->snapshot();
}

SignalLevels AudioEngine::levels() const {
    if (!isRunning()) return {};
    return monitor_->levels();
}

AudioEngine::OutputSettings AudioEngine::output() const {
    std::lock_guard lock(outputMutex_);
    return output_;
}

std::vector<dsp::ParameterError> AudioEngine::updateOutput(const OutputEdit& edit) {
    std::lock_guard lock(outputMutex_);
    OutputSettings next = output_;
    std::vector<dsp::ParameterError> errors = edit(next);
    if (errors.empty()) errors = OutputSettings::validate(next);
    if (!errors.empty()) return errors;
    output_ = next;
    chain_->setMasterGain(next.targetGain());  // under the lock: stores in edit order
    return {};
}

void AudioEngine::panic() {
    updateOutput([](OutputSettings& s) {
        s.muted = true;
        return std::vector<dsp::ParameterError>();
    });
}

metrics::ClockEstimate AudioEngine::streamClock() const {
    return monitor_->clock();
}

metrics::ClockEstimate AudioEngine::resetStreamClock() {
    return monitor_->resetClock();
}

ProcessingChain& AudioEngine::chain() {
    return *chain_;
}

std::optional<std::vector<float>> AudioEngine::playAndRecord(std::vector<float> signal,
                                                             size_t captureFrames, int timeoutMs,
                                                             QString* error) {
    std::unique_lock measuring(measurementMutex_, std::try_to_lock);
    if (!measuring.owns_lock()) {
        *error = QStringLiteral("another measurement is still running");
        return std::nullopt;
    }
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    LoopbackProbeSlot::Control probe = chain_->probe();
    std::optional<LoopbackProbeSlot::Ticket> ticket;
    // A measurement cancelled a moment ago is released by the audio thread at its next block.
    while (!ticket) {
        {
            std::lock_guard lock(controlMutex_);
            if (!backend_ || !isRunning()) {
                *error = QStringLiteral("audio is not running");
                return std::nullopt;
            }
            ticket = probe.arm(signal, captureFrames);
        }
        if (ticket) break;
        if (Clock::now() > deadline) {
            *error = QStringLiteral("the previous measurement was not released within %1 ms")
                         .arg(timeoutMs);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    // Waits without the control lock: status, start and stop stay quick meanwhile.
    const uint64_t startedAt = chain_->callbackCount();
    using Progress = LoopbackProbeSlot::Control::Progress;
    for (Progress p; (p = probe.progress(*ticket)) != Progress::Finished;) {
        if (p == Progress::Gone) {
            *error = QStringLiteral("the stream was restarted during the measurement");
            return std::nullopt;
        }
        // Stopped and not yet started again: the slot only turns Gone when the next stream
        // prepares, so a stop seen here is the same restart, not a timeout.
        if (!isRunning()) {
            *error = QStringLiteral("the stream was stopped or restarted during the measurement");
            probe.cancel(*ticket);
            return std::nullopt;
        }
        if (Clock::now() > deadline) {
            *error = QStringLiteral("no complete recording within %1 ms (%2 blocks ran)")
                         .arg(timeoutMs)
                         .arg(chain_->callbackCount() - startedAt);
            probe.cancel(*ticket);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return probe.take(*ticket);
}

}  // namespace soundlab
