#include "preset_fixtures.h"
#include "presets/PresetInput.h"
#include "presets/PresetMerge.h"
#include "presets/PresetSchema.h"

#include <gtest/gtest.h>
#include <QJsonArray>

namespace soundlab::presets {
namespace {

using testing::jsonObject;

QJsonObject stored() {
    return PresetSchema::instance().withDefaults(jsonObject(R"({
      "id": "stored-1", "name": "Warm pad", "tags": ["pad", "Warm"], "notes": "keep me",
      "created_at": "2025-01-10T00:00:00.000Z", "modified_at": "2025-01-11T00:00:00.000Z",
      "engine": {"sample_rate": 96000, "coupling_strength": 0.5},
      "phi": {"mode": "midi", "depth": 1.0},
      "ui": {"colour": "red", "layout": {"split": 0.3}}
    })"));
}

TEST(PresetMergeTest, PresentFieldsOverrideAndAbsentOnesAreKept) {
    const QJsonObject merged = mergePresets(
        stored(), jsonObject(R"({"name": "warm PAD", "engine": {"coupling_strength": 1.5}})"));
    const QJsonObject engine = merged.value("engine").toObject();
    EXPECT_EQ(engine.value("coupling_strength").toDouble(), 1.5);
    EXPECT_EQ(engine.value("sample_rate").toInt(), 96000);  // absent in incoming: kept
    EXPECT_EQ(merged.value("name").toString(), "warm PAD");
    EXPECT_EQ(merged.value("notes").toString(), "keep me");
    EXPECT_EQ(merged.value("phi").toObject().value("mode").toString(), "midi");
    EXPECT_TRUE(PresetInput::parse(merged).isValid());
}

TEST(PresetMergeTest, FreeFormUiMergesKeyByKey) {
    const QJsonObject merged =
        mergePresets(stored(), jsonObject(R"({"ui": {"layout": {"zoom": 2}}})"));
    EXPECT_EQ(merged.value("ui").toObject(),
              jsonObject(R"({"colour": "red", "layout": {"split": 0.3, "zoom": 2}})"));
}

TEST(PresetMergeTest, ArraysOtherThanTagsAreReplacedWhole) {
    const QJsonObject merged = mergePresets(
        stored(), jsonObject(R"({"engine": {"amplitudes": [0, 0, 0, 0, 0, 0, 0, 0.5]}})"));
    EXPECT_EQ(merged.value("engine").toObject().value("amplitudes").toArray(),
              (QJsonArray{0, 0, 0, 0, 0, 0, 0, 0.5}));
}

TEST(PresetMergeTest, TagsAreUnionedIgnoringCase) {
    const QJsonObject merged =
        mergePresets(stored(), jsonObject(R"({"tags": ["warm", "bright", "PAD", "bright"]})"));
    EXPECT_EQ(merged.value("tags").toArray(), (QJsonArray{"pad", "Warm", "bright"}));
}

TEST(PresetMergeTest, CreatedAtKeepsTheEarlier) {
    EXPECT_EQ(mergePresets(stored(), jsonObject(R"({"created_at": "2024-12-31T23:59:59Z"})"))
                  .value("created_at"),
              "2024-12-31T23:59:59Z");
    EXPECT_EQ(mergePresets(stored(), jsonObject(R"({"created_at": "2025-06-01T00:00:00Z"})"))
                  .value("created_at"),
              "2025-01-10T00:00:00.000Z");
    EXPECT_EQ(mergePresets(stored(), jsonObject(R"({})")).value("created_at"),
              "2025-01-10T00:00:00.000Z");
}

TEST(PresetMergeTest, KeepsTheExistingIdAndModifiedAt) {
    const QJsonObject merged = mergePresets(
        stored(), jsonObject(R"({"id": "other", "modified_at": "2030-01-01T00:00:00Z"})"));
    EXPECT_EQ(merged.value("id"), "stored-1");
    EXPECT_EQ(merged.value("modified_at"), "2025-01-11T00:00:00.000Z");
}

}  // namespace
}  // namespace soundlab::presets
