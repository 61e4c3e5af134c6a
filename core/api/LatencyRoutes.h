#pragma once

#include "api/Route.h"

#include <QJsonObject>
#include <QList>

#include <cstdint>

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

// /api/latency/calibrate, /stats, /current, /aligned, /drift, /drift/reset and
// /compensation/{set,adjust,manual}
// (docs/api.md, "Latency"). Calibration runs on the calibrator's thread: POST answers 202 at once.
QList<Route> latencyRoutes(LatencyApi latency);

// The latency frame of /api/latency/current (SPEC §6); `timestamp` is the heard time of the
// latest block the stream clock has seen.
QJsonObject latencyFrame(const LatencyApi& latency);
// GET /api/latency/drift: the stream clock's skew, drift, lock and resyncs.
QJsonObject latencyDrift(const LatencyApi& latency);
// POST /api/latency/drift/reset: restarts the stream clock's loop; the drift document then.
QJsonObject resetLatencyDrift(const LatencyApi& latency);
// The heard time (SPEC §6, Unix s on the shared clock) of the block whose callback came at
// `callbackSteadyNs`: the stream clock's time of it plus the heard latency. For Φ's timestamp.
double heardUnixSecondsOfCallback(const LatencyApi& latency, int64_t callbackSteadyNs);
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
