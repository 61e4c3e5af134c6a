#include "api/AccessPolicy.h"

#include <QCryptographicHash>
#include <QHostInfo>

namespace soundlab::api {

namespace {

QByteArray digest(const QByteArray& text) {
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256);
}

}  // namespace

AccessPolicy::AccessPolicy(const QString& token, const QStringList& corsOrigins)
    : origins_(corsOrigins) {
    if (!token.isEmpty()) tokenDigest_ = digest(token.toUtf8());
}

bool AccessPolicy::acceptsToken(const QByteArray& presented) const {
    if (!tokenRequired()) return true;
    const QByteArray candidate = digest(presented);
    // Accumulate every byte difference so the time taken does not depend on where (or
    // whether) the digests differ.
    unsigned char difference = 0;
    for (qsizetype i = 0; i < tokenDigest_.size(); ++i)
        difference |= static_cast<unsigned char>(tokenDigest_.at(i) ^ candidate.at(i));
    return difference == 0 && !presented.isEmpty();
}

bool AccessPolicy::acceptsAuthorization(const QByteArray& headerValue) const {
    if (!tokenRequired()) return true;
    const QByteArray value = headerValue.trimmed();
    static const QByteArray scheme = "bearer ";
    if (value.size() <= scheme.size() || value.left(scheme.size()).toLower() != scheme)
        return false;
    return acceptsToken(value.mid(scheme.size()).trimmed());
}

bool AccessPolicy::originAllowed(const QByteArray& origin) const {
    if (origin.isEmpty()) return true;
    const QString text = QString::fromUtf8(origin);
    for (const auto& allowed : origins_)
        if (allowed == QLatin1String("*") || allowed.compare(text, Qt::CaseInsensitive) == 0)
            return true;
    for (const auto& own : ownOrigins_)
        if (own.compare(text, Qt::CaseInsensitive) == 0) return true;
    return false;
}

bool AccessPolicy::hostAllowed(const QByteArray& hostHeader) const {
    if (!loopbackHostsOnly_ || hostHeader.isEmpty()) return true;
    QByteArray host = hostHeader.trimmed().toLower();
    if (host.startsWith('[')) {
        host = host.mid(1, host.indexOf(']') - 1);  // [::1]:8000
    } else if (host.count(':') == 1) {
        host = host.left(host.indexOf(':'));  // name:port
    }
    if (host == "localhost" || host.endsWith(".localhost")) return true;
    const QHostAddress address(QString::fromLatin1(host));
    return !address.isNull() && address.isLoopback();
}

std::optional<QString> AccessPolicy::bindRefusal(const QHostAddress& address, bool hasToken,
                                                 bool insecure) {
    if (address.isLoopback() || hasToken || insecure) return std::nullopt;
    return QStringLiteral(
               "refusing to listen on %1 without an access token: anyone who can reach this "
               "address could control the audio. Pass --token TOKEN (or set SOUNDLAB_TOKEN), "
               "or --insecure to accept unauthenticated clients anyway")
        .arg(address.toString());
}

std::optional<QHostAddress> AccessPolicy::resolveHost(const QString& host, QString* error) {
    if (host.isEmpty() || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress literal;
    if (literal.setAddress(host)) return literal;
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        if (error)
            *error = QStringLiteral("cannot resolve host '%1': %2").arg(host, info.errorString());
        return std::nullopt;
    }
    return info.addresses().first();
}

}  // namespace soundlab::api
