#include "api/EngineRoutes.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"
#include "engine/EngineParametersJson.h"

#include <QJsonArray>

namespace soundlab::api {

namespace {

QJsonObject eight(const QJsonObject& item, const QString& description) {
    QJsonObject array = schema::arrayOf(item, description);
    array.insert(QStringLiteral("minItems"), dsp::kFieldChannels);
    array.insert(QStringLiteral("maxItems"), dsp::kFieldChannels);
    return array;
}

QJsonObject parametersSchema(bool forResponse) {
    using namespace schema;
    QJsonObject engine = object({
        {QStringLiteral("sample_rate"), integer({}, {}, QStringLiteral("the stream's rate, Hz"))},
        {QStringLiteral("num_channels"), integer(8, 8)},
        {QStringLiteral("frequencies"),
         eight(number(dsp::kMinFrequencyHz, dsp::kMaxFrequencyHz),
               QStringLiteral("field oscillator frequencies f_k, Hz"))},
        {QStringLiteral("amplitudes"),
         eight(number(0, 1), QStringLiteral("Φ modulation amount a_k per channel"))},
        {QStringLiteral("enabled"),
         eight(boolean(), QStringLiteral("a disabled channel is muted"))},
        {QStringLiteral("coupling_strength"),
         number(0, dsp::kMaxCouplingStrength,
                QStringLiteral("K; 2 locks the default frequencies"))},
        {QStringLiteral("gain"), number(0, dsp::kMaxGain, QStringLiteral("linear output gain"))},
        {QStringLiteral("band_split"),
         described(boolean(), QStringLiteral("one crossover band per cell (default true); false "
                                             "feeds the full band to every cell"))},
    });
    QJsonObject weights =
        withTypes(eight(number(0, 1), {}), {QStringLiteral("array"), QStringLiteral("null")});
    QJsonObject downmix = object({
        {QStringLiteral("strategy"),
         stringEnum({QStringLiteral("spatial"), QStringLiteral("energy"), QStringLiteral("linear"),
                     QStringLiteral("phi")})},
        {QStringLiteral("weights_l"),
         described(weights, QStringLiteral("custom left weights (with weights_r); null: the "
                                           "strategy's"))},
        {QStringLiteral("weights_r"), weights},
    });
    if (!forResponse)
        return object({{QStringLiteral("engine"), engine}, {QStringLiteral("downmix"), downmix}});
    return object({
        {QStringLiteral("engine"), engine},
        {QStringLiteral("downmix"), downmix},
        {QStringLiteral("implementation"),
         stringEnum({QStringLiteral("avx2"), QStringLiteral("scalar")},
                    QStringLiteral("the SIMD kernel chosen at run time"))},
        {QStringLiteral("order_parameter"),
         number(0, 1, QStringLiteral("Kuramoto order parameter R after the latest block"))},
        {QStringLiteral("non_finite_input_samples"),
         integer(0, {}, QStringLiteral("non-finite input samples replaced by 0"))},
    });
}

QJsonObject state(const AudioEngine& engine) {
    QJsonObject engineJson = engineToJson(engine.engineParameters());
    engineJson[QStringLiteral("sample_rate")] = engine.config().sampleRate;
    const std::string_view implementation = dsp::toString(engine.implementation());
    return {
        {QStringLiteral("engine"), engineJson},
        {QStringLiteral("downmix"), downmixToJson(engine.downmixParameters())},
        {QStringLiteral("implementation"),
         QString::fromLatin1(implementation.data(), qsizetype(implementation.size()))},
        {QStringLiteral("order_parameter"), double(engine.orderParameter())},
        {QStringLiteral("non_finite_input_samples"), qint64(engine.nonFiniteInputSamples())},
    };
}

}  // namespace

Response invalidParameters(const std::vector<dsp::ParameterError>& errors) {
    QStringList messages;
    QJsonArray fields;
    for (const dsp::ParameterError& e : errors) {
        messages << QString::fromStdString(e.message);
        QJsonObject field{{QStringLiteral("field"), QString::fromStdString(e.field)},
                          {QStringLiteral("message"), QString::fromStdString(e.message)}};
        if (e.min != e.max) {
            field[QStringLiteral("min")] = e.min;
            field[QStringLiteral("max")] = e.max;
        }
        fields.append(field);
    }
    QJsonObject body = ApiError::invalidValue(messages.join(QStringLiteral("; "))).toJson();
    QJsonObject error = body[QStringLiteral("error")].toObject();
    error[QStringLiteral("fields")] = fields;
    body[QStringLiteral("error")] = error;
    return Response::json(body, 422);
}

std::vector<dsp::ParameterError> updateEngine(AudioEngine& engine, const QJsonObject& patch) {
    if (const auto violation = schema::validate(patch, parametersSchema(false)))
        return {dsp::ParameterError{violation->path.toStdString(), 0.0, 0.0,
                                    violation->toString().toStdString()}};
    // One read–modify–write: a concurrent editor's change is never overwritten.
    const int sampleRate = engine.config().sampleRate;
    return engine.updateSettings([&](DspSettings& s) {
        return applyParametersJson(patch, sampleRate, &s.engine, &s.downmix);
    });
}

QList<Route> engineRoutes(AudioEngine& engine) {
    Route get;
    get.method = "GET";
    get.path = QStringLiteral("/api/engine");
    get.summary = QStringLiteral("The D-ASE engine's parameters and downmix");
    get.tag = QStringLiteral("engine");
    get.responseSchema = parametersSchema(true);
    // A copy under the parameters' short lock. Inline, so that a window polling it with the
    // other documents of its refresh tick gets every answer in that tick (one frame drawn).
    get.execution = Execution::ServerThread;
    get.handler = [&engine](const Request&) { return Response::json(state(engine)); };

    Route put;
    put.method = "PUT";
    put.path = QStringLiteral("/api/engine");
    put.summary = QStringLiteral("Change engine parameters (partial update, smoothed, no clicks)");
    put.description = QStringLiteral(
        "Present fields replace, absent ones stay. Every change ramps over 10 ms on the audio "
        "thread; a downmix strategy change crossfades over one block. Any bad field: 422 naming "
        "each one with its allowed range, and nothing changes.");
    put.tag = QStringLiteral("engine");
    put.requestSchema = parametersSchema(false);
    put.responseSchema = parametersSchema(true);
    put.errorStatuses = {422};
    // Reads, changes and writes the parameters, as A/B toggles and preset applies do.
    put.serialQueue = kEngineQueue;
    put.handler = [&engine](const Request& request) {
        const auto errors = updateEngine(engine, request.body.toObject());
        if (!errors.empty()) return invalidParameters(errors);
        return Response::json(state(engine));
    };
    return {get, put};
}

}  // namespace soundlab::api
