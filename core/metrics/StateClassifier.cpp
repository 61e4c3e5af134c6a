#include "metrics/StateClassifier.h"

#include <array>

namespace soundlab::metrics {

namespace {
constexpr std::array<std::string_view, kStateCount> kNames = {
    "IDLE", "CRITICAL", "AWAKE", "DEEP_SLEEP", "DREAMING", "REM", "TRANSITION"};
}  // namespace

std::string_view toString(State state) {
    return kNames[size_t(state)];
}

std::optional<State> stateFromString(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return State(i);
    return std::nullopt;
}

std::optional<State> StateClassifier::rule(const Input& in) {
    const double c = in.consciousnessLevel;
    if (!in.gateOpen || c < 0.1) return State::Idle;
    if (in.criticality > 0.9) return State::Critical;
    if (c > 0.6) return State::Awake;
    if (c < 0.3 && in.phaseCoherence > 0.7) return State::DeepSleep;
    if (c >= 0.3 && c < 0.5 && in.phaseCoherence < 0.5) return State::Dreaming;
    if (c >= 0.4 && c < 0.6 && in.criticality > 0.7) return State::Rem;
    return std::nullopt;
}

State StateClassifier::update(const Input& in, double seconds) {
    // The time since the previous frame belongs to what was reported over it.
    if (lastSeconds_ && seconds > *lastSeconds_)
        counts_.secondsIn[size_t(reported())] += seconds - *lastSeconds_;
    lastSeconds_ = seconds;

    const State wanted = rule(in).value_or(pending_ ? *pending_ : current_);
    if (wanted == current_) {
        pending_.reset();  // back before the dwell ran out: no transition
    } else {
        if (pending_ != wanted) {
            pending_ = wanted;
            pendingSince_ = seconds;
        }
        // A tiny tolerance: frames at exactly 0.5 s after the first sample time count.
        if (seconds - pendingSince_ >= kDwellSeconds - 1e-9) {
            ++counts_.transitions[size_t(current_)][size_t(wanted)];
            ++counts_.totalTransitions;
            current_ = wanted;
            pending_.reset();
        }
    }
    return reported();
}

}  // namespace soundlab::metrics
