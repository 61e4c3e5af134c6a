#pragma once

#include "api/Route.h"

#include <QList>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// GET/PUT /api/engine: the D-ASE engine's parameters and the downmix (docs/engine.md). A PUT is a
// partial update; a bad value is a 422 that names every bad field and its allowed range, and
// changes nothing. Accepted changes reach the audio thread through parameter smoothing.
QList<Route> engineRoutes(AudioEngine& engine);

}  // namespace soundlab::api
