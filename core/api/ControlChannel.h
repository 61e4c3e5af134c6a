#pragma once

#include "api/Route.h"
#include "api/RouteExecutor.h"
#include "api/RouteTable.h"
#include "api/WebSocketHub.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace soundlab::api {

// One message type of the control channel and the REST route it stands for.
struct ControlMessageType {
    QString type;  // the message's "type"
    QByteArray method;
    QString path;
    // When the message has this field, the route's body is its value (a sensor batch:
    // {"type":"sensor","samples":[…]}); otherwise the body is the message without "type" and
    // "id".
    QString batchField;
};

// The message types of /ws/control: {"type":"phi",…} is PUT /api/phi, {"type":"sensor",…} is
// POST /api/phi/sensor.
QList<ControlMessageType> controlMessageTypes();

// /ws/control (docs/api.md "WebSocket control"): JSON messages that run the very routes their
// REST twins run — the same schema check, the same handler, on the same thread (Route::execution)
// — for clients that stream at a high rate and do not want a request per update.
//
// Replies: a message with an "id" always gets one, {"type":"result","id":…,"ok":true,
// "status":200,"result":<the REST answer>} or {"type":"error","id":…,"ok":false,"error":
// {"status":422,"code":…,"message":…,"fields":[…]}}; a message without an "id" gets one only
// when it fails.
//
// Thread: the server thread (the hub's); handlers of Worker routes run on the executor and
// answer back on the server thread.
class ControlChannel {
public:
    // Takes copies of the routes named by `types` (they must be in `routes`).
    ControlChannel(const RouteTable& routes, RouteExecutor& executor,
                   const QList<ControlMessageType>& types = controlMessageTypes());

    // `peer`: the client's address, which the request carries (logs and /ws/events name it).
    void handle(const QJsonObject& message, const WebSocketHub::Reply& reply,
                const QHostAddress& peer = {});

    // For the OpenAPI document: each message type with the body schema of its route.
    QJsonObject messagesDescription() const;

private:
    struct Entry {
        ControlMessageType type;
        Route route;
    };
    // Static: a Worker route's answer may arrive after the channel is gone.
    static void answer(const QJsonObject& message, const Response& response,
                       const WebSocketHub::Reply& reply);

    RouteExecutor& executor_;
    QList<Entry> entries_;
};

}  // namespace soundlab::api
