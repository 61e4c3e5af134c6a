#include "api/PhiRoutes.h"

#include "api/EngineRoutes.h"
#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <QJsonArray>

#include <algorithm>
#include <chrono>

namespace soundlab::api {

namespace {

QString name(phi::Mode mode) {
    const std::string_view n = phi::toString(mode);
    return QString::fromLatin1(n.data(), qsizetype(n.size()));
}

QStringList modeNames() {
    QStringList names;
    for (int i = 0; i < phi::kModeCount; ++i) names << name(phi::Mode(i));
    return names;
}

QJsonObject accelSchema() {
    using namespace schema;
    const auto g = [] { return number(-phi::kMaxAccelG, phi::kMaxAccelG, QStringLiteral("g")); };
    return object(
        {{QStringLiteral("x"), g()}, {QStringLiteral("y"), g()}, {QStringLiteral("z"), g()}});
}

QJsonObject sampleSchema() {
    using namespace schema;
    return object({
        {QStringLiteral("t"),
         number(0, {}, QStringLiteral("the sensor's time, Unix seconds; arrival time if absent"))},
        {QStringLiteral("heart_rate_bpm"),
         number(phi::kMinHeartRate, phi::kMaxHeartRate, QStringLiteral("phase rate = hr/60 Hz"))},
        {QStringLiteral("gsr"), number(0, 1, QStringLiteral("depth = gsr·Φ"))},
        {QStringLiteral("accel"),
         described(accelSchema(), QStringLiteral("phase offset = clamp(x, −1, 1)·π"))},
    });
}

QJsonObject oscSchema() {
    using namespace schema;
    return described(
        object({
            {QStringLiteral("port"),
             described(
                 withTypes(integer(0, 65535), {QStringLiteral("integer"), QStringLiteral("null")}),
                 QStringLiteral("UDP port; null when OSC is off (--osc-port)"))},
            {QStringLiteral("host"),
             described(withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")}),
                       QStringLiteral("bound address (--osc-host); null when off"))},
            {QStringLiteral("received"), integer(0, {}, QStringLiteral("messages applied"))},
            {QStringLiteral("rejected"),
             integer(0, {},
                     QStringLiteral("malformed, unknown address, wrong types or out of range; "
                                    "dropped"))},
        }),
        QStringLiteral("the OSC server (no authentication; docs/phi.md \"OSC\")"));
}

QJsonObject oscJson(const OscCountersProvider& provider) {
    const OscCounters c = provider ? provider() : OscCounters{};
    return {
        {QStringLiteral("port"), c.port ? QJsonValue(int(*c.port)) : QJsonValue()},
        {QStringLiteral("host"), c.port ? QJsonValue(c.host) : QJsonValue()},
        {QStringLiteral("received"), qint64(c.received)},
        {QStringLiteral("rejected"), qint64(c.rejected)},
    };
}

constexpr int kMaxMidiPortName = 256;

QJsonObject midiSchema(bool forResponse) {
    using namespace schema;
    QJsonObject portName = string();
    portName.insert(QStringLiteral("maxLength"), kMaxMidiPortName);
    const QJsonObject port = described(
        withTypes(portName, {QStringLiteral("string"), QStringLiteral("null")}),
        forResponse ? QStringLiteral("the port asked for (--midi-port, PUT); null: none")
                    : QStringLiteral("a name from GET /api/phi/midi/ports; \"\" or null closes. "
                                     "Any name is accepted: it is opened when a port of that name "
                                     "exists, and again whenever it reappears"));
    if (!forResponse) return object({{QStringLiteral("port"), port}});
    const auto orNull = [](QJsonObject s, const QString& type, const QString& text) {
        return described(withTypes(std::move(s), {type, QStringLiteral("null")}), text);
    };
    return described(
        object({
            {QStringLiteral("port"), port},
            {QStringLiteral("connected"), boolean(QStringLiteral("the port is open"))},
            {QStringLiteral("cc1"),
             orNull(integer(0, 127), QStringLiteral("integer"),
                    QStringLiteral("latest mod wheel (CC1, any channel); depth = cc1/127·Φ; null "
                                   "before any"))},
            {QStringLiteral("pitch_bend"),
             orNull(integer(-8192, 8191), QStringLiteral("integer"),
                    QStringLiteral("latest pitch bend (any channel); phase = wrap(π·bend/8192); "
                                   "null before any"))},
            {QStringLiteral("last_event_age_s"),
             orNull(number(0), QStringLiteral("number"),
                    QStringLiteral("since the latest event the audio thread applied; null before "
                                   "any"))},
            {QStringLiteral("events"), integer(0, {}, QStringLiteral("events applied"))},
            {QStringLiteral("dropped"),
             integer(0, {}, QStringLiteral("events lost to a full queue (audio stopped)"))},
        }),
        QStringLiteral("the MIDI source (docs/phi.md \"MIDI\")"));
}

QJsonObject settingsSchema(bool forResponse) {
    using namespace schema;
    QJsonObject manual = object({
        {QStringLiteral("depth"), number(0, phi::kMaxDepth, QStringLiteral("[0, Φ]"))},
        {QStringLiteral("phase"), number(0, phi::kTwoPi, QStringLiteral("radians, [0, 2π)"))},
    });
    QJsonObject audio =
        forResponse
            ? object({
                  {QStringLiteral("attack_ms"), number(phi::kMinEnvelopeMs, phi::kMaxEnvelopeMs)},
                  {QStringLiteral("release_ms"), number(phi::kMinEnvelopeMs, phi::kMaxEnvelopeMs)},
                  {QStringLiteral("envelope"),
                   number(0, {},
                          QStringLiteral("the follower's level, linear (depth = 2Φ·env ≤ Φ)"))},
              })
            : object({
                  {QStringLiteral("attack_ms"), number(phi::kMinEnvelopeMs, phi::kMaxEnvelopeMs)},
                  {QStringLiteral("release_ms"), number(phi::kMinEnvelopeMs, phi::kMaxEnvelopeMs)},
              });
    QJsonObject internal = object({
        {QStringLiteral("frequency_hz"), number(phi::kMinInternalHz, phi::kMaxInternalHz)},
    });
    const QJsonObject mode = stringEnum(
        modeNames(), QStringLiteral("the active source; a change crossfades over 100 ms"));
    if (!forResponse)
        return object({{QStringLiteral("mode"), mode},
                       {QStringLiteral("manual"), manual},
                       {QStringLiteral("audio"), audio},
                       {QStringLiteral("internal"), internal},
                       {QStringLiteral("midi"), midiSchema(false)}});
    QJsonObject sensor = object({
        {QStringLiteral("heart_rate_bpm"), number(phi::kMinHeartRate, phi::kMaxHeartRate)},
        {QStringLiteral("gsr"), number(0, 1)},
        {QStringLiteral("accel"), accelSchema()},
        {QStringLiteral("age_s"),
         described(withTypes(number(0), {QStringLiteral("number"), QStringLiteral("null")}),
                   QStringLiteral("since the latest sample's t; null before any"))},
        {QStringLiteral("stale"), boolean(QStringLiteral("older than 2 s; the last values hold"))},
        {QStringLiteral("received"), integer(0, {}, QStringLiteral("samples accepted"))},
        {QStringLiteral("applied"),
         integer(0, {}, QStringLiteral("samples handed to the controller, in t order"))},
    });
    QJsonObject crossfade = object({
        {QStringLiteral("active"), boolean()},
        {QStringLiteral("from"), stringEnum(modeNames())},
        {QStringLiteral("to"), stringEnum(modeNames())},
        {QStringLiteral("progress"), number(0, 1, QStringLiteral("time fraction of 100 ms"))},
    });
    return object({
        {QStringLiteral("timestamp"),
         number(0, {},
                QStringLiteral("Unix s: when the latest block's audio is heard (SPEC §6, the clock "
                               "of metrics and latency frames)"))},
        {QStringLiteral("mode"), mode},
        {QStringLiteral("phase"),
         number(0, phi::kTwoPi, QStringLiteral("what the engine got in the latest block"))},
        {QStringLiteral("depth"), number(0, phi::kMaxDepth)},
        {QStringLiteral("crossfade"), crossfade},
        {QStringLiteral("manual"), manual},
        {QStringLiteral("audio"), audio},
        {QStringLiteral("internal"), internal},
        {QStringLiteral("midi"), midiSchema(true)},
        {QStringLiteral("sensor"), sensor},
        {QStringLiteral("osc"), oscSchema()},
    });
}

// Copies the present fields of a PUT body into `s`; the schema has checked their types.
void applyJson(const QJsonObject& body, phi::Settings* s) {
    if (body.contains(QStringLiteral("mode")))
        s->mode = *phi::modeFromString(body[QStringLiteral("mode")].toString().toStdString());
    const QJsonObject manual = body[QStringLiteral("manual")].toObject();
    if (manual.contains(QStringLiteral("depth")))
        s->manualDepth = manual[QStringLiteral("depth")].toDouble();
    if (manual.contains(QStringLiteral("phase")))
        s->manualPhase = manual[QStringLiteral("phase")].toDouble();
    const QJsonObject audio = body[QStringLiteral("audio")].toObject();
    if (audio.contains(QStringLiteral("attack_ms")))
        s->attackMs = audio[QStringLiteral("attack_ms")].toDouble();
    if (audio.contains(QStringLiteral("release_ms")))
        s->releaseMs = audio[QStringLiteral("release_ms")].toDouble();
    const QJsonObject internal = body[QStringLiteral("internal")].toObject();
    if (internal.contains(QStringLiteral("frequency_hz")))
        s->internalHz = internal[QStringLiteral("frequency_hz")].toDouble();
}

std::optional<double> optionalNumber(const QJsonObject& o, const char* key) {
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

phi::SensorSample sampleFrom(const QJsonObject& o) {
    phi::SensorSample s;
    s.t = optionalNumber(o, "t");
    s.heartRateBpm = optionalNumber(o, "heart_rate_bpm");
    s.gsr = optionalNumber(o, "gsr");
    const QJsonObject accel = o.value(QStringLiteral("accel")).toObject();
    s.accelX = optionalNumber(accel, "x");
    s.accelY = optionalNumber(accel, "y");
    s.accelZ = optionalNumber(accel, "z");
    return s;
}

QJsonObject sensorJson(const phi::SensorStatus& s) {
    return {
        {QStringLiteral("heart_rate_bpm"), s.values.heartRateBpm},
        {QStringLiteral("gsr"), s.values.gsr},
        {QStringLiteral("accel"), QJsonObject{{QStringLiteral("x"), s.values.accelX},
                                              {QStringLiteral("y"), s.values.accelY},
                                              {QStringLiteral("z"), s.values.accelZ}}},
        {QStringLiteral("age_s"), s.ageSeconds ? QJsonValue(*s.ageSeconds) : QJsonValue()},
        {QStringLiteral("stale"), s.stale},
        {QStringLiteral("received"), qint64(s.received)},
        {QStringLiteral("applied"), qint64(s.applied)},
    };
}

QJsonObject midiJson(const phi::MidiInputStatus& input, const phi::State& state, uint64_t dropped) {
    QJsonValue age;
    if (state.midiLastEventNs != 0) {
        const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        age = std::max(0.0, double(now - state.midiLastEventNs) * 1e-9);
    }
    return {
        {QStringLiteral("port"),
         input.port.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(input.port))},
        {QStringLiteral("connected"), input.connected},
        {QStringLiteral("cc1"),
         state.midiModWheel >= 0 ? QJsonValue(state.midiModWheel) : QJsonValue()},
        {QStringLiteral("pitch_bend"),
         state.midiBend != phi::kNoMidiBend ? QJsonValue(state.midiBend) : QJsonValue()},
        {QStringLiteral("last_event_age_s"), age},
        {QStringLiteral("events"), qint64(state.midiEvents)},
        {QStringLiteral("dropped"), qint64(dropped)},
    };
}

}  // namespace

QJsonObject midiPorts(AudioEngine& engine) {
    const phi::MidiPortList list = engine.phiMidi().ports();
    QJsonArray ports;
    for (const std::string& port : list.ports) ports.append(QString::fromStdString(port));
    const phi::MidiInputStatus status = engine.phiMidi().status();
    return {
        {QStringLiteral("api"),
         list.api.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(list.api))},
        {QStringLiteral("ports"), ports},
        {QStringLiteral("selected"),
         status.port.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(status.port))},
        {QStringLiteral("connected"), status.connected},
        {QStringLiteral("error"),
         list.error.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(list.error))},
    };
}

QJsonObject phiState(const AudioEngine& engine, const OscCountersProvider& osc,
                     const HeardTimeOfCallback& heardTime) {
    const phi::Settings settings = engine.phiSettings();
    const phi::State state = engine.phiState();
    QJsonObject document{
        // The selected source: a PUT shows at once, the block-rate fields follow within a block.
        {QStringLiteral("mode"), name(settings.mode)},
        {QStringLiteral("phase"), state.phase},
        {QStringLiteral("depth"), state.depth},
        {QStringLiteral("crossfade"),
         QJsonObject{{QStringLiteral("active"), state.fading},
                     {QStringLiteral("from"), name(state.fading ? state.fadeFrom : state.mode)},
                     {QStringLiteral("to"), name(state.fadeTo)},
                     {QStringLiteral("progress"), state.fadeProgress}}},
        {QStringLiteral("manual"), QJsonObject{{QStringLiteral("depth"), settings.manualDepth},
                                               {QStringLiteral("phase"), settings.manualPhase}}},
        {QStringLiteral("audio"), QJsonObject{{QStringLiteral("attack_ms"), settings.attackMs},
                                              {QStringLiteral("release_ms"), settings.releaseMs},
                                              {QStringLiteral("envelope"), state.envelope}}},
        {QStringLiteral("internal"),
         QJsonObject{{QStringLiteral("frequency_hz"), settings.internalHz}}},
        {QStringLiteral("midi"),
         midiJson(engine.phiMidi().status(), state, engine.phiMidi().dropped())},
        {QStringLiteral("sensor"), sensorJson(engine.phiSensor().status())},
        {QStringLiteral("osc"), oscJson(osc)},
    };
    if (heardTime && state.blocks > 0)
        document.insert(QStringLiteral("timestamp"), heardTime(state.blockNs));
    return document;
}

std::vector<dsp::ParameterError> updatePhi(AudioEngine& engine, const QJsonObject& patch) {
    if (const auto violation = schema::validate(patch, settingsSchema(false)))
        return {dsp::ParameterError{violation->path.toStdString(), 0.0, 0.0,
                                    violation->toString().toStdString()}};
    auto errors = engine.updatePhiSettings([&](phi::Settings& s) {
        applyJson(patch, &s);
        return std::vector<dsp::ParameterError>();
    });
    // The port belongs to the MIDI input, not to the settings: chosen once the rest is accepted
    // (all or nothing). select() only records it; the MIDI thread opens it.
    const QJsonObject midi = patch.value(QStringLiteral("midi")).toObject();
    if (errors.empty() && midi.contains(QStringLiteral("port")))
        engine.phiMidi().select(midi.value(QStringLiteral("port")).toString().toStdString());
    return errors;
}

QList<Route> phiRoutes(AudioEngine& engine, OscCountersProvider osc,
                       HeardTimeOfCallback heardTime) {
    Route get;
    get.method = "GET";
    get.path = QStringLiteral("/api/phi");
    get.summary = QStringLiteral("The Φ controller: active source, output, crossfade, sources");
    get.tag = QStringLiteral("phi");
    get.responseSchema = settingsSchema(true);
    get.execution = Execution::ServerThread;  // short locks only, never held by slow work
    get.handler = [&engine, osc, heardTime](const Request&) {
        return Response::json(phiState(engine, osc, heardTime));
    };

    Route put;
    put.method = "PUT";
    put.path = QStringLiteral("/api/phi");
    put.summary = QStringLiteral("Change the Φ source and source settings (partial update)");
    put.description = QStringLiteral(
        "Present fields replace, absent ones stay. `midi.port` chooses the MIDI input port (opened "
        "in the background: `midi.connected` tells when). A mode change crossfades over 100 ms "
        "(raised cosine, phase along the shortest arc); a manual depth/phase change ramps over "
        "the engine's 10 ms. Any bad field: 422 naming each one with its range, nothing changes.");
    put.tag = QStringLiteral("phi");
    put.requestSchema = settingsSchema(false);
    put.responseSchema = settingsSchema(true);
    put.errorStatuses = {422};
    // One read–modify–write under AudioEngine's short Φ lock: it never waits for slow work.
    put.execution = Execution::ServerThread;
    put.handler = [&engine, osc, heardTime](const Request& request) {
        const auto errors = updatePhi(engine, request.body.toObject());
        if (!errors.empty()) return invalidParameters(errors);
        return Response::json(phiState(engine, osc, heardTime));
    };

    Route sensor;
    sensor.method = "POST";
    sensor.path = QStringLiteral("/api/phi/sensor");
    sensor.summary = QStringLiteral("Push one sensor sample or a batch");
    sensor.description = QStringLiteral(
        "A sample object or an array of them. A batch is applied in `t` order, the last one "
        "holding; absent fields keep their previous values. Any value out of range: 422 naming "
        "the field (\"[i].gsr\" in a batch), and nothing of the request is applied.");
    sensor.tag = QStringLiteral("phi");
    {
        QJsonObject body =
            schema::withTypes(sampleSchema(), {QStringLiteral("object"), QStringLiteral("array")});
        body.insert(QStringLiteral("items"), sampleSchema());
        sensor.requestSchema = body;
    }
    sensor.responseSchema = settingsSchema(true)[QStringLiteral("properties")]
                                .toObject()[QStringLiteral("sensor")]
                                .toObject();
    sensor.errorStatuses = {422};
    sensor.execution = Execution::ServerThread;  // high rate; a short lock and a buffer write
    sensor.handler = [&engine](const Request& request) {
        std::vector<phi::SensorSample> samples;
        const bool batch = request.body.isArray();
        if (batch) {
            for (const QJsonValue& v : request.body.toArray())
                samples.push_back(sampleFrom(v.toObject()));
        } else {
            samples.push_back(sampleFrom(request.body.toObject()));
        }
        const auto errors = engine.phiSensor().push(std::move(samples), batch);
        if (!errors.empty()) return invalidParameters(errors);
        return Response::json(sensorJson(engine.phiSensor().status()));
    };
    Route ports;
    ports.method = "GET";
    ports.path = QStringLiteral("/api/phi/midi/ports");
    ports.summary = QStringLiteral("The MIDI input ports the `midi` source can open");
    ports.description = QStringLiteral(
        "The latest scan (every 250 ms) of the MIDI API in use: JACK MIDI when a JACK server "
        "answers, else the ALSA sequencer (`api` null: neither). `ports` are the names PUT "
        "/api/phi accepts as `midi.port`. The first request starts the MIDI input and waits for "
        "its first scan (at most 2 s).");
    ports.tag = QStringLiteral("phi");
    {
        using namespace schema;
        ports.responseSchema = object({
            {QStringLiteral("api"),
             described(withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")}),
                       QStringLiteral("\"jack\" or \"alsa\"; null: no MIDI API answers"))},
            {QStringLiteral("ports"), arrayOf(string(), QStringLiteral("port names"))},
            {QStringLiteral("selected"),
             described(withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")}),
                       QStringLiteral("the port asked for (midi.port)"))},
            {QStringLiteral("connected"), boolean(QStringLiteral("the selected port is open"))},
            {QStringLiteral("error"),
             described(withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")}),
                       QStringLiteral("RtMidi's latest error or warning"))},
        });
    }
    // A worker: the first request waits for the MIDI thread's first scan (a JACK probe).
    ports.execution = Execution::Worker;
    ports.handler = [&engine](const Request&) { return Response::json(midiPorts(engine)); };
    return {get, put, sensor, ports};
}

}  // namespace soundlab::api
