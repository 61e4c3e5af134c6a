#include "metrics/StateClassifier.h"

#include <gtest/gtest.h>

#include <vector>

namespace soundlab::metrics {
namespace {

using Input = StateClassifier::Input;

Input awake() { return {true, 0.7, 0.5, 0.5}; }
Input idle() { return {false, 0.0, 0.0, 0.0}; }
Input critical() { return {true, 0.5, 0.5, 0.95}; }
Input deepSleep() { return {true, 0.2, 0.8, 0.3}; }
Input dreaming() { return {true, 0.35, 0.3, 0.5}; }
Input rem() { return {true, 0.55, 0.6, 0.8}; }
Input noRule() { return {true, 0.2, 0.5, 0.5}; }  // 0.1 ≤ c < 0.3, coherence ≤ 0.7: none

TEST(StateClassifier, EachRuleGivesItsStateFirstMatchWinning) {
    EXPECT_EQ(StateClassifier::rule(idle()), State::Idle);
    EXPECT_EQ(StateClassifier::rule({true, 0.05, 0.9, 0.95}), State::Idle);  // c < 0.1 first
    EXPECT_EQ(StateClassifier::rule(critical()), State::Critical);
    EXPECT_EQ(StateClassifier::rule({true, 0.7, 0.5, 0.95}), State::Critical);  // before AWAKE
    EXPECT_EQ(StateClassifier::rule(awake()), State::Awake);
    EXPECT_EQ(StateClassifier::rule(deepSleep()), State::DeepSleep);
    EXPECT_EQ(StateClassifier::rule(dreaming()), State::Dreaming);
    // 0.45 with coherence < 0.5 and criticality > 0.7: DREAMING comes before REM.
    EXPECT_EQ(StateClassifier::rule({true, 0.45, 0.4, 0.8}), State::Dreaming);
    EXPECT_EQ(StateClassifier::rule(rem()), State::Rem);
    EXPECT_EQ(StateClassifier::rule(noRule()), std::nullopt);
    EXPECT_EQ(StateClassifier::rule({true, 0.5, 0.6, 0.5}), std::nullopt);
}

// Runs `input` at 30 frames per second from `from` for `seconds`; returns the reported states.
std::vector<State> run(StateClassifier& c, const Input& input, double from, double seconds) {
    std::vector<State> states;
    for (int i = 0; i < int(seconds * 30.0 + 0.5); ++i)
        states.push_back(c.update(input, from + i / 30.0));
    return states;
}

TEST(StateClassifier, ANewStateHoldsHalfASecondAsTransitionBeforeItIsReported) {
    StateClassifier c;
    EXPECT_EQ(run(c, idle(), 0.0, 1.0).back(), State::Idle);
    // AWAKE from t = 1 s: TRANSITION for the frames before 1.5 s, AWAKE from 1.5 s on.
    const auto states = run(c, awake(), 1.0, 1.0);
    for (int i = 0; i < 15; ++i) EXPECT_EQ(states[size_t(i)], State::Transition) << i;
    for (int i = 15; i < 30; ++i) EXPECT_EQ(states[size_t(i)], State::Awake) << i;
    EXPECT_EQ(c.counts().transitions[size_t(State::Idle)][size_t(State::Awake)], 1u);
    EXPECT_EQ(c.counts().totalTransitions, 1u);
}

TEST(StateClassifier, AScriptedSequenceProducesTheDocumentedStates) {
    StateClassifier c;
    double t = 0.0;
    const auto step = [&](const Input& in, double seconds) {
        const auto s = run(c, in, t, seconds);
        t += seconds;
        return s.back();
    };
    EXPECT_EQ(step(idle(), 1.0), State::Idle);
    EXPECT_EQ(step(awake(), 1.0), State::Awake);
    EXPECT_EQ(step(critical(), 1.0), State::Critical);
    EXPECT_EQ(step(deepSleep(), 1.0), State::DeepSleep);
    EXPECT_EQ(step(dreaming(), 1.0), State::Dreaming);
    EXPECT_EQ(step(rem(), 1.0), State::Rem);
    // No rule matches: the current state holds.
    EXPECT_EQ(step(noRule(), 2.0), State::Rem);
    EXPECT_EQ(step(idle(), 1.0), State::Idle);
    EXPECT_EQ(c.counts().totalTransitions, 6u);
    const auto& tr = c.counts().transitions;
    EXPECT_EQ(tr[size_t(State::Awake)][size_t(State::Critical)], 1u);
    EXPECT_EQ(tr[size_t(State::Rem)][size_t(State::Idle)], 1u);
    // Time per reported state: 6 changes × 0.5 s of TRANSITION; the rest split by state.
    EXPECT_NEAR(c.counts().secondsIn[size_t(State::Transition)], 3.0, 1.0 / 30 + 1e-9);
    EXPECT_NEAR(c.counts().secondsIn[size_t(State::Rem)], 0.5 + 2.0, 1.0 / 30 + 1e-9);
}

TEST(StateClassifier, AStateShorterThanTheDwellNeverShows) {
    StateClassifier c;
    run(c, awake(), 0.0, 1.0);
    ASSERT_EQ(c.reported(), State::Awake);
    // 0.4 s of CRITICAL, then AWAKE again: TRANSITION meanwhile, no transition counted.
    const auto blip = run(c, critical(), 1.0, 0.4);
    for (State s : blip) EXPECT_EQ(s, State::Transition);
    EXPECT_EQ(run(c, awake(), 1.4, 0.1).back(), State::Awake);
    EXPECT_EQ(c.counts().totalTransitions, 1u);  // only IDLE → AWAKE at the start
    // A candidate that changes restarts the dwell: CRITICAL 0.3 s then DEEP_SLEEP 0.3 s is
    // 0.6 s away from AWAKE but no state held 0.5 s.
    run(c, critical(), 2.0, 0.3);
    const auto s = run(c, deepSleep(), 2.3, 0.3);
    EXPECT_EQ(s.back(), State::Transition);
}

TEST(StateClassifier, ResetClearsCountsButKeepsTheState) {
    StateClassifier c;
    run(c, awake(), 0.0, 1.0);
    c.resetCounts();
    EXPECT_EQ(c.counts().totalTransitions, 0u);
    EXPECT_EQ(c.counts().secondsIn[size_t(State::Awake)], 0.0);
    EXPECT_EQ(c.reported(), State::Awake);
    EXPECT_EQ(toString(State::DeepSleep), "DEEP_SLEEP");
    EXPECT_EQ(stateFromString("TRANSITION"), State::Transition);
}

}  // namespace
}  // namespace soundlab::metrics
