#pragma once

#include "ControlBackend.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSet>
#include <QUrl>

class QNetworkReply;

namespace soundlab {

// The control room's backend for a headless Soundlab on another machine (issue 15): every
// request goes over HTTP/1.1 (one keep-alive connection pool, QNetworkAccessManager) to the
// box's API, with its token as `Authorization: Bearer`. The answer becomes the same
// BackendReply the in-process LocalBackend gives; no answer at all (refused, reset, no reply
// within the timeout) is status 0 with a transportError that says what failed.
//
// Gate: while the link (ui/LinkViewModel) is not up, the view-models' requests are answered at
// once with status 0 and never sent; only the link's own probes go out. A dead server or a
// wrong token so costs one request per backoff step, not 30 polls a second.
//
// Thread: the GUI thread.
class RemoteBackend : public ControlBackend {
    Q_OBJECT
public:
    static constexpr int kRequestTimeoutMs = 5000;

    // `base`: http://HOST:PORT; `token`: empty for a box without one.
    RemoteBackend(const QUrl& base, const QString& token, QObject* parent = nullptr);
    ~RemoteBackend() override;

    using ControlBackend::send;
    void send(const QByteArray& method, const QString& pathAndQuery, const BackendHeaders& headers,
              const QJsonValue& body, QObject* context, Done done) override;

    // A request that passes the gate (the link's heartbeat), with its own timeout.
    void probe(const QString& path, int timeoutMs, QObject* context, Done done);

    // Lets the view-models' requests through (the link is up) or not.
    void setOpen(bool open) { open_ = open; }
    bool isOpen() const { return open_; }

    QUrl base() const { return base_; }
    QString token() const { return token_; }
    // "HOST:PORT", as the window's title and messages name the box.
    QString hostAndPort() const;
    // Requests that went onto the network (tests: no retry storm).
    quint64 requestsSent() const { return requestsSent_; }

signals:
    // A request got no answer at all (`reason` as in transportError); the link goes down.
    void transportFailed(const QString& reason);
    // The box refused the token (401).
    void unauthorized();

private:
    void transmit(const QByteArray& method, const QString& pathAndQuery,
                  const BackendHeaders& headers, const QJsonValue& body, int timeoutMs,
                  QObject* context, Done done);
    QString describe(QNetworkReply& reply, int timeoutMs) const;

    QUrl base_;
    QString token_;
    QNetworkAccessManager network_;
    QSet<QNetworkReply*> inFlight_;
    bool open_ = false;
    quint64 requestsSent_ = 0;
};

}  // namespace soundlab
