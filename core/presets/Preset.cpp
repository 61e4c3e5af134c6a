#include "presets/Preset.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace soundlab::presets {

namespace {

const std::array<std::pair<PhiMode, const char*>, 5> kPhiModes{{
    {PhiMode::Manual, "manual"},
    {PhiMode::Audio, "audio"},
    {PhiMode::Midi, "midi"},
    {PhiMode::Sensor, "sensor"},
    {PhiMode::Internal, "internal"},
}};

const std::array<std::pair<DownmixStrategy, const char*>, 4> kStrategies{{
    {DownmixStrategy::Spatial, "spatial"},
    {DownmixStrategy::Energy, "energy"},
    {DownmixStrategy::Linear, "linear"},
    {DownmixStrategy::Phi, "phi"},
}};

QJsonArray toJsonArray(const ChannelValues& values) {
    QJsonArray array;
    for (double v : values) array.append(v);
    return array;
}

ChannelValues channelValues(const QJsonValue& value, const ChannelValues& fallback) {
    const QJsonArray array = value.toArray();
    if (array.size() != kPresetChannelCount) return fallback;
    ChannelValues values{};
    for (int k = 0; k < kPresetChannelCount; ++k) values[k] = array.at(k).toDouble();
    return values;
}

std::optional<ChannelValues> optionalChannelValues(const QJsonValue& value) {
    if (!value.isArray() || value.toArray().size() != kPresetChannelCount) return std::nullopt;
    return channelValues(value, {});
}

}  // namespace

QString toString(PhiMode mode) {
    for (const auto& [value, name] : kPhiModes) {
        if (value == mode) return QString::fromLatin1(name);
    }
    return {};
}

QString toString(DownmixStrategy strategy) {
    for (const auto& [value, name] : kStrategies) {
        if (value == strategy) return QString::fromLatin1(name);
    }
    return {};
}

std::optional<PhiMode> phiModeFromString(const QString& text) {
    for (const auto& [value, name] : kPhiModes) {
        if (text == QLatin1String(name)) return value;
    }
    return std::nullopt;
}

std::optional<DownmixStrategy> downmixStrategyFromString(const QString& text) {
    for (const auto& [value, name] : kStrategies) {
        if (text == QLatin1String(name)) return value;
    }
    return std::nullopt;
}

QString formatTimestamp(const QDateTime& time) {
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime parseTimestamp(const QString& text) {
    // The seed server wrote naive UTC times ("2024-01-15T10:30:00.123456"); read them as UTC
    // rather than as local time, which is what Qt assumes without an offset.
    static const QRegularExpression hasOffset(QStringLiteral("(Z|[+-]\\d\\d:\\d\\d)$"));
    const QString withOffset = hasOffset.match(text).hasMatch() ? text : text + QLatin1Char('Z');
    QDateTime time = QDateTime::fromString(withOffset, Qt::ISODateWithMs);
    return time.isValid() ? time.toUTC() : QDateTime();
}

QJsonObject Preset::toJson() const {
    QJsonObject json;
    json.insert(QStringLiteral("schema_version"), schemaVersion);
    if (!id.isEmpty()) json.insert(QStringLiteral("id"), id);
    json.insert(QStringLiteral("name"), name);
    json.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
    if (createdAt.isValid()) json.insert(QStringLiteral("created_at"), formatTimestamp(createdAt));
    if (modifiedAt.isValid()) {
        json.insert(QStringLiteral("modified_at"), formatTimestamp(modifiedAt));
    }
    json.insert(QStringLiteral("author"), author);
    json.insert(QStringLiteral("notes"), notes);

    QJsonObject engineJson{
        {QStringLiteral("sample_rate"), engine.sampleRate},
        {QStringLiteral("num_channels"), engine.numChannels},
        {QStringLiteral("frequencies"), toJsonArray(engine.frequencies)},
        {QStringLiteral("amplitudes"), toJsonArray(engine.amplitudes)},
        {QStringLiteral("coupling_strength"), engine.couplingStrength},
    };
    // Absent means true: presets from before band split keep their exact documents.
    if (!engine.bandSplit) engineJson.insert(QStringLiteral("band_split"), false);
    json.insert(QStringLiteral("engine"), engineJson);
    json.insert(QStringLiteral("phi"),
                QJsonObject{
                    {QStringLiteral("mode"), presets::toString(phi.mode)},
                    {QStringLiteral("depth"), phi.depth},
                    {QStringLiteral("phase"), phi.phase},
                    {QStringLiteral("frequency"),
                     phi.frequency ? QJsonValue(*phi.frequency) : QJsonValue(QJsonValue::Null)},
                });
    QJsonObject downmixJson{{QStringLiteral("strategy"), presets::toString(downmix.strategy)}};
    if (downmix.weightsLeft) {
        downmixJson.insert(QStringLiteral("weights_l"), toJsonArray(*downmix.weightsLeft));
    }
    if (downmix.weightsRight) {
        downmixJson.insert(QStringLiteral("weights_r"), toJsonArray(*downmix.weightsRight));
    }
    json.insert(QStringLiteral("downmix"), downmixJson);
    json.insert(QStringLiteral("ui"), ui);
    return json;
}

Preset Preset::fromJson(const QJsonObject& json) {
    Preset preset;
    preset.schemaVersion = json.value(QLatin1String("schema_version")).toInt(kPresetSchemaVersion);
    preset.id = json.value(QLatin1String("id")).toString();
    preset.name = json.value(QLatin1String("name")).toString();
    for (const QJsonValue& tag : json.value(QLatin1String("tags")).toArray()) {
        preset.tags.append(tag.toString());
    }
    preset.createdAt = parseTimestamp(json.value(QLatin1String("created_at")).toString());
    preset.modifiedAt = parseTimestamp(json.value(QLatin1String("modified_at")).toString());
    preset.author = json.value(QLatin1String("author")).toString();
    preset.notes = json.value(QLatin1String("notes")).toString();

    const QJsonObject engine = json.value(QLatin1String("engine")).toObject();
    EngineSettings& e = preset.engine;
    e.sampleRate = engine.value(QLatin1String("sample_rate")).toInt(e.sampleRate);
    e.numChannels = engine.value(QLatin1String("num_channels")).toInt(e.numChannels);
    e.frequencies = channelValues(engine.value(QLatin1String("frequencies")), e.frequencies);
    e.amplitudes = channelValues(engine.value(QLatin1String("amplitudes")), e.amplitudes);
    e.couplingStrength =
        engine.value(QLatin1String("coupling_strength")).toDouble(e.couplingStrength);
    e.bandSplit = engine.value(QLatin1String("band_split")).toBool(true);

    const QJsonObject phi = json.value(QLatin1String("phi")).toObject();
    PhiSettings& p = preset.phi;
    p.mode = phiModeFromString(phi.value(QLatin1String("mode")).toString()).value_or(p.mode);
    p.depth = phi.value(QLatin1String("depth")).toDouble(p.depth);
    p.phase = phi.value(QLatin1String("phase")).toDouble(p.phase);
    const QJsonValue frequency = phi.value(QLatin1String("frequency"));
    p.frequency = frequency.isDouble() ? std::optional<double>(frequency.toDouble()) : std::nullopt;

    const QJsonObject downmix = json.value(QLatin1String("downmix")).toObject();
    DownmixSettings& d = preset.downmix;
    d.strategy = downmixStrategyFromString(downmix.value(QLatin1String("strategy")).toString())
                     .value_or(d.strategy);
    d.weightsLeft = optionalChannelValues(downmix.value(QLatin1String("weights_l")));
    d.weightsRight = optionalChannelValues(downmix.value(QLatin1String("weights_r")));

    preset.ui = json.value(QLatin1String("ui")).toObject();
    return preset;
}

}  // namespace soundlab::presets
