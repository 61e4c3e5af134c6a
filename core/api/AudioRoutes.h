#pragma once

#include "api/ApiError.h"
#include "api/Route.h"

#include <QList>

namespace soundlab {
class AudioEngine;
struct EngineError;
}
namespace soundlab::latency {
class LatencyCalibrator;
}

namespace soundlab::api {

class StatusReport;

// The routes over the audio host: /api/status, /api/audio/start|stop|performance|device and
// /api/devices. Engine failures become JSON errors: a value Soundlab does not support is 422,
// a device that cannot be opened is 409; the server stays up either way. With a calibrator,
// POST /api/audio/start?calibrate=true starts a latency calibration once audio runs.
// How the audio routes answer an engine failure: 422 for a configuration Soundlab does not
// support, 409 for a device that cannot be opened.
ApiError toApiError(const EngineError& error);

QList<Route> audioRoutes(AudioEngine& engine, const StatusReport& report,
                         latency::LatencyCalibrator* calibrator = nullptr);

}  // namespace soundlab::api
