#include "preset_fixtures.h"
#include "presets/PresetRequestParameters.h"

#include <gtest/gtest.h>

namespace soundlab::presets {
namespace {

TEST(PresetRequestParametersTest, ListParametersHaveDefaults) {
    const ListParameters parameters = parseListParameters(QUrlQuery());
    EXPECT_TRUE(parameters.errors.isEmpty());
    EXPECT_EQ(parameters.query.limit, kDefaultListLimit);
    EXPECT_TRUE(parameters.query.query.isEmpty());
}

TEST(PresetRequestParametersTest, ListParametersDecodeFormEncoding) {
    const ListParameters parameters =
        parseListParameters(QUrlQuery("query=warm+pad%2B&tag=f%C3%BC%C3%9F&limit=200"));
    EXPECT_TRUE(parameters.errors.isEmpty());
    EXPECT_EQ(parameters.query.query, "warm pad+");
    EXPECT_EQ(parameters.query.tag, QString::fromUtf8("füß"));
    EXPECT_EQ(parameters.query.limit, 200);
}

TEST(PresetRequestParametersTest, LimitOutsideOneToTwoHundredIsAnError) {
    for (const char* limit : {"0", "201", "-5", "ten", "", "1.5"}) {
        const ListParameters parameters =
            parseListParameters(QUrlQuery(QStringLiteral("limit=") + limit));
        ASSERT_EQ(parameters.errors.size(), 1) << limit;
        EXPECT_EQ(parameters.errors[0].path, "limit");
        EXPECT_TRUE(parameters.errors[0].message.startsWith("must be an integer in [1, 200]"));
    }
}

TEST(PresetRequestParametersTest, CollisionPolicyIsCheckedAndDefaultsToPrompt) {
    EXPECT_EQ(parseCollisionParameter(QUrlQuery()).policy, CollisionPolicy::Prompt);
    EXPECT_EQ(parseCollisionParameter(QUrlQuery("collision=new_copy")).policy,
              CollisionPolicy::NewCopy);
    const CollisionParameter bad = parseCollisionParameter(QUrlQuery("collision=replace"));
    ASSERT_EQ(bad.errors.size(), 1);
    EXPECT_EQ(bad.errors[0].path, "collision");
}

TEST(PresetRequestParametersTest, ImportParametersReportAllErrorsAtOnce) {
    const ImportParameters good = parseImportParameters(QUrlQuery("dry_run=true&collision=merge"));
    EXPECT_TRUE(good.errors.isEmpty());
    EXPECT_TRUE(good.options.dryRun);
    EXPECT_EQ(good.options.collision, CollisionPolicy::Merge);
    EXPECT_FALSE(parseImportParameters(QUrlQuery("dry_run=0")).options.dryRun);
    EXPECT_FALSE(parseImportParameters(QUrlQuery()).options.dryRun);

    const ImportParameters bad = parseImportParameters(QUrlQuery("dry_run=maybe&collision=x"));
    EXPECT_EQ(bad.errors.size(), 2);
}

TEST(PresetRequestParametersTest, IdsMayBeCommaSeparatedOrRepeated) {
    EXPECT_EQ(parseIdsParameter(QUrlQuery("ids=a,b&ids=c")), (QStringList{"a", "b", "c"}));
    EXPECT_TRUE(parseIdsParameter(QUrlQuery()).isEmpty());
}

}  // namespace
}  // namespace soundlab::presets
