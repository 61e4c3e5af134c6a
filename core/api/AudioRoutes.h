#pragma once

#include "api/ApiError.h"
#include "api/Route.h"
#include "dsp/ParameterError.h"

#include <QJsonObject>

#include <QList>
#include <vector>

namespace soundlab {
class AudioEngine;
struct EngineError;
}
namespace soundlab::latency {
class LatencyCalibrator;
}

namespace soundlab::api {

class StatusReport;

// The routes over the audio host: /api/status, /api/audio/start|stop|performance|device|output|
// panic and /api/devices. Engine failures become JSON errors: a value Soundlab does not support is 422,
// a device that cannot be opened is 409; the server stays up either way. With a calibrator,
// POST /api/audio/start?calibrate=true starts a latency calibration once audio runs.
// How the audio routes answer an engine failure: 422 for a configuration Soundlab does not
// support, 409 for a device that cannot be opened.
ApiError toApiError(const EngineError& error);

QList<Route> audioRoutes(AudioEngine& engine, const StatusReport& report,
                         latency::LatencyCalibrator* calibrator = nullptr);

// The GET /api/audio/output document (also what PUT and POST /api/audio/panic answer):
// {gain_db, muted} plus the range and the ramp time.
QJsonObject outputState(const AudioEngine& engine);
// The partial update PUT /api/audio/output runs: `patch` ({gain_db?, muted?}) is checked against
// the PUT schema, then applied in one AudioEngine::updateOutput (any error: nothing changes).
// The GUI edits through it too, so both validate the same way.
std::vector<dsp::ParameterError> updateOutput(AudioEngine& engine, const QJsonObject& patch);
// POST /api/audio/panic (the GUI's Esc): mutes now, ramped; the gain is kept for the unmute.
void panic(AudioEngine& engine);

}  // namespace soundlab::api
