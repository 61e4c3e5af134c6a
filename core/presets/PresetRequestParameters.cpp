#include "presets/PresetRequestParameters.h"

namespace soundlab::presets {

namespace {

// Decodes a query value as HTML forms and URLSearchParams encode it: '+' is a space, "%2B" a
// plus sign. (QUrlQuery leaves '+' alone.)
QString formDecoded(QString encoded) {
    encoded.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QUrl::fromPercentEncoding(encoded.toUtf8());
}

QStringList allValues(const QUrlQuery& url, const QString& name) {
    QStringList values;
    for (const QString& value : url.allQueryItemValues(name, QUrl::FullyEncoded)) {
        values.append(formDecoded(value));
    }
    return values;
}

// The last occurrence wins, as in most web frameworks.
QString lastValue(const QUrlQuery& url, const QString& name) {
    const QStringList values = allValues(url, name);
    return values.isEmpty() ? QString() : values.last();
}

}  // namespace

ListParameters parseListParameters(const QUrlQuery& url) {
    ListParameters parameters;
    parameters.query.query = lastValue(url, QStringLiteral("query"));
    parameters.query.tag = lastValue(url, QStringLiteral("tag"));
    if (url.hasQueryItem(QStringLiteral("limit"))) {
        const QString text = lastValue(url, QStringLiteral("limit"));
        bool isInteger = false;
        const int limit = text.trimmed().toInt(&isInteger);
        if (!isInteger || limit < kMinListLimit || limit > kMaxListLimit) {
            parameters.errors.append({QStringLiteral("limit"),
                                      QStringLiteral("must be an integer in [%1, %2]; got \"%3\"")
                                          .arg(kMinListLimit)
                                          .arg(kMaxListLimit)
                                          .arg(text)});
        } else {
            parameters.query.limit = limit;
        }
    }
    return parameters;
}

CollisionParameter parseCollisionParameter(const QUrlQuery& url) {
    CollisionParameter parameter;
    if (!url.hasQueryItem(QStringLiteral("collision"))) return parameter;
    const QString text = lastValue(url, QStringLiteral("collision"));
    if (const auto policy = collisionPolicyFromString(text)) {
        parameter.policy = *policy;
    } else {
        parameter.errors.append(
            {QStringLiteral("collision"),
             QStringLiteral("must be one of \"prompt\", \"overwrite\", \"new_copy\", \"merge\"; "
                            "got \"%1\"")
                 .arg(text)});
    }
    return parameter;
}

ImportParameters parseImportParameters(const QUrlQuery& url) {
    ImportParameters parameters;
    const CollisionParameter collision = parseCollisionParameter(url);
    parameters.options.collision = collision.policy;
    parameters.errors = collision.errors;
    if (url.hasQueryItem(QStringLiteral("dry_run"))) {
        const QString text = lastValue(url, QStringLiteral("dry_run")).toLower();
        if (text == QLatin1String("true") || text == QLatin1String("1") || text.isEmpty()) {
            parameters.options.dryRun = true;  // a bare "?dry_run" asks for one too
        } else if (text == QLatin1String("false") || text == QLatin1String("0")) {
            parameters.options.dryRun = false;
        } else {
            parameters.errors.append(
                {QStringLiteral("dry_run"),
                 QStringLiteral("must be true, false, 1 or 0; got \"%1\"").arg(text)});
        }
    }
    return parameters;
}

QStringList parseIdsParameter(const QUrlQuery& url) {
    QStringList ids;
    for (const QString& value : allValues(url, QStringLiteral("ids"))) {
        for (const QString& id : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            ids.append(id.trimmed());
        }
    }
    return ids;
}

}  // namespace soundlab::presets
