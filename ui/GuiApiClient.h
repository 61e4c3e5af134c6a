#pragma once

#include "api/ApiError.h"
#include "api/LatencyRoutes.h"
#include "dsp/ParameterError.h"
#include "engine/AudioEngine.h"

#include <QJsonObject>
#include <QString>

#include <optional>
#include <variant>
#include <vector>

namespace soundlab {

namespace logging {
class SessionLogger;
}

// The GUI as an in-process API client: every change a view-model makes goes through here, which
// runs the function the API handler for that change runs and notes it in the session log as a
// `control` record with client "gui", described as the request it equals (method, path, body,
// the status the API would answer). One place for every GUI change, as
// ApiServerOptions::changeObserver is for every API request, so the audio_engine log tells who
// changed what whichever side did it. Reads do not go through it (they change nothing).
//
// Threading: any thread but the audio thread (the audio view-model opens devices on a worker).
// The engine and the logger must outlive it; `log` is null with --no-logging.
class GuiApiClient {
public:
    GuiApiClient(AudioEngine& engine, logging::SessionLogger* log);

    AudioEngine& engine() const { return engine_; }

    // PUT /api/phi and PUT /api/engine: partial updates, validated as the API validates them.
    std::vector<dsp::ParameterError> updatePhi(const QJsonObject& patch);
    std::vector<dsp::ParameterError> updateEngine(const QJsonObject& patch);
    // POST /api/audio/start, /api/audio/stop, and /api/audio/device {"device": selector}.
    std::optional<EngineError> startAudio();
    void stopAudio();
    std::optional<EngineError> selectDevice(const QString& selector);
    // POST /api/latency/calibrate and /api/latency/compensation/{set,adjust,manual}: the routes'
    // functions, answered as the API answers (202/200, or the 409/422 JSON error).
    api::Response calibrateLatency(const api::LatencyApi& latency);
    api::Response setLatencyCompensation(const api::LatencyApi& latency, double offsetMs);
    api::Response adjustLatencyCompensation(const api::LatencyApi& latency, double deltaMs);
    api::Response setLatencyManualOffset(const api::LatencyApi& latency, double offsetMs);
    // PUT /api/audio/output (gain_db, muted) and POST /api/audio/panic: the routes' functions.
    std::vector<dsp::ParameterError> updateOutput(const QJsonObject& patch);
    void panic();
    // POST /api/markers: a `marker` record in every category's log (a marker, not a change).
    std::variant<QJsonObject, api::ApiError> addMarker(const QString& label);

private:
    void note(const QByteArray& method, const QString& path, const QJsonValue& body, int status);
    // Notes a request without a JSON body (the query is not logged, as for the API's requests).
    api::Response noted(const QByteArray& method, const QString& path, api::Response response);
    void noteParameters(const QString& path, const QJsonObject& patch,
                        const std::vector<dsp::ParameterError>& errors);

    AudioEngine& engine_;
    logging::SessionLogger* log_;
};

}  // namespace soundlab
