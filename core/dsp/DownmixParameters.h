#pragma once

#include "dsp/EngineParameters.h"
#include "dsp/ParameterError.h"

#include <array>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace soundlab::dsp {

// How the eight channels become stereo (SPEC §3; docs/engine.md lists the weights).
enum class DownmixStrategy {
    Spatial,  // equal-power pan: bass channels centred, higher ones alternately left and right
    Energy,   // L = R = g·Σy, g following power (mean channel power; total with band split)
    Linear,   // L = R = mean(y)
    Phi,      // golden-ratio weights Φ^−k, panned alternately by the golden angle
};

// "spatial", "energy", "linear", "phi" (the preset schema's and the API's spelling).
std::string_view toString(DownmixStrategy strategy);
// The inverse of toString(); exact, lower-case match. nullopt for anything else.
std::optional<DownmixStrategy> downmixStrategyFromString(std::string_view name);

// Left and right weight of each channel: L = Σ left[k]·y_k, R = Σ right[k]·y_k.
struct StereoWeights {
    std::array<float, kFieldChannels> left{};
    std::array<float, kFieldChannels> right{};
    bool operator==(const StereoWeights&) const = default;
};

struct DownmixParameters {
    DownmixStrategy strategy = DownmixStrategy::Spatial;
    // When true, weightsL/weightsR (each [0, 1]; a preset's weights_l/weights_r) replace the
    // strategy's weights. When false they are ignored.
    bool customWeights = false;
    std::array<float, kFieldChannels> weightsL{};
    std::array<float, kFieldChannels> weightsR{};

    bool operator==(const DownmixParameters&) const = default;

    // With customWeights, every weight outside [0, 1] or not finite, named "weights_l[k]" /
    // "weights_r[k]". Empty when valid.
    static std::vector<ParameterError> validate(const DownmixParameters& parameters);
};
static_assert(std::is_trivially_copyable_v<DownmixParameters>);

// The weights a strategy defines (SPEC §3), for full-band channels (eight copies of one signal
// in different shapes) or, with bandSplit, for band-split channels (which sum to the input).
StereoWeights strategyWeights(DownmixStrategy strategy, bool bandSplit = false);
// The weights in effect for `parameters`: the custom ones (clamped to [0, 1], non-finite → 0)
// or the strategy's.
StereoWeights effectiveWeights(const DownmixParameters& parameters);

}  // namespace soundlab::dsp
