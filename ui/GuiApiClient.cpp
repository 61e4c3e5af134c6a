#include "GuiApiClient.h"

#include "api/AudioRoutes.h"
#include "api/EngineRoutes.h"
#include "api/LogRoutes.h"
#include "api/PhiRoutes.h"

namespace soundlab {

namespace {
const QString kClient = QStringLiteral("gui");
}

GuiApiClient::GuiApiClient(AudioEngine& engine, logging::SessionLogger* log)
    : engine_(engine), log_(log) {}

std::vector<dsp::ParameterError> GuiApiClient::updatePhi(const QJsonObject& patch) {
    auto errors = api::updatePhi(engine_, patch);
    noteParameters(QStringLiteral("/api/phi"), patch, errors);
    return errors;
}

std::vector<dsp::ParameterError> GuiApiClient::updateEngine(const QJsonObject& patch) {
    auto errors = api::updateEngine(engine_, patch);
    noteParameters(QStringLiteral("/api/engine"), patch, errors);
    return errors;
}

std::vector<dsp::ParameterError> GuiApiClient::updateOutput(const QJsonObject& patch) {
    auto errors = api::updateOutput(engine_, patch);
    noteParameters(QStringLiteral("/api/audio/output"), patch, errors);
    return errors;
}

void GuiApiClient::panic() {
    api::panic(engine_);
    note("POST", QStringLiteral("/api/audio/panic"), QJsonValue::Undefined, 200);
}

std::optional<EngineError> GuiApiClient::startAudio() {
    auto error = engine_.start();
    note("POST", QStringLiteral("/api/audio/start"), QJsonValue::Undefined,
         error ? api::toApiError(*error).status : 200);
    return error;
}

void GuiApiClient::stopAudio() {
    engine_.stop();
    note("POST", QStringLiteral("/api/audio/stop"), QJsonValue::Undefined, 200);
}

std::optional<EngineError> GuiApiClient::selectDevice(const QString& selector) {
    // As the API's device route: the configuration as it is when the change runs.
    auto error = engine_.updateConfig(
        [&selector](StreamConfig& next) { next.inputDevice = next.outputDevice = selector; });
    note("POST", QStringLiteral("/api/audio/device"),
         QJsonObject{{QStringLiteral("device"), selector}},
         error ? api::toApiError(*error).status : 200);
    return error;
}

api::Response GuiApiClient::calibrateLatency(const api::LatencyApi& latency) {
    return noted("POST", QStringLiteral("/api/latency/calibrate"),
                 api::startCalibration(latency.calibrator));
}

api::Response GuiApiClient::setLatencyCompensation(const api::LatencyApi& latency,
                                                   double offsetMs) {
    return noted("POST", QStringLiteral("/api/latency/compensation/set"),
                 api::setCompensationOffset(latency, offsetMs));
}

api::Response GuiApiClient::adjustLatencyCompensation(const api::LatencyApi& latency,
                                                      double deltaMs) {
    return noted("POST", QStringLiteral("/api/latency/compensation/adjust"),
                 api::adjustCompensationOffset(latency, deltaMs));
}

api::Response GuiApiClient::setLatencyManualOffset(const api::LatencyApi& latency,
                                                   double offsetMs) {
    return noted("POST", QStringLiteral("/api/latency/compensation/manual"),
                 api::setManualOffset(latency, offsetMs));
}

api::Response GuiApiClient::noted(const QByteArray& method, const QString& path,
                                  api::Response response) {
    note(method, path, QJsonValue::Undefined, response.status);
    return response;
}

std::variant<QJsonObject, api::ApiError> GuiApiClient::addMarker(const QString& label) {
    return api::addMarker(log_, label, kClient);
}

void GuiApiClient::noteParameters(const QString& path, const QJsonObject& patch,
                                  const std::vector<dsp::ParameterError>& errors) {
    note("PUT", path, patch, errors.empty() ? 200 : 422);
}

void GuiApiClient::note(const QByteArray& method, const QString& path, const QJsonValue& body,
                        int status) {
    if (log_ != nullptr) api::logControl(*log_, {kClient, method, path, body, status});
}

}  // namespace soundlab
