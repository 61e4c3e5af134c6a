#include "api/JsonSchema.h"

#include <gtest/gtest.h>
#include <QJsonArray>

using namespace soundlab::api;

namespace {

QJsonObject deviceSchema() {
    using namespace schema;
    return object({{"sample_rate", integer(44100, 96000)},
                   {"name", string()},
                   {"mode", stringEnum({"manual", "audio"})},
                   {"weights", arrayOf(number(0, 1))},
                   {"device", withTypes(string(), {"string", "integer"})}},
                  {"sample_rate"});
}

}  // namespace

TEST(JsonSchema, AcceptsAValidObject) {
    const QJsonObject value{{"sample_rate", 48000},
                            {"mode", "audio"},
                            {"weights", QJsonArray{0.0, 0.5, 1.0}},
                            {"device", 3}};
    EXPECT_FALSE(schema::validate(value, deviceSchema()));
}

TEST(JsonSchema, NamesTheMissingRequiredField) {
    const auto v = schema::validate(QJsonObject{{"name", "x"}}, deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->path, "sample_rate");
    EXPECT_EQ(v->message, "is required");
}

TEST(JsonSchema, RejectsUnknownFieldsOfAClosedObject) {
    const auto v =
        schema::validate(QJsonObject{{"sample_rate", 48000}, {"bogus", 1}}, deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->path, "bogus");
}

TEST(JsonSchema, RejectsWrongTypesAndSaysWhichTypeWasExpected) {
    const auto v = schema::validate(QJsonObject{{"sample_rate", "48000"}}, deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->message.contains("integer")) << v->message.toStdString();
}

TEST(JsonSchema, IntegerRejectsFractions) {
    EXPECT_TRUE(schema::validate(QJsonObject{{"sample_rate", 48000.5}}, deviceSchema()));
}

TEST(JsonSchema, ChecksRangesEnumsAndArrayItemsWithTheirPath) {
    auto v = schema::validate(QJsonObject{{"sample_rate", 8000}}, deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->path, "sample_rate");

    v = schema::validate(QJsonObject{{"sample_rate", 48000}, {"mode", "midi"}}, deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->path, "mode");

    v = schema::validate(QJsonObject{{"sample_rate", 48000}, {"weights", QJsonArray{0.1, 1.5}}},
                         deviceSchema());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->path, "weights[1]");
}

TEST(JsonSchema, AcceptsEitherOfSeveralTypes) {
    EXPECT_FALSE(schema::validate(QJsonObject{{"sample_rate", 48000}, {"device", "virtual"}},
                                  deviceSchema()));
    EXPECT_TRUE(
        schema::validate(QJsonObject{{"sample_rate", 48000}, {"device", true}}, deviceSchema()));
}
