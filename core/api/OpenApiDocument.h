#pragma once

#include "api/RouteTable.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace soundlab::api {

// A WebSocket stream as the document lists it.
struct StreamDescription {
    QString path;
    double rateHz = 0.0;
    // A control endpoint (rate 0): what it does and the messages it takes (x-websocket); for a
    // stream, added to the common description (e.g. a pushed stream's ?rate=N).
    QString description;
    QJsonObject messages{};
    QJsonObject frameSchema{};  // of its frames, as x-websocket.frame; empty: not described
};

// Builds the OpenAPI 3.1 document of the server from its route table and streams, so the
// document lists exactly what the server answers. WebSocket streams appear as GET operations
// answered with 101 Switching Protocols and carry an `x-websocket` extension.
QJsonObject buildOpenApiDocument(const RouteTable& routes, const QList<StreamDescription>& streams,
                                 const QString& version);

}  // namespace soundlab::api
