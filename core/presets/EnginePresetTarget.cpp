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

// The preset schema's modes and the controller's are the same five, in the same order.
phi::Mode toController(PhiMode mode) {
    switch (mode) {
        case PhiMode::Manual:
            return phi::Mode::Manual;
        case PhiMode::Audio:
            return phi::Mode::Audio;
        case PhiMode::Midi:
            return phi::Mode::Midi;
        case PhiMode::Sensor:
            return phi::Mode::Sensor;
        case PhiMode::Internal:
            return phi::Mode::Internal;
    }
    return phi::Mode::Manual;
}

PhiMode fromController(phi::Mode mode) {
    switch (mode) {
        case phi::Mode::Manual:
            return PhiMode::Manual;
        case phi::Mode::Audio:
            return PhiMode::Audio;
        case phi::Mode::Midi:
            return PhiMode::Midi;
        case phi::Mode::Sensor:
            return PhiMode::Sensor;
        case phi::Mode::Internal:
            return PhiMode::Internal;
    }
    return PhiMode::Manual;
}

// What a preset's `phi` section sets on the controller: the mode, the manual source's depth and
// phase (schema phase [−2π, 2π] wrapped into [0, 2π)) and the oscillator frequency when given.
// Source settings such as attack/release are the box's, not a preset's.
void applyPhi(const PhiSettings& preset, phi::Settings* s) {
    s->mode = toController(preset.mode);
    s->manualDepth = preset.depth;
    s->manualPhase = phi::wrapPhase(preset.phase);
    if (preset.frequency) s->internalHz = *preset.frequency;
}

}  // namespace

EnginePresetTarget::EnginePresetTarget(AudioEngine& engine) : engine_(engine) {}

Preset EnginePresetTarget::captureLiveState() const {
    Preset live;
    live.name = QStringLiteral("Live");
    live.engine = engineSettingsFrom(engine_.engineParameters(), engine_.config().sampleRate);
    live.downmix = downmixSettingsFrom(engine_.downmixParameters());
    const phi::Settings controller = engine_.phiSettings();
    std::lock_guard lock(mutex_);
    if (applied_) {
        // Unchanged since the apply: the preset's own section, verbatim (a null frequency stays
        // null, a phase of −π stays −π).
        phi::Settings asApplied = controller;
        applyPhi(applied_->phi, &asApplied);
        if (asApplied == controller) {
            live.phi = applied_->phi;
            return live;
        }
    }
    live.phi.mode = fromController(controller.mode);
    live.phi.depth = controller.manualDepth;
    live.phi.phase = controller.manualPhase;
    // The default oscillator rate is what a null frequency means.
    if (controller.internalHz != phi::Settings{}.internalHz)
        live.phi.frequency = controller.internalHz;
    return live;
}

void EnginePresetTarget::applyPreset(const Preset& preset) {
    dsp::EngineParameters engine;
    const dsp::DownmixParameters downmix = downmixParametersFor(preset.downmix);
    // Check the Φ part first so that a refused preset changes nothing at all.
    {
        phi::Settings candidate = engine_.phiSettings();
        applyPhi(preset.phi, &candidate);
        const auto phiErrors = phi::validate(candidate);
        if (!phiErrors.empty()) {
            qWarning("soundlab presets: the Φ controller refused preset \"%s\": %s",
                     qPrintable(preset.name), phiErrors.front().message.c_str());
            return;
        }
    }
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
    // Smoothly: a mode change crossfades over the controller's 100 ms, a manual depth or phase
    // change ramps over the engine's 10 ms.
    engine_.updatePhiSettings([&](phi::Settings& s) {
        applyPhi(preset.phi, &s);
        return std::vector<dsp::ParameterError>();
    });
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
