#pragma once

#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"

#include <QJsonObject>
#include <vector>

namespace soundlab {

// The JSON form of the engine's parameters, as `GET/PUT /api/engine` and the presets' `engine`
// and `downmix` objects spell them: {"engine": {"frequencies": [8], "amplitudes": [8],
// "enabled": [8], "coupling_strength", "gain", ...}, "downmix": {"strategy", "weights_l",
// "weights_r"}}.
QJsonObject engineToJson(const dsp::EngineParameters& engine);
QJsonObject downmixToJson(const dsp::DownmixParameters& downmix);

// Applies a partial update: present fields replace, absent ones stay. Every problem (unknown
// key, wrong type, wrong length, value out of range) is returned, named by its dotted path
// ("engine.frequencies[3]"); on any error `engine` and `downmix` are left unchanged.
// `sampleRate`, when the body names engine.sample_rate, must match it (the stream's rate is
// changed through the audio device, not here).
std::vector<dsp::ParameterError> applyParametersJson(const QJsonObject& body, int sampleRate,
                                                     dsp::EngineParameters* engine,
                                                     dsp::DownmixParameters* downmix);

}  // namespace soundlab
