#include "presets/PresetBundle.h"

#include "presets/Preset.h"

#include <QJsonDocument>

namespace soundlab::presets {

QJsonObject makeBundle(const QJsonArray& presets, const QDateTime& exportDate) {
    return QJsonObject{
        {QStringLiteral("schema_version"), kPresetSchemaVersion},
        {QStringLiteral("export_date"), formatTimestamp(exportDate)},
        {QStringLiteral("presets"), presets},
    };
}

BundleContents readBundle(const QByteArray& bytes) {
    if (bytes.size() > kMaxBundleBytes) {
        return {PresetOutcome::TooLarge,
                {},
                {{QStringLiteral("(root)"),
                  QStringLiteral("bundle is %1 bytes; at most %2 bytes are accepted")
                      .arg(bytes.size())
                      .arg(kMaxBundleBytes)}}};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return {PresetOutcome::Malformed,
                {},
                {{QStringLiteral("(root)"), QStringLiteral("not valid JSON: %1 at offset %2")
                                                .arg(parseError.errorString())
                                                .arg(parseError.offset)}}};
    }
    return readBundle(document.isObject() ? QJsonValue(document.object())
                                          : QJsonValue(document.array()));
}

BundleContents readBundle(const QJsonValue& bundle) {
    BundleContents contents;
    if (!bundle.isObject()) {
        contents.outcome = PresetOutcome::Invalid;
        contents.errors.append({QStringLiteral("(root)"),
                                QStringLiteral("must be an object {\"schema_version\": 1, "
                                               "\"export_date\": ..., \"presets\": [...]}")});
        return contents;
    }
    const QJsonObject object = bundle.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString& key = it.key();
        if (key == QLatin1String("schema_version")) {
            if (it.value() != QJsonValue(kPresetSchemaVersion)) {
                contents.errors.append({key, QStringLiteral("must be 1")});
            }
        } else if (key == QLatin1String("export_date")) {
            if (!it.value().isString()) {
                contents.errors.append({key, QStringLiteral("must be a string")});
            }
        } else if (key == QLatin1String("presets")) {
            if (!it.value().isArray()) {
                contents.errors.append({key, QStringLiteral("must be an array of presets")});
            }
        } else {
            contents.errors.append(
                {key, QStringLiteral("unknown key; allowed keys here: export_date, presets, "
                                     "schema_version")});
        }
    }
    if (!object.contains(QLatin1String("presets"))) {
        contents.errors.append(
            {QStringLiteral("presets"), QStringLiteral("is required: an array of presets")});
    }
    if (!contents.errors.isEmpty()) {
        contents.outcome = PresetOutcome::Invalid;
        return contents;
    }
    contents.presets = object.value(QLatin1String("presets")).toArray();
    if (contents.presets.size() > kMaxBundlePresets) {
        contents.outcome = PresetOutcome::TooLarge;
        contents.errors.append({QStringLiteral("presets"),
                                QStringLiteral("has %1 presets; a bundle may hold at most %2")
                                    .arg(contents.presets.size())
                                    .arg(kMaxBundlePresets)});
        contents.presets = {};
    }
    return contents;
}

}  // namespace soundlab::presets
