#include "api/RouteTable.h"

#include <QUrl>

namespace soundlab::api {

void RouteTable::add(Route route) {
    for (auto& existing : routes_) {
        if (existing.method == route.method && existing.path == route.path) {
            existing = std::move(route);
            return;
        }
    }
    routes_.append(std::move(route));
}

bool RouteTable::matchPath(const QString& pattern, const QStringList& segments,
                           QHash<QString, QString>* params) {
    const QStringList parts = pattern.split(u'/');
    if (parts.size() != segments.size()) return false;
    QHash<QString, QString> found;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString& part = parts.at(i);
        const QString segment = QUrl::fromPercentEncoding(segments.at(i).toUtf8());
        if (part.startsWith(u'{') && part.endsWith(u'}')) {
            if (segment.isEmpty()) return false;
            found.insert(part.mid(1, part.size() - 2), segment);
        } else if (part != segment) {
            return false;
        }
    }
    if (params) *params = std::move(found);
    return true;
}

RouteTable::Match RouteTable::match(const QByteArray& method, const QString& encodedPath) const {
    const QStringList segments = encodedPath.split(u'/');
    Match result;
    for (const auto& route : routes_) {
        QHash<QString, QString> params;
        if (!matchPath(route.path, segments, &params)) continue;
        if (!result.allowedMethods.contains(route.method)) result.allowedMethods << route.method;
        // A literal segment beats a {param} ("/api/presets/export" over "/api/presets/{id}").
        if (route.method == method && (!result.route || params.size() < result.pathParams.size())) {
            result.route = &route;
            result.pathParams = std::move(params);
        }
    }
    return result;
}

}  // namespace soundlab::api
