#include "presets/EnginePresetTarget.h"

#include "engine/AudioEngine.h"
#include "presets/PresetEngineMapping.h"

#include <QtGlobal>

namespace soundlab::presets {

namespace {

// Equal in everything a preset sets; the enables and the gain are not a preset's.
bool samePresetSettings(const dsp::EngineParameters& a, const dsp::EngineParameters& b) {
    return a.frequencies == b.frequencies && a.amplitudes == b.amplitudes &&
           a.couplingStrength == b.couplingStrength && a.bandSplit == b.bandSplit;
}

}  // namespace

EnginePresetTarget::EnginePresetTarget(AudioEngine& engine) : engine_(engine) {}

Preset EnginePresetTarget::captureLiveState() const {
    Preset live;
    live.name = QStringLiteral("Live");
    live.engine = engineSettingsFrom(engine_.engineParameters(), engine_.config().sampleRate);
    live.downmix = downmixSettingsFrom(engine_.downmixParameters());
    std::lock_guard lock(mutex_);
    if (applied_) live.phi = applied_->phi;
    return live;
}

void EnginePresetTarget::applyPreset(const Preset& preset) {
    dsp::EngineParameters engine;
    const dsp::DownmixParameters downmix = downmixParametersFor(preset.downmix);
    // The preset keeps what it does not set (e.g. gain) from the live settings at this instant.
    const std::vector<dsp::ParameterError> errors =
        engine_.updateSettings([&](DspSettings& live) {
            engine = engineParametersFor(preset.engine, live.engine);
            live.engine = engine;
            live.downmix = downmix;
            return std::vector<dsp::ParameterError>();
        });
    if (!errors.empty()) {
        // A preset that passed schema v1 is always in the engine's ranges; one built in code
        // might not be. The engine then keeps its settings (all or nothing).
        qWarning("soundlab presets: the engine refused preset \"%s\": %s", qPrintable(preset.name),
                 errors.front().message.c_str());
        return;
    }
    std::lock_guard lock(mutex_);
    applied_ = Applied{{preset.id, preset.name}, preset.phi, engine, downmix};
}

std::optional<EnginePresetTarget::LoadedPreset> EnginePresetTarget::loadedPreset() const {
    std::optional<Applied> applied;
    {
        std::lock_guard lock(mutex_);
        applied = applied_;
    }
    if (!applied || !samePresetSettings(applied->engine, engine_.engineParameters()) ||
        !(applied->downmix == engine_.downmixParameters()))
        return std::nullopt;
    return applied->preset;
}

}  // namespace soundlab::presets
