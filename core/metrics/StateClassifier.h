#pragma once

#include "metrics/MetricsFrame.h"

#include <array>
#include <cstdint>
#include <optional>

namespace soundlab::metrics {

// The state rules of SPEC §5 with the 0.5 s dwell. Rules, c = consciousness level, first match
// wins: IDLE (gate closed or c < 0.1), CRITICAL (criticality > 0.9), AWAKE (c > 0.6),
// DEEP_SLEEP (c < 0.3 and coherence > 0.7), DREAMING (0.3 ≤ c < 0.5 and coherence < 0.5), REM
// (0.4 ≤ c < 0.6 and criticality > 0.7), else no rule: the state the rules gave last holds.
// A state other than the current one must be given continuously for 0.5 s (sample time) before
// it becomes current; meanwhile the reported state is TRANSITION. Time is counted per reported
// state (TRANSITION included) and transitions per (from, to) pair of current states.
//
// Threading: plain value, one thread.
class StateClassifier {
public:
    static constexpr double kDwellSeconds = 0.5;

    struct Input {
        bool gateOpen = false;
        double consciousnessLevel = 0.0;
        double phaseCoherence = 0.0;
        double criticality = 0.0;
    };
    // The rule that matches, or nullopt (keep).
    static std::optional<State> rule(const Input& in);

    // One frame at sample time `seconds` (non-decreasing); returns the state to report.
    State update(const Input& in, double seconds);

    State current() const { return current_; }
    State reported() const { return pending_ ? State::Transition : current_; }

    struct Counts {
        std::array<double, kStateCount> secondsIn{};  // per reported state
        std::array<std::array<uint64_t, kStateCount>, kStateCount> transitions{};  // [from][to]
        uint64_t totalTransitions = 0;
    };
    const Counts& counts() const { return counts_; }
    void resetCounts() { counts_ = {}; }

private:
    State current_ = State::Idle;
    std::optional<State> pending_;
    double pendingSince_ = 0.0;
    std::optional<double> lastSeconds_;
    Counts counts_;
};

}  // namespace soundlab::metrics
