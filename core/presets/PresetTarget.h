#pragma once

#include "presets/Preset.h"

namespace soundlab::presets {

// The live engine as the preset code sees it; the application implements it over the engine's
// parameter interface. Presets never reach the audio thread directly.
class PresetTarget {
public:
    virtual ~PresetTarget() = default;

    // The engine's current settings as a preset (no id, no timestamps; a name such as "Live").
    virtual Preset captureLiveState() const = 0;

    // Moves the engine towards `preset`. Must return promptly without waiting for the audio
    // thread: the engine smooths every parameter per sample (≤ 10 ms ramp, SPEC §2), which makes
    // the change click-free, and a call during a ramp retargets from where the ramp is. Called
    // with AbComparator's lock held, so it must not call back into the comparator.
    virtual void applyPreset(const Preset& preset) = 0;
};

}  // namespace soundlab::presets
