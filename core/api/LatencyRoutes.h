#pragma once

#include "api/Route.h"

#include <QJsonObject>
#include <QList>

namespace soundlab {
class AudioEngine;
}
namespace soundlab::latency {
class LatencyCalibrator;
class LatencyCompensation;
}  // namespace soundlab::latency

namespace soundlab::api {

// The latency feature's objects the routes drive (owned by ApiServer).
struct LatencyApi {
    AudioEngine& engine;
    latency::LatencyCalibrator& calibrator;
    latency::LatencyCompensation& compensation;
};

// /api/latency/calibrate, /stats, /current, /aligned and /compensation/{set,adjust,manual}
// (docs/api.md, "Latency"). Calibration runs on the calibrator's thread: POST answers 202 at once.
QList<Route> latencyRoutes(LatencyApi latency);

// The latency frame of /api/latency/current (SPEC §6 fields that can be filled today).
QJsonObject latencyFrame(const LatencyApi& latency);
// A /ws/latency message: the frame plus `type: "latency"` and the latest calibration (progress
// while it runs, its result once done).
QJsonObject latencyStreamFrame(const LatencyApi& latency);
// Starts a calibration: 202 with its id and state, or a 409 JSON error (one running, no audio).
Response startCalibration(latency::LatencyCalibrator& calibrator);
// The latest calibration as JSON (null before the first); what POST, /stats and /ws/latency show.
QJsonValue latestCalibrationJson(const latency::LatencyCalibrator& calibrator);

}  // namespace soundlab::api
