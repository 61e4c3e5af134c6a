#include "metrics/TimeBase.h"

#include <chrono>

namespace soundlab::metrics {

namespace {

// Unix time − steady time, in nanoseconds, taken once: the process's one mapping.
int64_t unixMinusSteadyNs() {
    static const int64_t offset = [] {
        using namespace std::chrono;
        const int64_t steady = TimeBase::steadyNowNs();
        const int64_t unix =
            duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
        return unix - steady;
    }();
    return offset;
}

}  // namespace

int64_t TimeBase::steadyNowNs() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

double TimeBase::unixSeconds(int64_t steadyNs) {
    return double(steadyNs + unixMinusSteadyNs()) * 1e-9;
}

double TimeBase::heardUnixSeconds(const ClockEstimate& clock, int64_t position,
                                  double outputLatencySeconds) {
    return unixSeconds(clock.steadyNsAt(position)) + outputLatencySeconds;
}

void TimeBase::start(uint64_t generation, int64_t position, int64_t steadyNs, double sampleRate) {
    unixMinusSteadyNs();  // map the clocks now at the latest, not at the first frame
    started_ = true;
    generation_ = generation;
    anchorPosition_ = position;
    anchorSteadyNs_ = steadyNs;
    sampleRate_ = sampleRate > 0.0 ? sampleRate : 48000.0;
    followsClock_ = false;
}

void TimeBase::observe(const ClockEstimate& clock) {
    if (!started_ || !clock.tracking || clock.generation != generation_) return;
    clock_ = clock;
    followsClock_ = true;
}

int64_t TimeBase::processedSteadyNs(int64_t position) const {
    if (followsClock_) return clock_.steadyNsAt(position);
    return anchorSteadyNs_ + int64_t(double(position - anchorPosition_) * 1e9 / sampleRate_);
}

double TimeBase::heardUnixSeconds(int64_t position) const {
    return unixSeconds(processedSteadyNs(position)) + outputLatencySeconds_;
}

}  // namespace soundlab::metrics
