#include "AudioEngine.h"

#include "audio/LoopbackDelayLine.h"
#include "audio/PortAudioBackend.h"
#include "audio/TestSignal.h"
#include "audio/VirtualAudioBackend.h"
#include "engine/LoopbackProbe.h"
#include "engine/PerformanceMonitor.h"
#include "engine/ProcessingChain.h"

#include <QStringList>
#include <chrono>
#include <thread>

namespace soundlab {

namespace {

constexpr auto kVirtual = QLatin1String("virtual");
constexpr auto kAuto = QLatin1String("auto");

QString label(const AudioDeviceInfo& d) {
    return QStringLiteral("%1 (%2: %3)").arg(d.index).arg(d.hostApi, d.name);
}

QString validDevicesText(const QList<AudioDeviceInfo>& devices) {
    QStringList names{QStringLiteral("auto"), QStringLiteral("virtual")};
    for (const AudioDeviceInfo& d : devices)
        if (d.index >= 0) names << label(d);
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
        if (d.index < 0) continue;
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
      monitor_(std::make_unique<PerformanceMonitor>(*chain_)) {}

AudioEngine::~AudioEngine() {
    std::lock_guard lock(controlMutex_);
    stopLocked();
}

QList<AudioDeviceInfo> AudioEngine::devices() const {
    QList<AudioDeviceInfo> list = portAudio_->devices();
    list.append(VirtualAudioBackend::deviceInfo());
    return list;
}

std::optional<EngineError> AudioEngine::validate(const StreamConfig& config) const {
    DeviceChoice choice;
    return resolve(config, &choice);
}

std::optional<EngineError> AudioEngine::resolve(const StreamConfig& config,
                                                DeviceChoice* choice) const {
    if (!StreamConfig::isSupportedSampleRate(config.sampleRate))
        return invalid(QStringLiteral("unsupported sample rate %1 Hz; valid: 44100, 48000, 96000")
                           .arg(config.sampleRate));
    if (!StreamConfig::isSupportedBlockSize(config.blockSize))
        return invalid(QStringLiteral("unsupported block size %1 frames; valid: %2 to %3")
                           .arg(config.blockSize)
                           .arg(StreamConfig::kMinBlockSize)
                           .arg(StreamConfig::kMaxBlockSize));

    const QList<AudioDeviceInfo> list = portAudio_->devices();
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
        *choice = useDefaults ? DeviceChoice{false, defIn, defOut} : DeviceChoice{};
        if (!useDefaults && config.virtualDevice.loopbackDelaySamples) {
            if (auto error = LoopbackDelayLine::check(*config.virtualDevice.loopbackDelaySamples,
                                                      config.blockSize))
                return invalid(*error);
        } else if (!useDefaults) {
            if (auto error = TestSignal::check(config.virtualDevice.input, config.sampleRate))
                return invalid(*error);
        }
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
    choice->isVirtual = false;
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
    std::lock_guard lock(controlMutex_);
    DeviceChoice choice;
    if (auto error = resolve(config, &choice)) return error;
    const bool wasRunning = backend_ && backend_->isRunning();
    const StreamConfig previous = config_;
    stopLocked();
    config_ = config;
    if (!wasRunning) return std::nullopt;
    if (auto error = startLocked()) {
        config_ = previous;
        startLocked();
        return error;
    }
    return std::nullopt;
}

std::optional<EngineError> AudioEngine::start() {
    std::lock_guard lock(controlMutex_);
    if (backend_ && backend_->isRunning()) return std::nullopt;
    return startLocked();
}

void AudioEngine::stop() {
    std::lock_guard lock(controlMutex_);
    stopLocked();
}

std::optional<EngineError> AudioEngine::startLocked() {
    stopLocked();
    DeviceChoice choice;
    if (auto error = resolve(config_, &choice)) return error;

    BackendStreamConfig backendConfig;
    backendConfig.inputDevice = choice.input;
    backendConfig.outputDevice = choice.output;
    backendConfig.sampleRate = config_.sampleRate;
    backendConfig.blockSize = config_.blockSize;
    backendConfig.preferHostPeriod = config_.preferHostPeriod;

    monitor_->reset(config_.sampleRate, config_.blockSize);
    lastError_.clear();
    if (!choice.isVirtual) {
        auto backend = std::make_unique<PortAudioBackend>();
        const auto error = backend->start(backendConfig, *chain_);
        if (!error) {
            backend_ = std::move(backend);
            stopRequested_ = false;
            return std::nullopt;
        }
        const bool automatic = config_.inputDevice.compare(kAuto, Qt::CaseInsensitive) == 0 &&
                               config_.outputDevice.compare(kAuto, Qt::CaseInsensitive) == 0;
        if (!automatic) {
            lastError_ = *error;
            return EngineError{EngineError::Kind::DeviceUnavailable, *error};
        }
        // The default device would not open: the virtual device keeps Soundlab usable.
        lastError_ =
            QStringLiteral("default device failed (%1); using the virtual device").arg(*error);
    }
    auto backend = std::make_unique<VirtualAudioBackend>(config_.virtualDevice);
    if (const auto error = backend->start(backendConfig, *chain_)) {
        lastError_ = *error;
        return EngineError{EngineError::Kind::DeviceUnavailable, *error};
    }
    backend_ = std::move(backend);
    stopRequested_ = false;
    return std::nullopt;
}

void AudioEngine::stopLocked() {
    stopRequested_ = true;
    if (backend_) backend_->stop();
    // The audio thread is gone: a probe it was using can go too.
    probe_.reset();
}

bool AudioEngine::isRunning() const {
    std::lock_guard lock(controlMutex_);
    return backend_ && backend_->isRunning();
}

StreamConfig AudioEngine::config() const {
    std::lock_guard lock(controlMutex_);
    return config_;
}

AudioStatus AudioEngine::status() const {
    std::lock_guard lock(controlMutex_);
    AudioStatus s;
    s.running = backend_ && backend_->isRunning();
    s.requested = config_;
    if (backend_) s.stream = backend_->streamInfo();
    if (s.stream.hostPeriod && chain_->lastBlockFrames() > 0)
        s.stream.blockSize = chain_->lastBlockFrames();
    s.callbackCount = chain_->callbackCount();
    s.inputOverflows = chain_->inputOverflows();
    s.outputUnderflows = chain_->outputUnderflows();
    s.lastError = lastError_;
    // Running was asked for, yet the stream is not: it died (device lost, server gone).
    if (backend_ && !s.running && !stopRequested_ && s.lastError.isEmpty())
        s.lastError = QStringLiteral("the stream stopped by itself (device lost or server gone)");
    return s;
}

dsp::EngineParameters AudioEngine::engineParameters() const {
    std::lock_guard lock(controlMutex_);
    return engineParameters_;
}

dsp::DownmixParameters AudioEngine::downmixParameters() const {
    std::lock_guard lock(controlMutex_);
    return downmixParameters_;
}

std::vector<dsp::ParameterError> AudioEngine::setEngineParameters(
    const dsp::EngineParameters& parameters) {
    return setParameters(parameters, downmixParameters());
}

std::vector<dsp::ParameterError> AudioEngine::setDownmixParameters(
    const dsp::DownmixParameters& parameters) {
    return setParameters(engineParameters(), parameters);
}

std::vector<dsp::ParameterError> AudioEngine::setParameters(const dsp::EngineParameters& engine,
                                                            const dsp::DownmixParameters& downmix) {
    std::vector<dsp::ParameterError> errors = dsp::EngineParameters::validate(engine);
    for (dsp::ParameterError& e : dsp::DownmixParameters::validate(downmix))
        errors.push_back(std::move(e));
    if (!errors.empty()) return errors;
    std::lock_guard lock(controlMutex_);
    engineParameters_ = engine;
    downmixParameters_ = downmix;
    // Running or not: the audio thread takes the newest at its next block, a start takes it too.
    chain_->setParameters({engine, downmix});
    return {};
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

ProcessingChain& AudioEngine::chain() {
    return *chain_;
}

std::optional<std::vector<float>> AudioEngine::playAndRecord(std::vector<float> signal,
                                                             size_t captureFrames, int timeoutMs,
                                                             QString* error) {
    std::shared_ptr<LoopbackProbe> probe;
    {
        std::lock_guard lock(controlMutex_);
        if (!backend_ || !backend_->isRunning()) {
            *error = QStringLiteral("audio is not running");
            return std::nullopt;
        }
        // The audio thread may still hold a cancelled probe until it reads the cancel command.
        if (probe_ && !probe_->done.load(std::memory_order_acquire)) {
            *error = QStringLiteral("another measurement is still running");
            return std::nullopt;
        }
        probe = std::make_shared<LoopbackProbe>();
        probe->signal = std::move(signal);
        probe->capture.assign(captureFrames, 0.0f);
        if (!chain_->post(
                ChainCommand::probeCommand(ChainCommand::Type::StartProbe, probe.get()))) {
            *error = QStringLiteral("the audio thread is not taking commands");
            return std::nullopt;
        }
        probe_ = probe;
    }
    // Wait without the control lock so status calls stay quick meanwhile.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!probe->done.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() > deadline || !isRunning()) {
            *error = QStringLiteral("no complete recording within %1 ms").arg(timeoutMs);
            chain_->post(ChainCommand::probeCommand(ChainCommand::Type::CancelProbe, probe.get()));
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::move(probe->capture);
}

}  // namespace soundlab
