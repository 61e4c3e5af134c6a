#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <array>
#include <optional>

namespace soundlab::presets {

inline constexpr int kPresetSchemaVersion = 1;
inline constexpr int kPresetChannelCount = 8;
using ChannelValues = std::array<double, kPresetChannelCount>;

enum class PhiMode { Manual, Audio, Midi, Sensor, Internal };
enum class DownmixStrategy { Spatial, Energy, Linear, Phi };

QString toString(PhiMode mode);
QString toString(DownmixStrategy strategy);
std::optional<PhiMode> phiModeFromString(const QString& text);
std::optional<DownmixStrategy> downmixStrategyFromString(const QString& text);

// The member initialisers below equal the schema's defaults (a test keeps them in step), so a
// default-constructed preset with a name is a valid one.

// The D-ASE engine part of a preset (SPEC §2).
struct EngineSettings {
    int sampleRate = 48000;
    int numChannels = kPresetChannelCount;
    // Hz, [0.01, 20]; default 0.5·Φ^k
    ChannelValues frequencies{0.5,
                              0.8090169943749475,
                              1.3090169943749475,
                              2.118033988749895,
                              3.427050983124843,
                              5.545084971874738,
                              8.972135954999581,
                              14.51722092687432};
    // [0, 1]; default falling with k, as the engine's (the seed's example preset)
    ChannelValues amplitudes{1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65};
    double couplingStrength = 1.0;  // [0, 2]
    // One crossover band per cell (issue 9). Optional in the schema; a preset without it (every
    // preset written before it existed) reads as true. Written only when false.
    bool bandSplit = true;

    bool operator==(const EngineSettings&) const = default;
};

// The Φ controller part (SPEC §4).
struct PhiSettings {
    PhiMode mode = PhiMode::Manual;
    double depth = 0.6180339887498949;  // [0, Φ]; default Φ − 1
    double phase = 0.0;                 // radians, [−2π, 2π]
    std::optional<double> frequency;    // internal oscillator, Hz; nullopt keeps the source's own

    bool operator==(const PhiSettings&) const = default;
};

// The 8 → stereo downmix part (SPEC §3). Custom weights override the strategy's.
struct DownmixSettings {
    DownmixStrategy strategy = DownmixStrategy::Spatial;
    std::optional<ChannelValues> weightsLeft;
    std::optional<ChannelValues> weightsRight;

    bool operator==(const DownmixSettings&) const = default;
};

// A preset of schema v1 in typed form, for code that applies it (engine, GUI). The JSON form is
// the exchange format; both convert losslessly for valid presets.
struct Preset {
    int schemaVersion = kPresetSchemaVersion;
    QString id;  // empty for a preset that is not stored (e.g. an A/B slot's live state)
    QString name;
    QStringList tags;
    QDateTime createdAt;   // UTC; invalid when not stored
    QDateTime modifiedAt;  // UTC; invalid when not stored
    QString author;
    QString notes;
    EngineSettings engine;
    PhiSettings phi;
    DownmixSettings downmix;
    QJsonObject ui;  // free-form, owned by the user interface

    bool operator==(const Preset&) const = default;

    // The schema v1 document. Every field is written (absent id and timestamps are left out), so
    // the result is complete and valid whenever this preset came from a valid document.
    QJsonObject toJson() const;

    // Reads a document that PresetSchema has validated and completed with defaults (anything
    // missing keeps the member's default).
    static Preset fromJson(const QJsonObject& json);
};

// Timestamps as the schema writes them: UTC, millisecond precision, "Z" suffix.
QString formatTimestamp(const QDateTime& time);
// Parses any ISO 8601 form the schema accepts; a time without offset is taken as UTC. Returns an
// invalid QDateTime for a string that is not a real calendar time (e.g. 2025-02-30).
QDateTime parseTimestamp(const QString& text);

}  // namespace soundlab::presets
