#pragma once

#include "api/Route.h"

#include <QByteArrayList>
#include <QList>
#include <QString>

namespace soundlab::api {

// The API's operations, matched by method and path pattern. Also the source of the OpenAPI
// document, so routing and documentation cannot disagree.
class RouteTable {
public:
    // Adds a route; a route with the same method and path replaces the existing one (later
    // issues refine routes this way).
    void add(Route route);

    struct Match {
        const Route* route = nullptr;  // set when method and path matched
        QHash<QString, QString> pathParams;
        QByteArrayList allowedMethods;  // methods of the matched path (for 405 and CORS)
        bool pathKnown() const { return !allowedMethods.isEmpty(); }
    };
    // `encodedPath` is the request path still percent-encoded, so an encoded '/' inside a
    // parameter stays inside it.
    Match match(const QByteArray& method, const QString& encodedPath) const;

    const QList<Route>& routes() const { return routes_; }

private:
    static bool matchPath(const QString& pattern, const QStringList& segments,
                          QHash<QString, QString>* params);

    QList<Route> routes_;
};

}  // namespace soundlab::api
