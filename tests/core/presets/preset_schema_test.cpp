#include "preset_fixtures.h"
#include "presets/Preset.h"
#include "presets/PresetInput.h"
#include "presets/PresetSchema.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <cmath>

namespace soundlab::presets {
namespace {

using testing::jsonObject;
using testing::seedReadmeExample;

// The paths of `errors`, sorted (the order within one document is valijson's).
QStringList paths(const QList<ValidationError>& errors) {
    QStringList result;
    for (const ValidationError& e : errors) result.append(e.path);
    result.sort();
    return result;
}

QString messageAt(const QList<ValidationError>& errors, const QString& path) {
    for (const ValidationError& e : errors) {
        if (e.path == path) return e.message;
    }
    return QStringLiteral("<no error at %1>").arg(path);
}

TEST(PresetSchemaTest, EmbeddedSchemaIsThePublishedFile) {
    QFile file(QStringLiteral(SOUNDLAB_PRESET_SCHEMA_PATH));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), PresetSchema::instance().text());
    EXPECT_EQ(PresetSchema::instance().document().value("$schema").toString(),
              "https://json-schema.org/draft/2020-12/schema");
}

// valijson implements draft 7; the schema must not rely on a 2020-12 keyword it would ignore.
TEST(PresetSchemaTest, UsesOnlyKeywordsValijsonUnderstands) {
    const QSet<QString> understood{"$schema",
                                   "$id",
                                   "$ref",
                                   "$defs",
                                   "title",
                                   "description",
                                   "default",
                                   "type",
                                   "properties",
                                   "required",
                                   "additionalProperties",
                                   "const",
                                   "enum",
                                   "minimum",
                                   "maximum",
                                   "minLength",
                                   "maxLength",
                                   "pattern",
                                   "minItems",
                                   "maxItems",
                                   "items"};
    QStringList unknown;
    std::function<void(const QJsonObject&, bool)> walk = [&](const QJsonObject& node,
                                                             bool isSchema) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (isSchema && !understood.contains(it.key())) unknown.append(it.key());
            if (it.key() == "default" || it.key() == "enum" || it.key() == "const") continue;
            const bool childrenAreSchemas = it.key() == "properties" || it.key() == "$defs";
            if (it.value().isObject()) walk(it.value().toObject(), !childrenAreSchemas);
        }
    };
    walk(PresetSchema::instance().document(), true);
    EXPECT_TRUE(unknown.isEmpty()) << unknown.join(", ").toStdString();
}

// A pattern cannot be shown to people, so error messages use the node's description instead.
TEST(PresetSchemaTest, EveryPatternComesWithADescription) {
    int patterns = 0;
    std::function<void(const QJsonValue&)> walk = [&](const QJsonValue& value) {
        const QJsonObject node = value.toObject();
        if (node.contains("pattern")) {
            ++patterns;
            EXPECT_FALSE(node.value("description").toString().isEmpty())
                << node.value("pattern").toString().toStdString();
        }
        for (const QJsonValue& child : node) {
            if (child.isObject()) walk(child);
        }
    };
    walk(PresetSchema::instance().document());
    EXPECT_EQ(patterns, 3);  // id, name, timestamp
}

TEST(PresetSchemaTest, SeedReadmeExampleIsAcceptedAndCompletedWithDefaults) {
    const PresetInput input = PresetInput::parse(seedReadmeExample());
    ASSERT_TRUE(input.isValid()) << input.errors.value(0).toString().toStdString();

    const QJsonObject& doc = input.document;
    EXPECT_EQ(doc.value("schema_version").toInt(), 1);
    EXPECT_FALSE(doc.contains("id"));  // the store assigns it
    EXPECT_FALSE(doc.contains("created_at"));
    EXPECT_EQ(doc.value("author").toString(), "");
    EXPECT_EQ(doc.value("notes").toString(), "");
    const QJsonObject engine = doc.value("engine").toObject();
    EXPECT_EQ(engine.value("sample_rate").toInt(), 48000);
    EXPECT_EQ(engine.value("num_channels").toInt(), 8);
    EXPECT_EQ(engine.value("coupling_strength").toDouble(), 1.5);  // sent values are kept
    EXPECT_EQ(engine.value("amplitudes").toArray().at(7).toDouble(), 0.25);
    const QJsonObject phi = doc.value("phi").toObject();
    EXPECT_EQ(phi.value("mode").toString(), "audio");
    EXPECT_EQ(phi.value("phase").toDouble(), 0.0);
    EXPECT_TRUE(phi.value("frequency").isNull());
    EXPECT_EQ(doc.value("downmix").toObject().keys(), QStringList{"strategy"});
    EXPECT_EQ(doc.value("ui").toObject(), QJsonObject());
}

TEST(PresetSchemaTest, DefaultsAreTheTypedModelsDefaults) {
    const QJsonObject completed =
        PresetSchema::instance().withDefaults(jsonObject(R"({"name": "n"})"));
    EXPECT_TRUE(PresetSchema::instance().validate(completed).isEmpty());
    Preset expected;
    expected.name = "n";
    EXPECT_EQ(Preset::fromJson(completed), expected);
}

TEST(PresetSchemaTest, DefaultFrequenciesAreHalfPhiPowers) {
    const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
    const Preset preset;
    for (int k = 0; k < kPresetChannelCount; ++k) {
        EXPECT_NEAR(preset.engine.frequencies[k], 0.5 * std::pow(phi, k), 1e-12) << k;
    }
    EXPECT_NEAR(preset.phi.depth, phi - 1.0, 1e-12);
}

TEST(PresetSchemaTest, ReportsEveryErrorAtOnceWithPathAndAllowedRange) {
    const QJsonObject body = jsonObject(R"({
      "name": "",
      "tags": ["ok", ""],
      "engine": {"sample_rate": 22050, "frequencies": [0.5, 0.8, 25, 2, 3, 5, 8, 14],
                 "coupling_strength": -0.1},
      "phi": {"mode": "random", "depth": 2, "frequency": 0},
      "downmix": {"strategy": "spatial", "weights_l": [1, 1]}
    })");
    const QList<ValidationError> errors = PresetInput::parse(body).errors;

    EXPECT_EQ(messageAt(errors, "name"),
              "must be 1 to 128 characters, not only whitespace; got \"\"");
    EXPECT_EQ(messageAt(errors, "tags[1]"), "must be a string of 1 to 64 characters; got \"\"");
    EXPECT_EQ(messageAt(errors, "engine.sample_rate"),
              "must be one of 44100, 48000, 96000; got 22050");
    EXPECT_EQ(messageAt(errors, "engine.frequencies[2]"), "must be a number in [0.01, 20]; got 25");
    EXPECT_EQ(messageAt(errors, "engine.coupling_strength"),
              "must be a number in [0, 2]; got -0.1");
    EXPECT_EQ(messageAt(errors, "phi.mode"),
              "must be one of \"manual\", \"audio\", \"midi\", \"sensor\", \"internal\"; got "
              "\"random\"");
    EXPECT_EQ(messageAt(errors, "phi.depth"), "must be a number in [0, 1.61803398875]; got 2");
    EXPECT_EQ(messageAt(errors, "phi.frequency"), "must be null or a number in [0.01, 10]; got 0");
    EXPECT_EQ(messageAt(errors, "downmix.weights_l"),
              "must be an array of exactly 8 items, each a number in [0, 1]; got an array of 2 "
              "items");
    EXPECT_EQ(errors.size(), 9) << paths(errors).join(", ").toStdString();
}

TEST(PresetSchemaTest, TwoFailingKeywordsOnOneValueGiveOneError) {
    const auto errors = PresetInput::parse(jsonObject(R"({"name": "x",
        "engine": {"sample_rate": 48000.5}})"))
                            .errors;
    ASSERT_EQ(errors.size(), 1);
    EXPECT_EQ(errors[0].toString(),
              "engine.sample_rate: must be one of 44100, 48000, 96000; got 48000.5");
}

TEST(PresetSchemaTest, UnknownKeysAreErrorsAtEveryLevelButUi) {
    const auto errors = PresetInput::parse(jsonObject(R"({"name": "x", "colour": "red",
        "engine": {"gain": 1}, "phi": {"rate": 1}, "downmix": {"weights": []},
        "ui": {"anything": {"goes": [1, 2]}}})"))
                            .errors;
    EXPECT_EQ(paths(errors), (QStringList{"colour", "downmix.weights", "engine.gain", "phi.rate"}));
    EXPECT_EQ(messageAt(errors, "phi.rate"),
              "unknown key; allowed keys here: depth, frequency, mode, phase");
}

TEST(PresetSchemaTest, MissingNameIsRequired) {
    const auto errors = PresetInput::parse(jsonObject(R"({"tags": []})")).errors;
    ASSERT_EQ(errors.size(), 1);
    EXPECT_EQ(errors[0].toString(), "name: is required: 1 to 128 characters, not only whitespace");
}

TEST(PresetSchemaTest, DocumentThatIsNotAnObjectIsRejectedAtTheRoot) {
    const auto errors = PresetInput::parse(QJsonValue(QJsonArray{1, 2})).errors;
    ASSERT_EQ(errors.size(), 1);
    EXPECT_EQ(errors[0].toString(), "(root): must be an object; got an array of 2 items");
}

TEST(PresetSchemaTest, WrongTypesNameTheExpectedType) {
    const auto errors = PresetInput::parse(jsonObject(R"({"name": 7, "engine": "loud",
        "tags": "a"})"))
                            .errors;
    EXPECT_EQ(messageAt(errors, "name"), "must be 1 to 128 characters, not only whitespace; got 7");
    EXPECT_EQ(messageAt(errors, "engine"), "must be an object; got \"loud\"");
    EXPECT_EQ(messageAt(errors, "tags"),
              "must be an array of at most 32 items, each a string of 1 to 64 characters; got "
              "\"a\"");
}

TEST(PresetSchemaTest, IdsThatCouldNameAPathAreRejected) {
    for (const QString& id : {QString("../etc/passwd"), QString("a/b"), QString("a.json"),
                              QString(), QString("with space"), QString(65, 'x')}) {
        QJsonObject body = jsonObject(R"({"name": "x"})");
        body.insert("id", id);
        const auto errors = PresetInput::parse(body).errors;
        ASSERT_EQ(errors.size(), 1) << id.toStdString();
        EXPECT_EQ(errors[0].path, "id");
        EXPECT_TRUE(errors[0].message.startsWith("must be 1 to 64 letters, digits, '_' or '-'"));
    }
    QJsonObject ok = jsonObject(R"({"name": "x", "id": "Abc_def-0123"})");
    EXPECT_TRUE(PresetInput::parse(ok).isValid());
    ok.insert("id", QString(64, 'x'));
    EXPECT_TRUE(PresetInput::parse(ok).isValid());
}

TEST(PresetSchemaTest, RangeBoundariesAreInsideAndJustBeyondAreOutside) {
    const double phi = 1.618033988749895;
    const double twoPi = 6.283185307179586;
    QJsonObject edge = jsonObject(R"({"name": "edges",
        "engine": {"frequencies": [0.01, 20, 0.01, 20, 0.01, 20, 0.01, 20],
                   "amplitudes": [0, 1, 0, 1, 0, 1, 0, 1], "coupling_strength": 2,
                   "sample_rate": 96000},
        "phi": {"frequency": 10, "phase": 0}, "downmix": {"weights_r": [0, 0, 0, 0, 1, 1, 1, 1]}})");
    QJsonObject phiObject = edge.value("phi").toObject();
    phiObject.insert("depth", phi);
    phiObject.insert("phase", -twoPi);
    edge.insert("phi", phiObject);
    EXPECT_TRUE(PresetInput::parse(edge).isValid());

    phiObject.insert("depth", phi + 1e-9);
    phiObject.insert("phase", twoPi + 1e-9);
    phiObject.insert("frequency", 10.000001);
    edge.insert("phi", phiObject);
    EXPECT_EQ(paths(PresetInput::parse(edge).errors),
              (QStringList{"phi.depth", "phi.frequency", "phi.phase"}));
}

TEST(PresetSchemaTest, TextLimitsAreEnforced) {
    QJsonObject body = jsonObject(R"({"name": "x"})");
    body.insert("name", QString(128, 'n'));
    body.insert("notes", QString(4096, 'n'));
    QJsonArray tags;
    for (int i = 0; i < 32; ++i) tags.append(QString(64, QChar('a' + i % 26)));
    body.insert("tags", tags);
    EXPECT_TRUE(PresetInput::parse(body).isValid());

    body.insert("name", QString(129, 'n'));
    body.insert("notes", QString(4097, 'n'));
    tags.append("one-too-many");
    body.insert("tags", tags);
    EXPECT_EQ(paths(PresetInput::parse(body).errors), (QStringList{"name", "notes", "tags"}));
}

TEST(PresetSchemaTest, TimestampsMustBeRealIsoDates) {
    QJsonObject body = jsonObject(R"({"name": "x", "created_at": "2025-02-30T10:00:00Z",
        "modified_at": "yesterday"})");
    const auto errors = PresetInput::parse(body).errors;
    EXPECT_EQ(paths(errors), (QStringList{"created_at", "modified_at"}));
    EXPECT_TRUE(messageAt(errors, "modified_at").startsWith("must be an ISO 8601 UTC date-time"));
    EXPECT_TRUE(messageAt(errors, "created_at").startsWith("must be a real calendar date-time"));

    // The seed server wrote naive UTC times with microseconds; those are accepted.
    body.insert("created_at", "2024-01-15T10:30:00.123456");
    body.insert("modified_at", "2024-01-15T12:30:00+02:00");
    EXPECT_TRUE(PresetInput::parse(body).isValid());
}

}  // namespace
}  // namespace soundlab::presets
