#pragma once

#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"
#include "presets/Preset.h"

namespace soundlab::presets {

// How a preset's `engine` and `downmix` become the D-ASE engine's and the downmix's parameters
// (SPEC §2, §3), and back. Plain conversions: applying them to a running engine is
// EnginePresetTarget's job.

// The engine parameters a preset asks for. A preset does not hold the channel enables or the
// output gain (schema v1 has neither: they are the operator's mutes and master level), so those
// are taken from `current` and stay as they are. `sample_rate` is not applied: the stream's rate
// belongs to the audio device, and frequencies are in Hz, so they mean the same at any rate.
dsp::EngineParameters engineParametersFor(const EngineSettings& settings,
                                          const dsp::EngineParameters& current);

// The downmix a preset asks for. With either custom side present, custom weights are used and a
// missing side takes the strategy's weights (dsp::strategyWeights), so a preset that only moves
// the left channel keeps the strategy's right.
dsp::DownmixParameters downmixParametersFor(const DownmixSettings& settings);

// The reverse, for capturing the live engine as a preset. The engine holds floats; each becomes
// the shortest decimal that reads back as the same float (0.6f → 0.6, not 0.6000000238), so a
// captured preset shows the values a person set and stays inside the schema's ranges.
EngineSettings engineSettingsFrom(const dsp::EngineParameters& engine, int sampleRate);
// Custom weights are captured as both sides.
DownmixSettings downmixSettingsFrom(const dsp::DownmixParameters& downmix);

dsp::DownmixStrategy toDsp(DownmixStrategy strategy);
DownmixStrategy fromDsp(dsp::DownmixStrategy strategy);

}  // namespace soundlab::presets
