#include "preset_fixtures.h"
#include "presets/PresetDiff.h"
#include "presets/PresetSchema.h"

#include <gtest/gtest.h>
#include <QJsonArray>

namespace soundlab::presets {
namespace {

using testing::jsonObject;

QJsonObject complete(const char* text) {
    return PresetSchema::instance().withDefaults(jsonObject(text));
}

TEST(PresetDiffTest, SameSettingsUnderAnotherIdAndTimeDoNotDiffer) {
    const QJsonObject a = complete(R"({"name": "x", "id": "a", "created_at":
        "2025-01-01T00:00:00.000Z", "modified_at": "2025-01-01T00:00:00.000Z"})");
    const QJsonObject b = complete(R"({"name": "x", "created_at": "2025-02-01T00:00:00.000Z",
        "modified_at": "2025-03-01T00:00:00.000Z"})");
    EXPECT_TRUE(PresetDiff::between(a, b).isEmpty());
}

TEST(PresetDiffTest, NamesDottedPathsWithArrayIndices) {
    const QJsonObject a = complete(R"({"name": "a", "engine": {"coupling_strength": 1,
        "frequencies": [1, 2, 3, 4, 5, 6, 7, 8]}, "phi": {"mode": "manual"}})");
    const QJsonObject b = complete(R"({"name": "b", "engine": {"coupling_strength": 1.5,
        "frequencies": [1, 2, 3.5, 4, 5, 6, 7, 8]}, "phi": {"mode": "audio"}})");
    const PresetDiff diff = PresetDiff::between(a, b);
    EXPECT_EQ(diff.paths(), (QStringList{"engine.coupling_strength", "engine.frequencies[2]",
                                         "name", "phi.mode"}));
    const QJsonObject json = diff.toJson();
    EXPECT_EQ(json.value("engine.frequencies[2]").toArray(), (QJsonArray{3, 3.5}));
    EXPECT_EQ(json.value("engine.coupling_strength").toArray(), (QJsonArray{1, 1.5}));
    EXPECT_EQ(json.value("phi.mode").toArray(), (QJsonArray{"manual", "audio"}));
}

TEST(PresetDiffTest, ArraysOfDifferentLengthDifferAsAWhole) {
    const PresetDiff diff = PresetDiff::between(complete(R"({"name": "x", "tags": ["a"]})"),
                                                complete(R"({"name": "x", "tags": ["a", "b"]})"));
    ASSERT_EQ(diff.paths(), QStringList{"tags"});
    EXPECT_EQ(diff.toJson().value("tags").toArray(),
              (QJsonArray{QJsonArray{"a"}, QJsonArray{"a", "b"}}));
}

TEST(PresetDiffTest, AFieldOnOneSideOnlyShowsNullForTheOther) {
    const PresetDiff diff = PresetDiff::between(
        complete(R"({"name": "x", "downmix": {"weights_l": [1, 1, 1, 1, 1, 1, 1, 1]}})"),
        complete(R"({"name": "x"})"));
    ASSERT_EQ(diff.paths(), QStringList{"downmix.weights_l"});
    EXPECT_TRUE(diff.differences()[0].b.isUndefined());
    EXPECT_TRUE(diff.toJson().value("downmix.weights_l").toArray().at(1).isNull());
}

}  // namespace
}  // namespace soundlab::presets
