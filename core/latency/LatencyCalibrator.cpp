#include "LatencyCalibrator.h"

#include "engine/AudioEngine.h"

#include <QDateTime>
#include <algorithm>
#include <cmath>

namespace soundlab::latency {

namespace {

int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

}  // namespace

double LatencyCalibrator::Run::progress(int64_t now) const {
    if (state != State::Running) return 1.0;
    if (expectedSeconds <= 0.0) return 0.0;
    return std::clamp(double(now - startedAtMs) / (1000.0 * expectedSeconds), 0.0, 0.95);
}

const char* LatencyCalibrator::stateName(Run::State state) {
    switch (state) {
        case Run::State::Running:
            return "running";
        case Run::State::Done:
            return "done";
        case Run::State::Failed:
            return "failed";
    }
    return "failed";
}

LatencyCalibrator::LatencyCalibrator(AudioEngine& engine) : LatencyCalibrator(engine, Settings{}) {}

LatencyCalibrator::LatencyCalibrator(AudioEngine& engine, Settings settings)
    : engine_(engine), settings_(settings) {}

LatencyCalibrator::~LatencyCalibrator() {
    std::lock_guard lock(startMutex_);
    if (worker_.joinable()) worker_.join();
}

bool LatencyCalibrator::sameStream(const StreamInfo& a, const StreamInfo& b) {
    return a.backend == b.backend && a.inputDevice == b.inputDevice &&
           a.outputDevice == b.outputDevice && a.sampleRate == b.sampleRate &&
           a.blockSize == b.blockSize;
}

LatencyCalibrator::Start LatencyCalibrator::start() {
    std::lock_guard lock(startMutex_);
    if (running_.load(std::memory_order_acquire))
        return {nullptr, Refusal::Busy,
                QStringLiteral("a calibration is already running (id %1)")
                    .arg(latest() ? latest()->id : 0)};
    const AudioStatus status = engine_.status();
    if (!status.running || status.stream.sampleRate <= 0.0)
        return {nullptr, Refusal::AudioNotRunning,
                QStringLiteral("audio is not running: start it first (POST /api/audio/start)")};
    // The previous run's thread has published its result; it is finishing or finished.
    if (worker_.joinable()) worker_.join();

    Run run;
    run.id = nextId_++;
    run.startedAtMs = nowMs();
    run.stream = status.stream;
    run.expectedSeconds = settings_.sweepSeconds * 2.0 + settings_.maxRoundTripSeconds;
    auto published = std::make_shared<const Run>(run);
    latest_.store(published);
    running_.store(true, std::memory_order_release);
    worker_ = std::thread([this, run] { measure(run); });
    return {published, Refusal::Busy, {}};
}

void LatencyCalibrator::measure(Run run) {
    const double rate = run.stream.sampleRate;
    SweepSettings sweep;
    sweep.sampleRate = rate;
    sweep.durationSeconds = settings_.sweepSeconds;
    const ProbeSignal probe = makeSweep(sweep);
    const size_t captureFrames =
        probe.samples.size() + size_t(std::ceil(settings_.maxRoundTripSeconds * rate));
    // Generous: a loaded machine or a JACK server without real-time scheduling runs late.
    const int timeoutMs = int(1000.0 * double(captureFrames) / rate) + 5000;

    QString error;
    const auto recording = engine_.playAndRecord(probe.samples, captureFrames, timeoutMs, &error);
    if (!recording) {
        run.state = Run::State::Failed;
        run.error = error;
    } else {
        run.state = Run::State::Done;
        run.result = LoopbackAnalyzer::analyze(probe, *recording);
    }
    run.finishedAtMs = nowMs();
    auto published = std::make_shared<const Run>(run);
    if (published->succeeded()) lastSuccess_.store(published);
    latest_.store(published);
    completed_.fetch_add(1, std::memory_order_relaxed);
    running_.store(false, std::memory_order_release);
}

}  // namespace soundlab::latency
