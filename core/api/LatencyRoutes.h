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
// The GET /api/latency/stats document: the latest and the last good calibration, the frame.
QJsonObject latencyStats(const LatencyApi& latency);

// What POST /api/latency/compensation/{set,adjust,manual} run: 200 with the frame, `ok` and
// `message`, or a 422 JSON error naming the parameter and its range (nothing changes). They check
// the value against the routes' own query parameters, so the GUI's LatencyViewModel, which calls
// them too, gets the very 422 an HTTP client gets.
Response setCompensationOffset(const LatencyApi& latency, double offsetMs);
Response adjustCompensationOffset(const LatencyApi& latency, double deltaMs);
Response setManualOffset(const LatencyApi& latency, double offsetMs);

}  // namespace soundlab::api
