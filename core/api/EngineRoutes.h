#pragma once

#include "api/Route.h"

#include "dsp/ParameterError.h"

#include <QJsonObject>
#include <QList>
#include <vector>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// GET/PUT /api/engine: the D-ASE engine's parameters and the downmix (docs/engine.md). A PUT is a
// partial update; a bad value is a 422 that names every bad field and its allowed range, and
// changes nothing. Accepted changes reach the audio thread through parameter smoothing.
QList<Route> engineRoutes(AudioEngine& engine);

// The partial update PUT /api/engine runs: `patch` is checked against the PUT schema, then its
// present fields are applied in one AudioEngine::updateSettings (any error: nothing changes).
// The GUI's EngineViewModel edits through it too, so both validate the same way.
std::vector<dsp::ParameterError> updateEngine(AudioEngine& engine, const QJsonObject& patch);

// 422 listing every bad field: {"error": {"code", "message", "fields": [{field, message, min,
// max}]}}. Shared by the routes that validate through dsp::ParameterError (engine, Φ).
Response invalidParameters(const std::vector<dsp::ParameterError>& errors);

}  // namespace soundlab::api
