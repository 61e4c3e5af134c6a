#include "presets/PresetDiff.h"

#include <QJsonArray>
#include <QSet>

namespace soundlab::presets {

namespace {

void compare(const QString& path, const QJsonValue& a, const QJsonValue& b,
             QList<FieldDifference>& out) {
    if (a.isObject() && b.isObject()) {
        const QJsonObject objectA = a.toObject();
        const QJsonObject objectB = b.toObject();
        QStringList keys = objectA.keys();
        for (const QString& key : objectB.keys()) {
            if (!objectA.contains(key)) keys.append(key);
        }
        keys.sort();
        for (const QString& key : keys) {
            const QString child = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            compare(child, objectA.value(key), objectB.value(key), out);
        }
        return;
    }
    if (a.isArray() && b.isArray() && a.toArray().size() == b.toArray().size()) {
        const QJsonArray arrayA = a.toArray();
        const QJsonArray arrayB = b.toArray();
        for (qsizetype i = 0; i < arrayA.size(); ++i) {
            compare(path + QStringLiteral("[%1]").arg(i), arrayA.at(i), arrayB.at(i), out);
        }
        return;
    }
    if (a != b) out.append({path, a, b});
}

}  // namespace

PresetDiff PresetDiff::between(const QJsonObject& a, const QJsonObject& b) {
    QJsonObject settingsA = a;
    QJsonObject settingsB = b;
    for (const char* key : {"id", "created_at", "modified_at"}) {
        settingsA.remove(QLatin1String(key));
        settingsB.remove(QLatin1String(key));
    }
    PresetDiff diff;
    compare(QString(), settingsA, settingsB, diff.differences_);
    return diff;
}

QStringList PresetDiff::paths() const {
    QStringList result;
    for (const FieldDifference& d : differences_) result.append(d.path);
    return result;
}

QJsonObject PresetDiff::toJson() const {
    QJsonObject json;
    for (const FieldDifference& d : differences_) {
        // QJsonArray stores an undefined side as null
        json.insert(d.path, QJsonArray{d.a, d.b});
    }
    return json;
}

}  // namespace soundlab::presets
