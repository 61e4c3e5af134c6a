#include "presets/PresetEngineMapping.h"

#include <charconv>
#include <cstdlib>

namespace soundlab::presets {

namespace {

using FloatChannels = std::array<float, dsp::kFieldChannels>;

static_assert(kPresetChannelCount == dsp::kFieldChannels);

// The shortest decimal that reads back as `value` (std::to_chars' round-trip guarantee).
double shortestDecimal(float value) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof(text) - 1, value).ptr;
    *end = '\0';
    return std::strtod(text, nullptr);
}

FloatChannels toFloats(const ChannelValues& values) {
    FloatChannels floats{};
    for (int k = 0; k < kPresetChannelCount; ++k) floats[k] = static_cast<float>(values[k]);
    return floats;
}

ChannelValues toDoubles(const FloatChannels& floats) {
    ChannelValues values{};
    for (int k = 0; k < kPresetChannelCount; ++k) values[k] = shortestDecimal(floats[k]);
    return values;
}

}  // namespace

dsp::DownmixStrategy toDsp(DownmixStrategy strategy) {
    switch (strategy) {
        case DownmixStrategy::Spatial:
            return dsp::DownmixStrategy::Spatial;
        case DownmixStrategy::Energy:
            return dsp::DownmixStrategy::Energy;
        case DownmixStrategy::Linear:
            return dsp::DownmixStrategy::Linear;
        case DownmixStrategy::Phi:
            return dsp::DownmixStrategy::Phi;
    }
    return dsp::DownmixStrategy::Spatial;
}

DownmixStrategy fromDsp(dsp::DownmixStrategy strategy) {
    switch (strategy) {
        case dsp::DownmixStrategy::Spatial:
            return DownmixStrategy::Spatial;
        case dsp::DownmixStrategy::Energy:
            return DownmixStrategy::Energy;
        case dsp::DownmixStrategy::Linear:
            return DownmixStrategy::Linear;
        case dsp::DownmixStrategy::Phi:
            return DownmixStrategy::Phi;
    }
    return DownmixStrategy::Spatial;
}

dsp::EngineParameters engineParametersFor(const EngineSettings& settings,
                                          const dsp::EngineParameters& current) {
    dsp::EngineParameters parameters = current;
    parameters.frequencies = toFloats(settings.frequencies);
    parameters.amplitudes = toFloats(settings.amplitudes);
    parameters.couplingStrength = static_cast<float>(settings.couplingStrength);
    parameters.bandSplit = settings.bandSplit;
    return parameters;
}

dsp::DownmixParameters downmixParametersFor(const DownmixSettings& settings) {
    dsp::DownmixParameters parameters;
    parameters.strategy = toDsp(settings.strategy);
    if (settings.weightsLeft || settings.weightsRight) {
        const dsp::StereoWeights strategy = dsp::strategyWeights(parameters.strategy);
        parameters.customWeights = true;
        parameters.weightsL =
            settings.weightsLeft ? toFloats(*settings.weightsLeft) : strategy.left;
        parameters.weightsR =
            settings.weightsRight ? toFloats(*settings.weightsRight) : strategy.right;
    }
    return parameters;
}

EngineSettings engineSettingsFrom(const dsp::EngineParameters& engine, int sampleRate) {
    EngineSettings settings;
    settings.sampleRate = sampleRate;
    settings.frequencies = toDoubles(engine.frequencies);
    settings.amplitudes = toDoubles(engine.amplitudes);
    settings.couplingStrength = shortestDecimal(engine.couplingStrength);
    settings.bandSplit = engine.bandSplit;
    return settings;
}

DownmixSettings downmixSettingsFrom(const dsp::DownmixParameters& downmix) {
    DownmixSettings settings;
    settings.strategy = fromDsp(downmix.strategy);
    if (downmix.customWeights) {
        settings.weightsLeft = toDoubles(downmix.weightsL);
        settings.weightsRight = toDoubles(downmix.weightsR);
    }
    return settings;
}

}  // namespace soundlab::presets
