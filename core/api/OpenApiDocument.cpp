#include "api/OpenApiDocument.h"

#include "api/JsonSchema.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace soundlab::api {

namespace {

const char* statusText(int status) {
    switch (status) {
        case 400:
            return "Malformed JSON or parameter";
        case 401:
            return "Missing or bad access token";
        case 404:
            return "Not found";
        case 409:
            return "Conflict with the current state (e.g. the device cannot be opened)";
        case 412:
            return "If-Match does not match the current ETag (the resource changed)";
        case 413:
            return "Body too large";
        case 415:
            return "Body of a media type this route does not accept";
        case 422:
            return "Well-formed but invalid values";
        case 500:
            return "Internal error (e.g. a file could not be written)";
        case 503:
            return "Service unavailable (e.g. no audio engine attached)";
        case 507:
            return "Insufficient storage: the data directory's file system is full (nothing "
                   "changed; free some space and retry)";
        default:
            return "Error";
    }
}

QJsonObject errorResponse(int status) {
    return {{QStringLiteral("description"), QString::fromLatin1(statusText(status))},
            {QStringLiteral("content"),
             QJsonObject{
                 {QStringLiteral("application/json"),
                  QJsonObject{{QStringLiteral("schema"),
                               QJsonObject{{QStringLiteral("$ref"),
                                            QStringLiteral("#/components/schemas/Error")}}}}}}}};
}

QString operationId(const Route& route) {
    QString id = QString::fromLatin1(route.method).toLower() + route.path;
    id.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("_"));
    if (id.endsWith(u'_')) id.chop(1);
    return id;
}

QJsonObject operation(const Route& route) {
    QJsonObject op{{QStringLiteral("operationId"), operationId(route)},
                   {QStringLiteral("summary"), route.summary}};
    if (!route.description.isEmpty()) op.insert(QStringLiteral("description"), route.description);
    if (!route.tag.isEmpty()) op.insert(QStringLiteral("tags"), QJsonArray{route.tag});

    QJsonArray parameters;
    static const QRegularExpression param(QStringLiteral("\\{([^}]+)\\}"));
    for (auto it = param.globalMatch(route.path); it.hasNext();) {
        parameters.append(QJsonObject{{QStringLiteral("name"), it.next().captured(1)},
                                      {QStringLiteral("in"), QStringLiteral("path")},
                                      {QStringLiteral("required"), true},
                                      {QStringLiteral("schema"), schema::string()}});
    }
    for (const auto& q : route.query) {
        QJsonObject p{{QStringLiteral("name"), q.name},
                      {QStringLiteral("in"), QStringLiteral("query")},
                      {QStringLiteral("required"), q.required},
                      {QStringLiteral("schema"), q.schema}};
        if (!q.description.isEmpty()) p.insert(QStringLiteral("description"), q.description);
        parameters.append(p);
    }
    if (!parameters.isEmpty()) op.insert(QStringLiteral("parameters"), parameters);

    QList<int> errors = route.errorStatuses;
    QJsonObject bodyContent;
    if (!route.requestSchema.isEmpty())
        bodyContent.insert(QStringLiteral("application/json"),
                           QJsonObject{{QStringLiteral("schema"), route.requestSchema}});
    for (const RawBodyType& type : route.rawBodyTypes)
        bodyContent.insert(QString::fromLatin1(type.mediaType),
                           QJsonObject{{QStringLiteral("schema"), type.schema}});
    if (!bodyContent.isEmpty()) {
        op.insert(QStringLiteral("requestBody"),
                  QJsonObject{{QStringLiteral("required"), route.requestBodyRequired},
                              {QStringLiteral("content"), bodyContent}});
        errors << 400 << 413 << 415 << 422;
    }
    if (!route.query.isEmpty()) errors << 400 << 422;
    if (route.requiresAuth) errors << 401;
    if (route.path.contains(u'{')) errors << 404;

    QJsonObject success{{QStringLiteral("description"), QStringLiteral("Success")}};
    if (!route.responseSchema.isEmpty())
        success.insert(
            QStringLiteral("content"),
            QJsonObject{{QString::fromLatin1(route.responseMediaType),
                         QJsonObject{{QStringLiteral("schema"), route.responseSchema}}}});
    if (!route.responseHeaders.isEmpty()) {
        QJsonObject headers;
        for (const auto& [name, description] : route.responseHeaders)
            headers.insert(name, QJsonObject{{QStringLiteral("description"), description},
                                             {QStringLiteral("schema"), schema::string()}});
        success.insert(QStringLiteral("headers"), headers);
    }
    QJsonObject responses{{QString::number(route.successStatus), success}};
    for (int status : errors) {
        // A second success status (e.g. 200 beside 201) documents the same response body.
        responses.insert(QString::number(status), status < 400 ? success : errorResponse(status));
    }
    op.insert(QStringLiteral("responses"), responses);
    if (!route.requiresAuth) op.insert(QStringLiteral("security"), QJsonArray{});
    return op;
}

QJsonObject streamOperation(const StreamDescription& stream) {
    QJsonObject op{
        {QStringLiteral("operationId"),
         QStringLiteral("ws") + QString(stream.path).replace(u'/', u'_')},
        {QStringLiteral("summary"),
         QStringLiteral("WebSocket stream of JSON frames at %1 Hz").arg(stream.rateHz)},
        {QStringLiteral("description"),
         QStringLiteral(
             "Open with a WebSocket upgrade. Every message is a JSON text frame. Send "
             "{\"type\":\"ping\"} to get {\"type\":\"pong\"}. A client whose send queue is full "
             "loses frames; one that stays stalled is closed with code 4008. With an access "
             "token, pass ?token= (or an Authorization header): a bad token closes the socket "
             "with code 4001.")},
        {QStringLiteral("tags"), QJsonArray{QStringLiteral("streams")}},
        {QStringLiteral("responses"),
         QJsonObject{{QStringLiteral("101"),
                      QJsonObject{{QStringLiteral("description"),
                                   QStringLiteral("Switching Protocols (WebSocket)")}}},
                     {QStringLiteral("426"),
                      QJsonObject{{QStringLiteral("description"),
                                   QStringLiteral("Plain HTTP request to a stream path")}}}}},
        // The usual header or, for browsers (which cannot set headers on a WebSocket),
        // ?token=.
        {QStringLiteral("security"),
         QJsonArray{QJsonObject{{QStringLiteral("bearerAuth"), QJsonArray{}}},
                    QJsonObject{{QStringLiteral("queryToken"), QJsonArray{}}}}},
        {QStringLiteral("x-websocket"),
         QJsonObject{{QStringLiteral("rate_hz"), stream.rateHz},
                     {QStringLiteral("close_codes"),
                      QJsonObject{{QStringLiteral("4001"), QStringLiteral("bad or missing token")},
                                  {QStringLiteral("4003"), QStringLiteral("origin not allowed")},
                                  {QStringLiteral("4004"), QStringLiteral("unknown stream")},
                                  {QStringLiteral("4008"), QStringLiteral("client stalled")}}}}},
    };
    if (!stream.messages.isEmpty()) {
        op.insert(QStringLiteral("summary"), QStringLiteral("WebSocket control channel"));
        op.insert(QStringLiteral("description"), stream.description);
        QJsonObject ws = op.value(QStringLiteral("x-websocket")).toObject();
        ws.insert(QStringLiteral("messages"), stream.messages);
        op.insert(QStringLiteral("x-websocket"), ws);
    } else if (!stream.description.isEmpty()) {
        op[QStringLiteral("description")] =
            op[QStringLiteral("description")].toString() + QStringLiteral(" ") + stream.description;
    }
    if (!stream.frameSchema.isEmpty()) {
        QJsonObject ws = op[QStringLiteral("x-websocket")].toObject();
        ws.insert(QStringLiteral("frame"), stream.frameSchema);
        QJsonObject codes = ws[QStringLiteral("close_codes")].toObject();
        codes.insert(QStringLiteral("4022"), QStringLiteral("bad query parameter (e.g. ?rate=)"));
        ws.insert(QStringLiteral("close_codes"), codes);
        op.insert(QStringLiteral("x-websocket"), ws);
    }
    return op;
}

}  // namespace

QJsonObject buildOpenApiDocument(const RouteTable& routes, const QList<StreamDescription>& streams,
                                 const QString& version) {
    QJsonObject paths;
    for (const auto& route : routes.routes()) {
        QJsonObject item = paths.value(route.path).toObject();
        item.insert(QString::fromLatin1(route.method).toLower(), operation(route));
        paths.insert(route.path, item);
    }
    for (const auto& stream : streams)
        paths.insert(stream.path, QJsonObject{{QStringLiteral("get"), streamOperation(stream)}});

    using namespace schema;
    const QJsonObject errorSchema = object(
        {{QStringLiteral("error"),
          object({{QStringLiteral("code"), string(QStringLiteral("stable machine-readable code"))},
                  {QStringLiteral("message"), string(QStringLiteral("what was wrong"))}},
                 {QStringLiteral("code"), QStringLiteral("message")})}},
        {QStringLiteral("error")});

    return {
        {QStringLiteral("openapi"), QStringLiteral("3.1.0")},
        {QStringLiteral("info"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("Soundlab API")},
                     {QStringLiteral("version"), version},
                     {QStringLiteral("description"),
                      QStringLiteral("REST and WebSocket control of Soundlab. When the server "
                                     "has an access token every operation but /healthz needs "
                                     "'Authorization: Bearer <token>'.")}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("components"),
         QJsonObject{
             {QStringLiteral("schemas"), QJsonObject{{QStringLiteral("Error"), errorSchema}}},
             {QStringLiteral("securitySchemes"),
              QJsonObject{{QStringLiteral("bearerAuth"),
                           QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                       {QStringLiteral("scheme"), QStringLiteral("bearer")}}},
                          {QStringLiteral("queryToken"),
                           QJsonObject{{QStringLiteral("type"), QStringLiteral("apiKey")},
                                       {QStringLiteral("in"), QStringLiteral("query")},
                                       {QStringLiteral("name"), QStringLiteral("token")}}}}}}},
        {QStringLiteral("security"),
         QJsonArray{QJsonObject{{QStringLiteral("bearerAuth"), QJsonArray{}}}}},
    };
}

}  // namespace soundlab::api
