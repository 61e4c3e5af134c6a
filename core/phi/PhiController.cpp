#include "phi/PhiController.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace soundlab::phi {

namespace {
constexpr std::string_view kModeNames[kModeCount] = {"manual", "audio", "midi", "sensor",
                                                     "internal"};
}

std::string_view toString(Mode mode) {
    return kModeNames[int(mode)];
}

std::optional<Mode> modeFromString(std::string_view text) {
    for (int i = 0; i < kModeCount; ++i)
        if (kModeNames[i] == text) return Mode(i);
    return std::nullopt;
}

std::vector<dsp::ParameterError> validate(const Settings& s) {
    std::vector<dsp::ParameterError> errors;
    const auto check = [&](double v, const char* field, double min, double max,
                           std::string_view unit) {
        if (!(std::isfinite(v) && v >= min && v <= max))
            errors.push_back(dsp::makeRangeError(field, v, min, max, unit));
    };
    check(s.manualDepth, "manual.depth", 0.0, kMaxDepth, "");
    // [0, 2π) as the API documents; the check is inclusive, so 2π itself passes and wraps to 0.
    check(s.manualPhase, "manual.phase", 0.0, kTwoPi, "rad");
    check(s.attackMs, "audio.attack_ms", kMinEnvelopeMs, kMaxEnvelopeMs, "ms");
    check(s.releaseMs, "audio.release_ms", kMinEnvelopeMs, kMaxEnvelopeMs, "ms");
    check(s.internalHz, "internal.frequency_hz", kMinInternalHz, kMaxInternalHz, "Hz");
    return errors;
}

namespace {
int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

PhiController::PhiController() : PhiController(MidiEventQueue::create()) {}

PhiController::PhiController(std::pair<MidiEventQueue::Producer, MidiEventQueue::Consumer> midi)
    : midi_(std::move(midi.second)), midiProducer_(std::move(midi.first)) {
    lastState_.mode = current_.mode;
    lastState_.depth = current_.manualDepth;
    lastState_.phase = current_.manualPhase;
}

void PhiController::prepare(double sampleRate) {
    // The stream is stopped: this thread may read the control side's values in the audio
    // thread's place. A restart jumps to the settings without a fade.
    sampleRate_ = sampleRate;
    settings_.read(&current_);
    audio_.prepare(sampleRate);
    internal_.prepare(sampleRate);
    sensorSource_.prepare(sampleRate);
    SensorValues sensor;
    if (sensor_.read(&sensor)) sensorSource_.set(sensor);
    audio_.setTimes(current_.attackMs, current_.releaseMs);
    internal_.setFrequency(current_.internalHz);
    manual_.set(current_.manualDepth, current_.manualPhase);
    active_ = current_.mode;
    fading_ = false;
    fromOffset_ = {};
    fadeElapsed_ = 0.0;
    blocks_ = 0;
}

void PhiController::startFade(Mode to) noexcept {
    if (to == active_) return;
    if (fading_) {
        // Mid-fade: continue from the blend. The source that was fading in goes out, offset so
        // that (its value + offset) is the blend now; the offset fades out with it.
        const Output incoming = outputs_[int(active_)];
        fromOffset_ = {shortestArc(incoming.phase, last_.phase), last_.depth - incoming.depth};
    } else {
        fromOffset_ = {};
    }
    from_ = active_;
    active_ = to;
    fading_ = true;
    fadeElapsed_ = 0.0;
}

void PhiController::takeControl() noexcept {
    // vDSO clock read: no system call, safe on the audio thread.
    blockNs_ = steadyNowNs();
    Settings next;
    if (settings_.read(&next)) {
        if (!audio_.sameTimes(next.attackMs, next.releaseMs))
            audio_.setTimes(next.attackMs, next.releaseMs);
        internal_.setFrequency(next.internalHz);
        manual_.set(next.manualDepth, next.manualPhase);
        if (next.mode != active_) startFade(next.mode);
        current_ = next;
    }
    SensorValues sensor;
    if (sensor_.read(&sensor)) sensorSource_.set(sensor);
}

dsp::PhiInput PhiController::process(const float* input, int frames) noexcept {
    const int64_t now = steadyNowNs();
    const BlockWindow window{now - int64_t(double(frames) / sampleRate_ * 1e9), now};
    dsp::PhiInput last;
    process(input, frames, window, [&](int, int, const dsp::PhiInput& phi) { last = phi; });
    return last;
}

std::optional<MidiEventQueue::Producer> PhiController::takeMidiProducer() {
    std::lock_guard lock(producerMutex_);
    return std::exchange(midiProducer_, std::nullopt);
}

dsp::PhiInput PhiController::advance(const float* input, int frames) noexcept {
    audio_.process(input, frames);
    internal_.advance(frames);
    sensorSource_.advance(frames);
    outputs_[int(Mode::Manual)] = manual_.output();
    outputs_[int(Mode::Audio)] = audio_.output();
    outputs_[int(Mode::Midi)] = midi_.output();
    outputs_[int(Mode::Sensor)] = sensorSource_.output();
    outputs_[int(Mode::Internal)] = internal_.output();

    Output out = outputs_[int(active_)];
    progress_ = 1.0;
    if (fading_) {
        fadeElapsed_ += double(frames);
        progress_ = std::min(1.0, fadeElapsed_ / (kCrossfadeSeconds * sampleRate_));
        if (progress_ >= 1.0) {
            fading_ = false;
        } else {
            const double w = 0.5 - 0.5 * std::cos(kPi * progress_);
            const Output a = outputs_[int(from_)];
            const double fromPhase = a.phase + fromOffset_.phase;
            const double fromDepth = std::clamp(a.depth + fromOffset_.depth, 0.0, kMaxDepth);
            out.depth = fromDepth + w * (out.depth - fromDepth);
            out.phase = wrapPhase(fromPhase + w * shortestArc(fromPhase, out.phase));
        }
    }
    last_ = out;
    return {float(out.phase), float(out.depth)};
}

void PhiController::publish() noexcept {
    ++blocks_;
    State s;
    s.mode = active_;
    s.phase = last_.phase;
    s.depth = last_.depth;
    s.fading = fading_;
    s.fadeFrom = from_;
    s.fadeTo = active_;
    s.fadeProgress = progress_;
    s.envelope = audio_.envelope();
    s.midiModWheel = midi_.modWheel();
    s.midiBend = midi_.bend();
    s.midiLastEventNs = midi_.lastArrivalNs();
    s.midiLastAppliedNs = midi_.lastAppliedNs();
    s.midiEvents = midi_.events();
    s.blocks = blocks_;
    s.blockNs = blockNs_;
    published_.write(s);
}

State PhiController::state() const {
    std::lock_guard lock(readers_);
    published_.read(&lastState_);  // false: nothing new since, lastState_ is still current
    return lastState_;
}

}  // namespace soundlab::phi
