#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

namespace soundlab::api {

// Who may talk to the server: the access token and the browser origins allowed (CORS and
// WebSocket Origin). Immutable after construction, so every thread may read it.
class AccessPolicy {
public:
    AccessPolicy(const QString& token, const QStringList& corsOrigins);

    bool tokenRequired() const { return !tokenDigest_.isEmpty(); }
    // Compares in constant time (of the token length too: both sides are hashed first).
    bool acceptsToken(const QByteArray& presented) const;
    // An "Authorization" header value: "Bearer <token>".
    bool acceptsAuthorization(const QByteArray& headerValue) const;

    // A request without an Origin header is not from a browser page and is allowed; a browser
    // page must be listed (--cors-origin), "*" lists every origin, and the server's own origin
    // (set once it is bound) is always allowed.
    bool originAllowed(const QByteArray& origin) const;
    void allowOwnOrigins(const QStringList& origins) { ownOrigins_ = origins; }

    // DNS rebinding defence: when the server listens on loopback without a token, a request
    // must name a loopback host ("localhost", "127.0.0.1", "[::1]", any port), so a page
    // whose name was rebound to 127.0.0.1 cannot use it. Requests without Host pass (HTTP/1.0).
    void restrictHostsToLoopback(bool restrict) { loopbackHostsOnly_ = restrict; }
    bool hostAllowed(const QByteArray& hostHeader) const;

    // Why the server must not listen on `address` with these settings, if it must not: beyond
    // loopback an access token is required unless the operator explicitly said --insecure.
    static std::optional<QString> bindRefusal(const QHostAddress& address, bool hasToken,
                                              bool insecure);
    // "localhost", an IPv4/IPv6 literal or a host name (resolved; first address wins).
    static std::optional<QHostAddress> resolveHost(const QString& host, QString* error);

private:
    QByteArray tokenDigest_;
    QStringList origins_;
    QStringList ownOrigins_;
    bool loopbackHostsOnly_ = false;
};

}  // namespace soundlab::api
