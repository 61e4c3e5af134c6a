#include "api/PresetRoutes.h"

#include "api/JsonSchema.h"
#include "api/MultipartFormData.h"
#include "presets/AbComparator.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetBundle.h"
#include "presets/PresetRequestParameters.h"
#include "presets/PresetSchema.h"
#include "presets/PresetStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

namespace {

using presets::PresetOutcome;

const QString kTag = QStringLiteral("presets");

// Multipart framing around a 16 MiB bundle: the route admits it, the library then measures the
// bundle itself (413 above kMaxBundleBytes).
constexpr qint64 kMultipartOverheadBytes = 64 * 1024;

// ---- answers -----------------------------------------------------------------------------------

// The error codes the rest of the API uses for the same statuses (docs/api.md, "Errors"); the
// library's own words ("invalid", "malformed", "too_large") stay in the audit log.
QString apiErrorCode(PresetOutcome outcome) {
    switch (outcome) {
        case PresetOutcome::Invalid:
            return QStringLiteral("invalid_value");
        case PresetOutcome::Malformed:
            return QStringLiteral("malformed_json");
        case PresetOutcome::TooLarge:
            return QStringLiteral("payload_too_large");
        default:
            return presets::toString(outcome);
    }
}

// A library result as a response: its status, and its body with the API's error code.
Response answer(PresetOutcome outcome, QJsonObject body) {
    if (body.contains(QLatin1String("error"))) {
        QJsonObject error = body.value(QLatin1String("error")).toObject();
        error.insert(QStringLiteral("code"), apiErrorCode(outcome));
        body.insert(QStringLiteral("error"), error);
    }
    return Response::json(body, presets::httpStatus(outcome));
}

// 422 for query parameters the library refused, in the library's {path, message} form.
Response invalidParameters(const QList<presets::ValidationError>& errors) {
    QStringList messages;
    for (const auto& e : errors) messages << e.toString();
    QJsonObject body = ApiError::invalidValue(messages.join(QStringLiteral("; "))).toJson();
    QJsonObject error = body.value(QLatin1String("error")).toObject();
    error.insert(QStringLiteral("errors"), presets::toJson(errors));
    body.insert(QStringLiteral("error"), error);
    return Response::json(body, 422);
}

Response answer(const PresetAnswer& result) {
    return answer(result.outcome, result.body);
}

void addEntityTag(Response& response, const std::optional<presets::StoredPreset>& stored) {
    if (stored) response.addHeader("ETag", stored->etag.toUtf8());
}

// The answer of a create (POST /api/presets and save-live): the preset with its ETag, and its
// Location when it is new.
Response createdResponse(const presets::PresetResult& result) {
    Response response = answer(result.outcome, result.body());
    addEntityTag(response, result.preset);
    if (result.outcome == PresetOutcome::Created)
        response.addHeader("Location", "/api/presets/" + result.preset->preset.id.toUtf8());
    return response;
}

// Who made the request, for the audit log: the peer address (IPv4 as dotted quad even when the
// socket is dual-stack).
QString clientOf(const Request& request) {
    bool isIpv4 = false;
    const quint32 ipv4 = request.peer.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4).toString() : request.peer.toString();
}

Response unknownSlot(const QString& text, bool allowAll) {
    return Response::error(
        ApiError::notFound(QStringLiteral("no A/B slot \"%1\"; slots: A, B%2")
                               .arg(text, allowAll ? QStringLiteral(", all") : QString())));
}

// ---- schemas for the OpenAPI document -----------------------------------------------------------

QJsonObject presetBody(const QString& description) {
    return schema::described(schema::object({}, {}, /*openEnded=*/true), description);
}

QJsonObject presetDocument() {
    return presetBody(QStringLiteral(
        "A preset, schema v1, complete (every field present): see GET /api/presets/schema"));
}

QJsonObject incomingPreset() {
    return presetBody(QStringLiteral(
        "A preset, schema v1 (GET /api/presets/schema, resources/preset.schema.json). Only "
        "`name` is required; absent fields take their defaults; `id`, `created_at` and "
        "`modified_at` are set by the server when absent. Unknown keys are refused. The server "
        "validates the whole document and answers 422 listing every error as {path, message}."));
}

QJsonObject summarySchema() {
    using namespace schema;
    return object({{QStringLiteral("id"), string()},
                   {QStringLiteral("name"), string()},
                   {QStringLiteral("tags"), arrayOf(string())},
                   {QStringLiteral("author"), string()},
                   {QStringLiteral("created_at"), string()},
                   {QStringLiteral("modified_at"), string()}});
}

QJsonObject bundleSchema() {
    using namespace schema;
    return object({{QStringLiteral("schema_version"), integer(1, 1)},
                   {QStringLiteral("export_date"), string()},
                   {QStringLiteral("presets"), arrayOf(presetDocument())}},
                  {QStringLiteral("presets")});
}

QJsonObject slotContentSchema() {
    using namespace schema;
    const QJsonObject slot = withTypes(stringEnum({QStringLiteral("A"), QStringLiteral("B")}),
                                       {QStringLiteral("string"), QStringLiteral("null")});
    return object(
        {{QStringLiteral("slot"), slot},
         {QStringLiteral("current_slot"),
          described(slot, QStringLiteral("the slot the engine plays; null for none"))},
         {QStringLiteral("active"), described(slot, QStringLiteral("same as current_slot"))},
         {QStringLiteral("preset"), presetDocument()},
         {QStringLiteral("source"),
          stringEnum({QStringLiteral("live"), QStringLiteral("preset")},
                     QStringLiteral("captured from the engine, or sent/stored"))},
         {QStringLiteral("stored_at"), string()}});
}

QJsonObject abStatusSchema() {
    using namespace schema;
    const QJsonObject slot = withTypes(stringEnum({QStringLiteral("A"), QStringLiteral("B")}),
                                       {QStringLiteral("string"), QStringLiteral("null")});
    const QJsonObject summary = withTypes(object({{QStringLiteral("id"), string()},
                                                  {QStringLiteral("name"), string()},
                                                  {QStringLiteral("source"), string()},
                                                  {QStringLiteral("stored_at"), string()}}),
                                          {QStringLiteral("object"), QStringLiteral("null")});
    const QJsonObject name =
        withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")});
    return object(
        {{QStringLiteral("slot_a_occupied"), boolean()},
         {QStringLiteral("slot_b_occupied"), boolean()},
         {QStringLiteral("slot_a_name"), name},
         {QStringLiteral("slot_b_name"), name},
         {QStringLiteral("current_slot"),
          described(slot, QStringLiteral("the slot the engine plays; null for none"))},
         {QStringLiteral("active"), described(slot, QStringLiteral("same as current_slot"))},
         {QStringLiteral("toggles"), integer(0)},
         {QStringLiteral("A"), summary},
         {QStringLiteral("B"), summary}},
        {QStringLiteral("slot_a_occupied"), QStringLiteral("slot_b_occupied"),
         QStringLiteral("slot_a_name"), QStringLiteral("slot_b_name"),
         QStringLiteral("current_slot")});
}

QJsonObject diffSchema() {
    return schema::described(
        schema::object({}, {}, true),
        QStringLiteral("dotted field path → [value in A, value in B]; null for a side that "
                       "lacks the field"));
}

QueryParameter collisionParameter() {
    return {QStringLiteral("collision"),
            schema::stringEnum({QStringLiteral("prompt"), QStringLiteral("overwrite"),
                                QStringLiteral("new_copy"), QStringLiteral("merge")}),
            QStringLiteral("what to do when a preset has the id, or the name (ignoring case), "
                           "of a stored one; default prompt (409 with the existing preset and a "
                           "diff)")};
}

Route route(const char* method, const QString& path, const QString& summary) {
    Route r;
    r.method = method;
    r.path = path;
    r.summary = summary;
    r.tag = kTag;
    return r;
}

// ---- preset management
// ---------------------------------------------------------------------------

QList<Route> managementRoutes(presets::PresetStore& store,
                              const presets::PresetAuditLog* auditLog) {
    using namespace schema;
    QList<Route> routes;

    Route list = route("GET", QStringLiteral("/api/presets"),
                       QStringLiteral("List presets, newest modified first"));
    list.description = QStringLiteral(
        "`query` matches name, notes or a tag (case-insensitive substring); `tag` equals one tag "
        "(case-insensitive). Answers summaries; GET /api/presets/{id} has the full preset.");
    list.query = {
        {QStringLiteral("query"), string(), QStringLiteral("text to look for")},
        {QStringLiteral("tag"), string(), QStringLiteral("only presets with this tag")},
        {QStringLiteral("limit"),
         integer(presets::kMinListLimit, presets::kMaxListLimit,
                 QStringLiteral("at most this many (default %1)").arg(presets::kDefaultListLimit)),
         QStringLiteral("1 to 200, default 50")},
    };
    // The seed's UI and scripts read a bare array (SPEC §9); the number of matches before the
    // limit travels in a header beside it, as paging APIs commonly do.
    list.responseSchema = described(arrayOf(summarySchema()),
                                    QStringLiteral("summaries; the header X-Total-Count has the "
                                                   "number of matches before the limit"));
    list.responseHeaders = {{QStringLiteral("X-Total-Count"),
                             QStringLiteral("the number of matches before the limit")}};
    list.handler = [&store](const Request& request) {
        const presets::ListParameters parameters = presets::parseListParameters(request.rawQuery);
        if (!parameters.errors.isEmpty()) return invalidParameters(parameters.errors);
        const presets::PresetListResult result = store.list(parameters.query);
        if (result.outcome != PresetOutcome::Ok) return answer(result.outcome, result.body());
        Response response = Response::json(presetSummaries(result));
        response.addHeader("X-Total-Count", QByteArray::number(result.total));
        return response;
    };
    routes << list;

    Route create = route("POST", QStringLiteral("/api/presets"), QStringLiteral("Save a preset"));
    create.description = QStringLiteral(
        "201 with the stored preset (and its ETag) when created or copied, 200 when it "
        "overwrote or merged into a stored one; 409 under `prompt` with `existing` and `diff`.");
    create.query = {collisionParameter()};
    create.requestSchema = incomingPreset();
    create.responseSchema = presetDocument();
    create.successStatus = 201;
    create.errorStatuses = {200, 409, 500, 507};  // 200: overwrite or merge (a success)
    create.serialQueue = kPresetsQueue;      // writes a file with fsync
    create.handler = [&store](const Request& request) {
        const presets::CollisionParameter collision =
            presets::parseCollisionParameter(request.rawQuery);
        if (!collision.errors.isEmpty()) return invalidParameters(collision.errors);
        return createdResponse(store.create(request.body, collision.policy, clientOf(request)));
    };
    routes << create;

    Route stats = route("GET", QStringLiteral("/api/presets/stats"),
                        QStringLiteral("The preset store: directory, counts, damaged files"));
    stats.description = QStringLiteral(
        "Files in the preset directory that are not valid presets are listed under "
        "`damaged_files` with their errors; they are left untouched and their ids stay "
        "reserved. `audit_log` counts the audit trail's records (null when logging is off).");
    stats.responseSchema =
        object({{QStringLiteral("directory"), string()},
                {QStringLiteral("count"), integer(0)},
                {QStringLiteral("tags"), object({}, {}, true)},
                {QStringLiteral("last_modified"),
                 withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")})},
                {QStringLiteral("damaged_files"),
                 arrayOf(object({{QStringLiteral("file"), string()},
                                 {QStringLiteral("errors"), arrayOf(object({}, {}, true))}}))},
                {QStringLiteral("directory_error"), string()},
                {QStringLiteral("audit_log"),
                 withTypes(object({{QStringLiteral("file"), string()},
                                   {QStringLiteral("session"), string()},
                                   {QStringLiteral("logged"), integer(0)},
                                   {QStringLiteral("dropped"), integer(0)},
                                   {QStringLiteral("failed"), integer(0)}}),
                           {QStringLiteral("object"), QStringLiteral("null")})}});
    stats.handler = [&store, auditLog](const Request&) {
        QJsonObject body = store.stats().toJson();
        QJsonValue audit(QJsonValue::Null);
        if (auditLog) {
            const presets::PresetAuditLog::Counters counters = auditLog->counters();
            audit = QJsonObject{{QStringLiteral("file"), auditLog->filePath()},
                                {QStringLiteral("session"), auditLog->sessionId()},
                                {QStringLiteral("logged"), qint64(counters.logged)},
                                {QStringLiteral("dropped"), qint64(counters.dropped)},
                                {QStringLiteral("failed"), qint64(counters.failed)}};
        }
        body.insert(QStringLiteral("audit_log"), audit);
        return Response::json(body);
    };
    routes << stats;

    Route schemaRoute = route("GET", QStringLiteral("/api/presets/schema"),
                              QStringLiteral("Preset schema v1 (JSON Schema)"));
    schemaRoute.description = QStringLiteral(
        "resources/preset.schema.json as compiled into the server: what every preset body is "
        "validated against.");
    schemaRoute.responseSchema = object({}, {}, true);
    schemaRoute.execution = Execution::ServerThread;  // immutable, compiled in
    schemaRoute.handler = [](const Request&) {
        return Response::json(presets::PresetSchema::instance().document());
    };
    routes << schemaRoute;

    Route get = route("GET", QStringLiteral("/api/presets/{id}"), QStringLiteral("A preset"));
    get.description =
        QStringLiteral("The full preset; its ETag header is what PUT and DELETE take as If-Match.");
    get.responseSchema = presetDocument();
    get.handler = [&store](const Request& request) {
        const presets::PresetResult result = store.get(request.pathParams.value("id"));
        Response response = answer(result.outcome, result.body());
        addEntityTag(response, result.preset);
        return response;
    };
    routes << get;

    Route update =
        route("PUT", QStringLiteral("/api/presets/{id}"), QStringLiteral("Replace a preset"));
    update.description = QStringLiteral(
        "Replaces the preset's settings with the body (absent fields take the defaults: a "
        "replacement, not a patch); id and created_at are kept. With `If-Match: <ETag>` the "
        "change happens only if nobody changed the preset since it was read, else 412 with "
        "`current_etag`. A body id must equal the URL's. 409 when the new name is another "
        "preset's.");
    update.requestSchema = incomingPreset();
    update.responseSchema = presetDocument();
    update.errorStatuses = {409, 412, 500, 507};
    update.serialQueue = kPresetsQueue;
    update.handler = [&store](const Request& request) {
        const presets::PresetResult result =
            store.update(request.pathParams.value("id"), request.body,
                         QString::fromUtf8(request.header("if-match")), clientOf(request));
        Response response = answer(result.outcome, result.body());
        addEntityTag(response, result.outcome == PresetOutcome::PreconditionFailed ? result.existing
                                                                                   : result.preset);
        return response;
    };
    routes << update;

    Route remove =
        route("DELETE", QStringLiteral("/api/presets/{id}"), QStringLiteral("Delete a preset"));
    remove.description = QStringLiteral(
        "200 `{\"ok\": true, \"id\"}` when deleted (the seed's scripts parse that body). With "
        "`If-Match: <ETag>`, only if the preset is unchanged (else 412).");
    remove.responseSchema =
        object({{QStringLiteral("ok"), boolean()}, {QStringLiteral("id"), string()}},
               {QStringLiteral("ok"), QStringLiteral("id")});
    remove.errorStatuses = {412, 500};
    remove.serialQueue = kPresetsQueue;
    remove.handler = [&store](const Request& request) {
        const PresetAnswer result =
            removePreset(store, request.pathParams.value("id"),
                         QString::fromUtf8(request.header("if-match")), clientOf(request));
        Response response = answer(result);
        // 412 tells the current ETag, as the library's body does.
        if (result.outcome == PresetOutcome::PreconditionFailed)
            response.addHeader("ETag", result.body.value(QLatin1String("error"))
                                           .toObject()
                                           .value(QLatin1String("current_etag"))
                                           .toString()
                                           .toUtf8());
        return response;
    };
    routes << remove;

    return routes;
}

// ---- import and export
// ---------------------------------------------------------------------------

QList<Route> exchangeRoutes(presets::PresetStore& store) {
    using namespace schema;
    QList<Route> routes;

    Route exporter = route("POST", QStringLiteral("/api/presets/export"),
                           QStringLiteral("Export presets as a bundle file (download)"));
    exporter.description = QStringLiteral(
        "All presets (newest first), or the ones `ids` names in that order. Answered as a "
        "download: `Content-Disposition: attachment; filename=soundlab-presets-<UTC "
        "time>.json`. 404 names every unknown id.");
    exporter.query = {{QStringLiteral("ids"), string(),
                       QStringLiteral("comma-separated preset ids (or ids=a&ids=b); default all")}};
    exporter.responseSchema = bundleSchema();
    exporter.handler = [&store](const Request& request) {
        const presets::ExportResult result =
            store.exportBundle(presets::parseIdsParameter(request.rawQuery), clientOf(request));
        if (result.outcome != PresetOutcome::Ok) return answer(result.outcome, result.body());
        // Compact: pretty-printed, 10 000 presets take 15 MB instead of 4.7 MB, close to the
        // 16 MiB an import accepts.
        Response response = Response::json(result.bundle);
        response.addHeader("Content-Disposition",
                           "attachment; filename=\"" + result.fileName.toUtf8() + '"');
        return response;
    };
    routes << exporter;

    Route importer = route("POST", QStringLiteral("/api/presets/import"),
                           QStringLiteral("Import a bundle (or check it with dry_run)"));
    importer.description = QStringLiteral(
        "The bundle as a JSON body or as the multipart/form-data field `file` (at most 16 MiB, "
        "else 413). Each preset is resolved in bundle order as a POST would be; the report lists "
        "per preset the action (create, overwrite, copy, merge, conflict, invalid) with reasons, "
        "and counts. Invalid entries are reported one by one while the valid ones proceed. A "
        "dry run writes nothing and reports exactly what the real run would do.");
    importer.query = {
        {QStringLiteral("dry_run"), boolean(),
         QStringLiteral("only report what would happen (default false)")},
        collisionParameter(),
    };
    importer.rawBodyTypes = {
        {"application/json", bundleSchema()},
        {"multipart/form-data",
         object(
             {{QStringLiteral("file"),
               QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                           {QStringLiteral("contentMediaType"), QStringLiteral("application/json")},
                           {QStringLiteral("description"), QStringLiteral("the bundle file")}}}},
             {QStringLiteral("file")}, true)},
    };
    importer.maxBodyBytes = presets::kMaxBundleBytes + kMultipartOverheadBytes;
    // 10 000 presets take seconds; two imports would only wait for each other's store lock.
    importer.serialQueue = kPresetsQueue;
    importer.responseSchema = object(
        {{QStringLiteral("dry_run"), boolean()},
         {QStringLiteral("collision"), string()},
         {QStringLiteral("errors"),
          described(arrayOf(string()),
                    QStringLiteral("one line per preset left out (invalid, conflict, write "
                                   "failed); empty when none"))},
         {QStringLiteral("counts"), object({}, {}, true)},
         {QStringLiteral("presets"),
          arrayOf(object({{QStringLiteral("index"), integer(0)},
                          {QStringLiteral("action"),
                           stringEnum({QStringLiteral("create"), QStringLiteral("overwrite"),
                                       QStringLiteral("copy"), QStringLiteral("merge"),
                                       QStringLiteral("conflict"), QStringLiteral("invalid")})},
                          {QStringLiteral("id"), string()},
                          {QStringLiteral("name"), string()},
                          {QStringLiteral("reasons"), arrayOf(string())}},
                         {}, true))}});
    importer.handler = [&store](const Request& request) {
        const presets::ImportParameters parameters =
            presets::parseImportParameters(request.rawQuery);
        if (!parameters.errors.isEmpty()) return invalidParameters(parameters.errors);
        QByteArray bundle = request.rawBody;
        const QByteArray contentType = request.header("content-type");
        if (contentType.trimmed().toLower().startsWith("multipart/form-data")) {
            const MultipartFormData form = MultipartFormData::parse(contentType, request.rawBody);
            if (!form.isValid())
                return Response::error(ApiError::badRequest(
                    QStringLiteral("malformed_multipart"),
                    QStringLiteral("the multipart body cannot be read: ") + form.error));
            const FormDataPart* file = form.part(QStringLiteral("file"));
            if (!file)
                return Response::error(ApiError::badRequest(
                    QStringLiteral("missing_file"),
                    QStringLiteral("the multipart body has no field `file` (the bundle)")));
            bundle = file->data;
        }
        const presets::ImportReport report =
            store.importBundle(bundle, parameters.options, clientOf(request));
        return answer(report.outcome, report.toJson());
    };
    routes << importer;

    return routes;
}

// ---- A/B comparison and apply
// ---------------------------------------------------------------------

QList<Route> comparisonRoutes(presets::PresetStore& store, presets::AbComparator& ab) {
    using namespace schema;
    QList<Route> routes;

    Route storeSlot = route("POST", QStringLiteral("/api/presets/ab/store/{slot}"),
                            QStringLiteral("Fill slot A or B"));
    storeSlot.description = QStringLiteral(
        "Without a body: captures the live engine state (and the slot becomes the active one, "
        "since it is what plays). With a preset body (partial bodies take the defaults; without "
        "`name`, as the seed's UI sends the live state, it is named \"Slot A\" or \"Slot B\"), or "
        "with "
        "`?id=` naming a stored preset: stores that preset, the active slot unchanged. 503 when "
        "no engine is attached for a capture.");
    storeSlot.query = {{QStringLiteral("id"), string(),
                        QStringLiteral("store this stored preset instead of a body")}};
    storeSlot.requestSchema = incomingPreset();
    storeSlot.requestBodyRequired = false;
    storeSlot.responseSchema = slotContentSchema();
    storeSlot.errorStatuses = {503};
    storeSlot.serialQueue = kEngineQueue;  // in order with toggles and applies
    storeSlot.handler = [&store, &ab](const Request& request) {
        const QString slotText = request.pathParams.value("slot");
        const auto slot = presets::abSlotFromString(slotText);
        if (!slot) return unknownSlot(slotText, false);
        const QString client = clientOf(request);
        const bool hasBody = !request.rawBody.trimmed().isEmpty();
        if (request.query.contains(QLatin1String("id"))) {
            if (hasBody)
                return Response::error(ApiError::badRequest(
                    QStringLiteral("ambiguous_preset"),
                    QStringLiteral("send a preset body or ?id= of a stored preset, not both")));
            return answer(storeStoredPresetInSlot(
                store, ab, *slot, request.query.value(QLatin1String("id")).toString(), client));
        }
        const presets::AbResult result =
            hasBody ? ab.store(*slot, request.body, client) : ab.storeLive(*slot, client);
        return answer(result.outcome, result.body());
    };
    routes << storeSlot;

    Route saveLive = route("POST", QStringLiteral("/api/presets/save-live"),
                           QStringLiteral("Save the live engine state as a new preset"));
    saveLive.description = QStringLiteral(
        "Captures the live engine state (as POST /api/presets/ab/store/{slot} without a body "
        "does) and stores it under `name` as POST /api/presets would: 201 with the stored preset "
        "(and its ETag and Location) when created or copied, 200 when it overwrote or merged "
        "into a stored one; 409 under `prompt` with `existing` and `diff`; 503 when no engine "
        "is attached.");
    saveLive.query = {collisionParameter()};
    saveLive.requestSchema =
        object({{QStringLiteral("name"), string(QStringLiteral("the new preset's name"))}},
               {QStringLiteral("name")});
    saveLive.responseSchema = presetDocument();
    saveLive.successStatus = 201;
    saveLive.errorStatuses = {200, 409, 422, 500, 503, 507};
    saveLive.serialQueue = kPresetsQueue;  // writes a file with fsync
    saveLive.handler = [&store, &ab](const Request& request) {
        const presets::CollisionParameter collision =
            presets::parseCollisionParameter(request.rawQuery);
        if (!collision.errors.isEmpty()) return invalidParameters(collision.errors);
        const presets::AbResult live = ab.captureLive();
        if (live.outcome != PresetOutcome::Ok) return answer(live.outcome, live.body());
        QJsonObject document = live.content->preset.toJson();
        document.insert(QStringLiteral("name"), request.body[QLatin1String("name")].toString());
        return createdResponse(store.create(document, collision.policy, clientOf(request)));
    };
    routes << saveLive;

    Route getSlot = route("GET", QStringLiteral("/api/presets/ab/get/{slot}"),
                          QStringLiteral("The preset in slot A or B"));
    getSlot.responseSchema = slotContentSchema();
    getSlot.handler = [&ab](const Request& request) {
        const QString slotText = request.pathParams.value("slot");
        const auto slot = presets::abSlotFromString(slotText);
        if (!slot) return unknownSlot(slotText, false);
        const presets::AbResult result = ab.get(*slot);
        return answer(result.outcome, result.body());
    };
    routes << getSlot;

    Route toggle = route("POST", QStringLiteral("/api/presets/ab/toggle"),
                         QStringLiteral("Switch the engine to the other slot (click-free)"));
    toggle.description = QStringLiteral(
        "Applies the other slot (A when none is active yet) to the live engine: every engine "
        "parameter ramps over 10 ms and the downmix crossfades over one block, so the change is "
        "heard within one block plus 10 ms and without a click; a toggle during a ramp retargets "
        "from where the ramp is. 409 while a slot is empty.");
    toggle.responseSchema = slotContentSchema();
    toggle.errorStatuses = {409};
    toggle.serialQueue = kEngineQueue;
    toggle.handler = [&ab](const Request& request) {
        const presets::AbResult result = ab.toggle(clientOf(request));
        return answer(result.outcome, result.body());
    };
    routes << toggle;

    Route status = route("GET", QStringLiteral("/api/presets/ab/status"),
                         QStringLiteral("Both slots and which one plays"));
    status.responseSchema = abStatusSchema();
    status.handler = [&ab](const Request&) { return Response::json(ab.status().toJson()); };
    routes << status;

    Route diff = route("GET", QStringLiteral("/api/presets/ab/diff"),
                       QStringLiteral("How slot B differs from slot A"));
    diff.description = QStringLiteral(
        "A flat map, as the seed's UI reads it: every key is a dotted field path, every value "
        "[value in A, value in B]; nothing else at the top level ({} when the slots sound the "
        "same). 404 while a slot is empty.");
    diff.responseSchema = diffSchema();
    diff.handler = [&ab](const Request&) { return answer(abDiff(ab)); };
    routes << diff;

    Route clear = route("DELETE", QStringLiteral("/api/presets/ab/clear/{slot}"),
                        QStringLiteral("Empty slot A, B or both (all)"));
    clear.description = QStringLiteral(
        "Answers the A/B status afterwards. Clearing the active slot leaves none active; the "
        "engine keeps playing what it plays.");
    clear.responseSchema = abStatusSchema();
    clear.serialQueue = kEngineQueue;
    clear.handler = [&ab](const Request& request) {
        const QString scopeText = request.pathParams.value("slot");
        const auto scope = presets::abClearScopeFromString(scopeText);
        if (!scope) return unknownSlot(scopeText, true);
        const presets::AbResult result = ab.clear(*scope, clientOf(request));
        if (result.outcome != PresetOutcome::Ok) return answer(result.outcome, result.body());
        return Response::json(ab.status().toJson());
    };
    routes << clear;

    Route apply = route("POST", QStringLiteral("/api/presets/{id}/apply"),
                        QStringLiteral("Load a stored preset into the live engine"));
    apply.description = QStringLiteral(
        "Ramps the engine to the preset as a toggle does (10 ms, click-free). No A/B slot is "
        "active afterwards. Φ settings are kept with the preset until the Φ controller exists. "
        "/api/status then reports preset_loaded: true.");
    apply.responseSchema =
        object({{QStringLiteral("applied"), summarySchema()},
                {QStringLiteral("active"),
                 described(withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")}),
                           QStringLiteral("the active A/B slot: none after an apply"))}});
    apply.errorStatuses = {503};
    apply.serialQueue = kEngineQueue;
    apply.handler = [&store, &ab](const Request& request) {
        return answer(
            applyStoredPreset(store, ab, request.pathParams.value("id"), clientOf(request)));
    };
    routes << apply;

    return routes;
}

}  // namespace

bool PresetAnswer::succeeded() const {
    return presets::httpStatus(outcome) < 300;
}

QString PresetAnswer::errorMessage() const {
    return body.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
}

QJsonArray presetSummaries(const presets::PresetListResult& result) {
    QJsonArray summaries;
    for (const presets::StoredPreset& stored : result.presets)
        summaries.append(stored.summaryJson());
    return summaries;
}

PresetAnswer removePreset(presets::PresetStore& store, const QString& id, const QString& ifMatch,
                          const QString& client, QJsonObject* removed) {
    const presets::PresetResult result = store.remove(id, ifMatch, client);
    if (result.outcome != PresetOutcome::Ok) return {result.outcome, result.body()};
    if (removed) *removed = result.preset->document;
    return {result.outcome, QJsonObject{{QStringLiteral("ok"), true},
                                        {QStringLiteral("id"), result.preset->preset.id}}};
}

PresetAnswer applyStoredPreset(presets::PresetStore& store, presets::AbComparator& ab,
                               const QString& id, const QString& client) {
    const presets::PresetResult stored = store.get(id);
    if (stored.outcome != PresetOutcome::Ok) return {stored.outcome, stored.body()};
    const presets::AbResult result = ab.apply(stored.preset->preset, client);
    if (result.outcome != PresetOutcome::Ok) return {result.outcome, result.body()};
    return {result.outcome, QJsonObject{{QStringLiteral("applied"), stored.preset->summaryJson()},
                                        {QStringLiteral("active"), QJsonValue::Null}}};
}

PresetAnswer storeStoredPresetInSlot(presets::PresetStore& store, presets::AbComparator& ab,
                                     presets::AbSlot slot, const QString& id,
                                     const QString& client) {
    const presets::PresetResult stored = store.get(id);
    if (stored.outcome != PresetOutcome::Ok) return {stored.outcome, stored.body()};
    const presets::AbResult result = ab.store(slot, stored.preset->preset, client);
    return {result.outcome, result.body()};
}

PresetAnswer abDiff(const presets::AbComparator& ab) {
    const presets::AbResult result = ab.diff();
    if (result.outcome != PresetOutcome::Ok) return {result.outcome, result.body()};
    return {result.outcome, result.diff->toJson()};
}

QList<Route> presetRoutes(presets::PresetStore& store, presets::AbComparator& ab,
                          const presets::PresetAuditLog* auditLog) {
    return managementRoutes(store, auditLog) + exchangeRoutes(store) + comparisonRoutes(store, ab);
}

}  // namespace soundlab::api
