#pragma once

#include "dsp/GoldenRatio.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace soundlab::phi {

inline constexpr double kTwoPi = 2.0 * 3.14159265358979323846;
inline constexpr double kPi = 3.14159265358979323846;

// The Φ sources (SPEC §4).
enum class Mode : uint8_t { Manual, Audio, Midi, Sensor, Internal };
inline constexpr int kModeCount = 5;

std::string_view toString(Mode mode);
std::optional<Mode> modeFromString(std::string_view text);

// What a source produces for a block: phase in [0, 2π), depth in [0, Φ] (schema units).
struct Output {
    double phase = 0.0;
    double depth = 0.0;
};

// Wraps any finite angle into [0, 2π).
inline double wrapPhase(double radians) {
    double r = std::fmod(radians, kTwoPi);
    if (r < 0.0) r += kTwoPi;
    return r >= kTwoPi ? 0.0 : r;
}

// The signed shortest way from `from` to `to`, in (−π, π].
inline double shortestArc(double from, double to) {
    double d = std::fmod(to - from, kTwoPi);
    if (d > kPi) d -= kTwoPi;
    if (d <= -kPi) d += kTwoPi;
    return d;
}

// Ranges of the control-side settings (validated before anything reaches the audio thread).
inline constexpr double kMaxDepth = dsp::kPhi;
inline constexpr double kMinEnvelopeMs = 10.0, kMaxEnvelopeMs = 500.0;
inline constexpr double kMinInternalHz = 0.01, kMaxInternalHz = 10.0;
inline constexpr double kMinHeartRate = 40.0, kMaxHeartRate = 200.0;
inline constexpr double kMaxAccelG = 16.0;  // what common MEMS accelerometers report at most
inline constexpr double kCrossfadeSeconds = 0.1;
inline constexpr double kSensorStaleSeconds = 2.0;
inline constexpr int kNoMidiBend = -100000;  // State::midiBend before the first pitch bend

// The settings of every source and the active mode: edited on the control side, handed to the
// audio thread whole through a triple buffer.
struct Settings {
    Mode mode = Mode::Manual;
    double manualDepth = dsp::kPhi - 1.0;  // [0, Φ]
    double manualPhase = 0.0;              // [0, 2π)
    double attackMs = 20.0;                // [10, 500]
    double releaseMs = 100.0;              // [10, 500]
    double internalHz = 0.1;               // [0.01, 10]

    bool operator==(const Settings&) const = default;
};
static_assert(std::is_trivially_copyable_v<Settings>);

// The latest sensor reading, as the audio thread holds it.
struct SensorValues {
    bool present = false;  // false until the first sample: the source then outputs 0, 0
    double heartRateBpm = 60.0;
    double gsr = 0.0;
    double accelX = 0.0, accelY = 0.0, accelZ = 0.0;
};
static_assert(std::is_trivially_copyable_v<SensorValues>);

// What the controller publishes after each block for readers (API, status, GUI).
struct State {
    Mode mode = Mode::Manual;  // the active (incoming) source
    double phase = 0.0;
    double depth = dsp::kPhi - 1.0;
    bool fading = false;
    Mode fadeFrom = Mode::Manual;
    Mode fadeTo = Mode::Manual;
    double fadeProgress = 1.0;  // [0, 1] time fraction of the 100 ms fade
    double envelope = 0.0;      // the audio source's follower, linear
    // The `midi` source as of this block: the latest mod wheel (CC1) value, −1 before any; the
    // latest pitch bend (−8192…8191), kNoMidiBend before any; the arrival time (steady clock, ns)
    // of the latest event applied, 0 before any, and the end of the window of the block that
    // applied it (that callback's start); events applied so far.
    int midiModWheel = -1;
    int midiBend = kNoMidiBend;
    int64_t midiLastEventNs = 0;
    int64_t midiLastAppliedNs = 0;
    uint64_t midiEvents = 0;
    uint64_t blocks = 0;
    // When this block read its settings and sensor values (steady clock, ns; CLOCK_MONOTONIC on
    // Linux): a change written before it is in this block. Lets a reader tell how fresh the
    // state is, and bench/phi measure control-to-audio latency.
    int64_t blockNs = 0;
};
static_assert(std::is_trivially_copyable_v<State>);

}  // namespace soundlab::phi
