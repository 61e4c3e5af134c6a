#pragma once

#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"
#include "presets/PresetTarget.h"

#include <QString>
#include <mutex>
#include <optional>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::presets {

// The live engine behind the A/B comparator and POST /api/presets/{id}/apply: presets become
// AudioEngine parameter changes (PresetEngineMapping), which return at once and reach the audio
// thread through the processing chain's queue; there the engine ramps every parameter over 10 ms
// and the downmix crossfades over one block. That is what makes a toggle click-free and a toggle
// during a ramp a smooth retarget.
//
// A preset's Φ section sets the Φ controller (docs/phi.md): the mode (crossfading over 100 ms),
// the manual source's depth and phase, and the internal oscillator's frequency when the preset
// gives one. Capture reads them back from the controller; while they are still what the preset
// applied last set, its section is returned verbatim (a null frequency stays null).
//
// Thread-safety: any non-audio thread; a small lock guards what was applied last.
class EnginePresetTarget final : public PresetTarget {
public:
    explicit EnginePresetTarget(AudioEngine& engine);

    // A preset named "Live": the engine's frequencies, amplitudes, coupling and downmix, the
    // stream's sample rate, and the Φ controller's mode, manual depth/phase and frequency.
    Preset captureLiveState() const override;
    void applyPreset(const Preset& preset) override;

    // The preset applied last, while the engine still runs what it set (frequencies, amplitudes,
    // coupling, downmix); nullopt before any apply and after a change by other means (PUT
    // /api/engine, the GUI). What /api/status reports as `preset_loaded`.
    struct LoadedPreset {
        QString id;  // empty for a preset that is not stored (e.g. a live capture in a slot)
        QString name;
    };
    std::optional<LoadedPreset> loadedPreset() const;

private:
    struct Applied {
        LoadedPreset preset;
        PhiSettings phi;
        dsp::EngineParameters engine;
        dsp::DownmixParameters downmix;
    };

    AudioEngine& engine_;
    mutable std::mutex mutex_;
    std::optional<Applied> applied_;
};

}  // namespace soundlab::presets
