#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace soundlab::metrics {

// The states of SPEC §5. Transition is reported while a new state waits out its dwell.
enum class State : uint8_t { Idle, Critical, Awake, DeepSleep, Dreaming, Rem, Transition };
inline constexpr int kStateCount = 7;

std::string_view toString(State state);  // "IDLE", "CRITICAL", … as the seed's clients read them
std::optional<State> stateFromString(std::string_view name);

// One analysis frame (SPEC §5; docs/metrics.md has every formula). All in [0, 1] unless stated.
struct MetricsFrame {
    uint64_t frameId = 0;          // 1, 2, 3, … since the analysis started; +1 per frame
    double timestamp = 0.0;        // Unix seconds when the window's last sample is heard (§6)
    int64_t samplePosition = 0;    // the window's end, in the stream's samples
    double sampleRate = 48000.0;
    double rateHz = 30.0;          // the analysis rate the frame was made at
    double ici = 0.0;
    double phaseCoherence = 0.0;
    double spectralCentroid = 0.0;  // Hz
    double criticality = 0.0;
    double consciousnessLevel = 0.0;
    State state = State::Idle;
    double phiPhase = 0.0;  // radians
    double phiDepth = 0.0;  // [0, Φ]
    uint8_t phiMode = 0;    // phi::Mode
    double levelDb = -120.0;  // input RMS over the window, dBFS, floored at −120
    double cpuLoad = 0.0;     // the audio callback's processing time ÷ block duration
    bool gateOpen = false;    // the input-level gate of SPEC §5
};

}  // namespace soundlab::metrics
