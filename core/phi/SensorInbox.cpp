#include "phi/SensorInbox.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace soundlab::phi {

SensorInbox::SensorInbox(Sink sink, Clock clock)
    : sink_(std::move(sink)), clock_(std::move(clock)) {}

SensorInbox::Clock SensorInbox::systemClock() {
    return [] {
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
}

std::vector<dsp::ParameterError> SensorInbox::validate(const std::vector<SensorSample>& samples,
                                                       bool batch) {
    std::vector<dsp::ParameterError> errors;
    for (size_t i = 0; i < samples.size(); ++i) {
        const std::string prefix = batch ? "[" + std::to_string(i) + "]." : std::string();
        const SensorSample& s = samples[i];
        const auto check = [&](const std::optional<double>& v, const char* field, double min,
                               double max, std::string_view unit) {
            if (v && !(std::isfinite(*v) && *v >= min && *v <= max))
                errors.push_back(dsp::makeRangeError(prefix + field, *v, min, max, unit));
        };
        check(s.t, "t", 0.0, 1e11, "s");
        check(s.heartRateBpm, "heart_rate_bpm", kMinHeartRate, kMaxHeartRate, "bpm");
        check(s.gsr, "gsr", 0.0, 1.0, "");
        check(s.accelX, "accel.x", -kMaxAccelG, kMaxAccelG, "g");
        check(s.accelY, "accel.y", -kMaxAccelG, kMaxAccelG, "g");
        check(s.accelZ, "accel.z", -kMaxAccelG, kMaxAccelG, "g");
    }
    return errors;
}

std::vector<dsp::ParameterError> SensorInbox::push(std::vector<SensorSample> samples, bool batch) {
    auto errors = validate(samples, batch);
    if (!errors.empty()) return errors;
    const double now = clock_();
    for (SensorSample& s : samples)
        if (!s.t) s.t = now;
    // Stable: samples with equal times keep their order in the request.
    std::stable_sort(samples.begin(), samples.end(),
                     [](const SensorSample& a, const SensorSample& b) { return *a.t < *b.t; });
    std::lock_guard lock(mutex_);
    received_ += samples.size();
    for (const SensorSample& s : samples) {
        values_.present = true;
        if (s.heartRateBpm) values_.heartRateBpm = *s.heartRateBpm;
        if (s.gsr) values_.gsr = *s.gsr;
        if (s.accelX) values_.accelX = *s.accelX;
        if (s.accelY) values_.accelY = *s.accelY;
        if (s.accelZ) values_.accelZ = *s.accelZ;
        latestTime_ = latestTime_ ? std::max(*latestTime_, *s.t) : *s.t;
        // Each sample becomes the latest in turn; the audio thread runs with the last one.
        sink_(values_);
        ++applied_;
        if (observer_) observer_(s);
    }
    return {};
}

void SensorInbox::setObserver(Observer observer) {
    std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

SensorStatus SensorInbox::status() const {
    const double now = clock_();
    std::lock_guard lock(mutex_);
    SensorStatus s;
    s.values = values_;
    s.received = received_;
    s.applied = applied_;
    if (latestTime_) {
        s.ageSeconds = std::max(0.0, now - *latestTime_);
        s.stale = *s.ageSeconds > kSensorStaleSeconds;
    }
    return s;
}

}  // namespace soundlab::phi
