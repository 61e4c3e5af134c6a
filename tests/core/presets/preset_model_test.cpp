#include "preset_fixtures.h"
#include "presets/CollisionPolicy.h"
#include "presets/EntityTag.h"
#include "presets/Preset.h"
#include "presets/PresetInput.h"
#include "presets/PresetOutcome.h"

#include <gtest/gtest.h>
#include <QTimeZone>

namespace soundlab::presets {
namespace {

using testing::jsonObject;

const char* kFullPreset = R"({
  "schema_version": 1,
  "id": "full-1",
  "name": "Full",
  "tags": ["a", "B"],
  "created_at": "2025-01-02T03:04:05.678Z",
  "modified_at": "2025-02-03T04:05:06.789Z",
  "author": "tester",
  "notes": "all fields set",
  "engine": {"sample_rate": 96000, "num_channels": 8,
             "frequencies": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 19.5],
             "amplitudes": [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0],
             "coupling_strength": 0.25},
  "phi": {"mode": "internal", "depth": 1.2, "phase": -3.1, "frequency": 0.1},
  "downmix": {"strategy": "phi", "weights_l": [1, 1, 1, 1, 0, 0, 0, 0],
              "weights_r": [0, 0, 0, 0, 1, 1, 1, 1]},
  "ui": {"colour": "#ff8800", "panels": [1, 2]}
})";

TEST(PresetModelTest, TypedFormRoundTripsAFullDocumentLosslessly) {
    const QJsonObject document = jsonObject(kFullPreset);
    ASSERT_TRUE(PresetInput::parse(document).isValid());
    const Preset preset = Preset::fromJson(document);
    EXPECT_EQ(preset.engine.sampleRate, 96000);
    EXPECT_EQ(preset.engine.frequencies[7], 19.5);
    EXPECT_EQ(preset.phi.mode, PhiMode::Internal);
    ASSERT_TRUE(preset.phi.frequency.has_value());
    EXPECT_EQ(*preset.phi.frequency, 0.1);
    EXPECT_EQ(preset.downmix.strategy, DownmixStrategy::Phi);
    ASSERT_TRUE(preset.downmix.weightsRight.has_value());
    EXPECT_EQ((*preset.downmix.weightsRight)[4], 1.0);
    EXPECT_EQ(preset.createdAt, QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5, 678), Qt::UTC));
    EXPECT_EQ(preset.toJson(), document);
}

TEST(PresetModelTest, AbsentIdentityIsLeftOutOfTheDocument) {
    Preset preset;
    preset.name = "Live";
    const QJsonObject json = preset.toJson();
    EXPECT_FALSE(json.contains("id"));
    EXPECT_FALSE(json.contains("created_at"));
    EXPECT_TRUE(json.value("phi").toObject().value("frequency").isNull());
    EXPECT_FALSE(json.value("downmix").toObject().contains("weights_l"));
    EXPECT_TRUE(PresetInput::parse(json).isValid());
}

TEST(PresetModelTest, TimestampsAreWrittenInUtcWithMilliseconds) {
    const QDateTime berlin = QDateTime(QDate(2025, 6, 1), QTime(14, 0), QTimeZone(7200));
    EXPECT_EQ(formatTimestamp(berlin), "2025-06-01T12:00:00.000Z");
    EXPECT_EQ(parseTimestamp("2025-06-01T14:00:00+02:00"), berlin);
    EXPECT_EQ(parseTimestamp("2025-06-01T12:00:00"),  // naive: UTC, not local time
              QDateTime(QDate(2025, 6, 1), QTime(12, 0), Qt::UTC));
    EXPECT_FALSE(parseTimestamp("2025-02-29T00:00:00Z").isValid());
    EXPECT_FALSE(parseTimestamp("").isValid());
}

TEST(PresetModelTest, EnumNamesConvertBothWays) {
    for (PhiMode mode :
         {PhiMode::Manual, PhiMode::Audio, PhiMode::Midi, PhiMode::Sensor, PhiMode::Internal}) {
        EXPECT_EQ(phiModeFromString(toString(mode)), mode);
    }
    for (DownmixStrategy strategy : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                     DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        EXPECT_EQ(downmixStrategyFromString(toString(strategy)), strategy);
    }
    EXPECT_EQ(phiModeFromString("Manual"), std::nullopt);
    EXPECT_EQ(collisionPolicyFromString("new_copy"), CollisionPolicy::NewCopy);
    EXPECT_EQ(toString(CollisionPolicy::Merge), "merge");
    EXPECT_EQ(collisionPolicyFromString("copy"), std::nullopt);
}

TEST(PresetModelTest, OutcomesMapToHttpStatuses) {
    EXPECT_EQ(httpStatus(PresetOutcome::Created), 201);
    EXPECT_EQ(httpStatus(PresetOutcome::Conflict), 409);
    EXPECT_EQ(httpStatus(PresetOutcome::Invalid), 422);
    EXPECT_EQ(httpStatus(PresetOutcome::PreconditionFailed), 412);
    EXPECT_EQ(httpStatus(PresetOutcome::TooLarge), 413);
    EXPECT_EQ(toString(PresetOutcome::PreconditionFailed), "precondition_failed");
}

TEST(PresetModelTest, EntityTagFollowsContent) {
    QJsonObject document = jsonObject(kFullPreset);
    const QString tag = entityTag(document);
    EXPECT_TRUE(tag.startsWith('"') && tag.endsWith('"'));
    EXPECT_EQ(entityTag(jsonObject(kFullPreset)), tag);
    document.insert("notes", "changed");
    EXPECT_NE(entityTag(document), tag);
}

TEST(PresetModelTest, IfMatchAcceptsTheCurrentTagInAnyCommonSpelling) {
    const QString tag = "\"0123abcd\"";
    EXPECT_TRUE(ifMatchAccepts("\"0123abcd\"", tag));
    EXPECT_TRUE(ifMatchAccepts("0123abcd", tag));
    EXPECT_TRUE(ifMatchAccepts("W/\"0123abcd\"", tag));
    EXPECT_TRUE(ifMatchAccepts("\"ffff\", \"0123abcd\"", tag));
    EXPECT_TRUE(ifMatchAccepts("*", tag));
    EXPECT_FALSE(ifMatchAccepts("\"ffff\"", tag));
    EXPECT_FALSE(ifMatchAccepts("\"0123abc\"", tag));
}

}  // namespace
}  // namespace soundlab::presets
