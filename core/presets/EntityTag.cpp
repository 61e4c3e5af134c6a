#include "presets/EntityTag.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QStringList>

namespace soundlab::presets {

QString entityTag(const QJsonObject& document) {
    const QByteArray canonical = QJsonDocument(document).toJson(QJsonDocument::Compact);
    // 128 bits of SHA-256: collisions are not a practical concern for a few thousand presets.
    const QByteArray hash = QCryptographicHash::hash(canonical, QCryptographicHash::Sha256);
    return QLatin1Char('"') + QString::fromLatin1(hash.left(16).toHex()) + QLatin1Char('"');
}

namespace {

QString bareTag(QString tag) {
    tag = tag.trimmed();
    if (tag.startsWith(QLatin1String("W/"))) tag = tag.mid(2);
    if (tag.size() >= 2 && tag.startsWith(QLatin1Char('"')) && tag.endsWith(QLatin1Char('"'))) {
        tag = tag.mid(1, tag.size() - 2);
    }
    return tag;
}

}  // namespace

bool ifMatchAccepts(const QString& ifMatch, const QString& currentTag) {
    if (ifMatch.trimmed() == QLatin1String("*")) return true;
    const QString current = bareTag(currentTag);
    for (const QString& candidate : ifMatch.split(QLatin1Char(','))) {
        if (bareTag(candidate) == current) return true;
    }
    return false;
}

}  // namespace soundlab::presets
