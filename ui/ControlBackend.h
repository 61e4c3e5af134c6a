#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>

#include <functional>

namespace soundlab {

// One answer of the API as a view-model sees it: the HTTP status and the JSON body (the
// document, or the {"error": {...}} envelope of a 4xx/5xx). Status 0: no answer at all (the
// link to a remote box is down); message() then says why.
using BackendHeaders = QList<QPair<QByteArray, QByteArray>>;  // names lower-case

struct BackendReply {
    int status = 0;
    QJsonValue body;
    BackendHeaders headers;  // the answer's (ETag, X-Total-Count, ...)
    QString transportError;  // set when status is 0

    QByteArray header(const QByteArray& lowerCaseName) const {
        for (const auto& [name, value] : headers)
            if (name == lowerCaseName) return value;
        return {};
    }

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject object() const { return body.toObject(); }
    // The error's message as the API words it ("" for a success).
    QString message() const;
};

// What every view-model talks to (issue 14, "Structure"): the API's state documents by path
// ("/api/phi") and its changes (method, path with query, JSON body → the API's answer). The
// local backend answers in-process with the route handlers of the local API server; a remote one
// would answer over HTTP, so no view-model and no QML knows which it has.
//
// Asynchronous: `done` runs later on `context`'s thread, or before send() returns when the
// answer is at hand without waiting (an in-process route that never blocks). It is not called
// when `context` is destroyed first. Use from the GUI thread.
class ControlBackend : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const BackendReply&)>;

    using QObject::QObject;

    // `headers`: request headers the route reads (If-Match for the presets' PUT and DELETE).
    virtual void send(const QByteArray& method, const QString& pathAndQuery,
                      const BackendHeaders& headers, const QJsonValue& body, QObject* context,
                      Done done) = 0;
    void send(const QByteArray& method, const QString& pathAndQuery, const QJsonValue& body,
              QObject* context, Done done) {
        send(method, pathAndQuery, {}, body, context, std::move(done));
    }

    void get(const QString& pathAndQuery, QObject* context, Done done) {
        send("GET", pathAndQuery, QJsonValue::Undefined, context, std::move(done));
    }

    // Sends a change; returns false when the answer came at once and refused it, true when it
    // accepted it or is still on its way (a later refusal reaches `done` only). For the
    // view-models' `bool set…()` invokables.
    bool change(const QByteArray& method, const QString& pathAndQuery, const QJsonValue& body,
                QObject* context, Done done);
};

// Reads a document at most once at a time: a poll that comes while the previous answer is still
// on its way is skipped (a slow or remote backend never piles up requests). One per document a
// view-model polls.
class DocumentPoll {
public:
    DocumentPoll(ControlBackend& backend, QString path)
        : backend_(backend), path_(std::move(path)) {}

    // Asks for the document unless an answer is pending; `done` gets a successful answer's body.
    void poll(QObject* context, std::function<void(const QJsonValue&)> done);
    bool pending() const { return pending_; }

private:
    ControlBackend& backend_;
    QString path_;
    bool pending_ = false;
};

}  // namespace soundlab
