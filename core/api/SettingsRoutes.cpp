#include "api/SettingsRoutes.h"

#include "api/ApiError.h"
#include "api/JsonSchema.h"

#include <QJsonArray>

namespace soundlab::api {

QList<Route> settingsRoutes(SettingsFileContext context) {
    using namespace schema;
    const QJsonObject nullableString =
        withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")});
    const QJsonObject document =
        object({{QStringLiteral("file"), string()},
                {QStringLiteral("exists"), boolean()},
                {QStringLiteral("error"), nullableString},
                {QStringLiteral("settings"),
                 arrayOf(object({{QStringLiteral("key"), string(QStringLiteral("section/name"))},
                                 {QStringLiteral("section"), string()},
                                 {QStringLiteral("name"), string(QStringLiteral("the long flag"))},
                                 {QStringLiteral("file_value"), nullableString},
                                 {QStringLiteral("value"), nullableString},
                                 {QStringLiteral("origin"), nullableString},
                                 {QStringLiteral("switch"), boolean()},
                                 {QStringLiteral("list"), boolean()}}))}});
    const QString queue = QStringLiteral("settings");

    Route get;
    get.method = "GET";
    get.path = QStringLiteral("/api/settings");
    get.summary = QStringLiteral("The settings file and the value of every persistent setting");
    get.tag = QStringLiteral("settings");
    get.responseSchema = document;
    get.serialQueue = queue;
    get.handler = [context](const Request&) { return Response::json(settingsDocument(context)); };

    Route put;
    put.method = "PUT";
    put.path = QStringLiteral("/api/settings");
    put.summary = QStringLiteral("Change values in the settings file");
    put.description = QStringLiteral(
        "Keys are \"section/name\" as GET lists them; a value is a string, a number, true/false, "
        "a list of strings (for lists) or null (remove the key, back to the default). The new "
        "file is checked as a start would read it; only a valid file replaces the old one, "
        "atomically, keeping its comments. The running program keeps its values until the next "
        "start (or a reload, SIGHUP, for audio, Φ and the metrics rate). Answers the new "
        "document.");
    put.tag = QStringLiteral("settings");
    put.requestSchema = object({}, {}, true);
    put.responseSchema = document;
    put.errorStatuses = {422};
    put.serialQueue = queue;
    put.handler = [context](const Request& request) {
        if (const auto error = saveSettings(context, request.body.toObject())) {
            QJsonObject body = ApiError::invalidValue(error->message).toJson();
            if (!error->key.isEmpty()) {  // as /api/engine names its fields
                QJsonObject inner = body.value(QStringLiteral("error")).toObject();
                inner.insert(QStringLiteral("fields"),
                             QJsonArray{QJsonObject{{QStringLiteral("field"), error->key},
                                                    {QStringLiteral("message"), error->message}}});
                body.insert(QStringLiteral("error"), inner);
            }
            return Response::json(body, 422);
        }
        return Response::json(settingsDocument(context));
    };
    return {get, put};
}

}  // namespace soundlab::api
