#include "preset_fixtures.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>

namespace soundlab::presets {
namespace {

using testing::directorySnapshot;
using testing::jsonObject;
using testing::ManualClock;

class PresetImportExportTest : public ::testing::Test {
protected:
    std::unique_ptr<PresetStore> openStore(const QString& name = "data") {
        return std::make_unique<PresetStore>(PresetStore::Options{
            PresetStore::directoryFor(root.filePath(name)), &audit, clock.function()});
    }
    QString presetDir(const QString& name = "data") const {
        return PresetStore::directoryFor(root.filePath(name));
    }

    // A store holding "Pad" (id pad-1), "Bass" (id bass-1) and "Lead" (id lead-1).
    std::unique_ptr<PresetStore> populatedStore(const QString& name = "data") {
        auto store = openStore(name);
        for (const char* body :
             {R"({"id": "pad-1", "name": "Pad", "tags": ["soft"], "notes": "original pad"})",
              R"({"id": "bass-1", "name": "Bass", "engine": {"coupling_strength": 0.3}})",
              R"({"id": "lead-1", "name": "Lead"})"}) {
            EXPECT_EQ(store->create(jsonObject(body), CollisionPolicy::Prompt, "t").outcome,
                      PresetOutcome::Created);
            clock.advanceSeconds(1);
        }
        return store;
    }

    // One entry for every action: a new preset, a name collision, an id collision, an invalid
    // entry, one without id, and a repeat of an earlier entry of the same bundle.
    static QJsonObject mixedBundle() {
        return jsonObject(R"({"schema_version": 1, "export_date": "2025-03-01T00:00:00Z",
          "presets": [
            {"id": "new-1", "name": "Fresh"},
            {"id": "elsewhere", "name": "PAD", "tags": ["bright"], "engine": {"coupling_strength": 2}},
            {"id": "bass-1", "name": "Bass", "notes": "imported"},
            {"name": "Broken", "engine": {"frequencies": [1, 2]}, "phi": {"depth": 9}},
            "not an object",
            {"name": "No id"},
            {"name": "fresh", "tags": ["again"]}
          ]})");
    }

    QTemporaryDir root;
    ManualClock clock;
    TestAuditLog sessionAudit{root.filePath("logs")};
    PresetAuditLog& audit = sessionAudit.audit;
};

QStringList actions(const ImportReport& report) {
    QStringList result;
    for (const ImportEntry& entry : report.entries) result.append(toString(entry.action));
    return result;
}

TEST_F(PresetImportExportTest, ExportsAllPresetsNewestFirstAsABundle) {
    auto store = populatedStore();
    const ExportResult result = store->exportBundle({}, "gui");
    ASSERT_EQ(result.outcome, PresetOutcome::Ok);
    EXPECT_EQ(result.bundle.value("schema_version").toInt(), 1);
    EXPECT_EQ(result.bundle.value("export_date").toString(), formatTimestamp(clock.now()));
    const QJsonArray presets = result.bundle.value("presets").toArray();
    ASSERT_EQ(presets.size(), 3);
    EXPECT_EQ(presets.at(0).toObject().value("id"), "lead-1");
    EXPECT_EQ(presets.at(0).toObject(), store->get("lead-1").preset->document);
    EXPECT_TRUE(result.fileName.startsWith("soundlab-presets-"));
    EXPECT_TRUE(result.fileName.endsWith(".json"));
    EXPECT_EQ(result.body(), result.bundle);
}

TEST_F(PresetImportExportTest, ExportsGivenIdsInTheGivenOrderAndNamesMissingOnes) {
    auto store = populatedStore();
    const ExportResult some = store->exportBundle({"pad-1", "lead-1"}, "gui");
    ASSERT_EQ(some.outcome, PresetOutcome::Ok);
    const QJsonArray presets = some.bundle.value("presets").toArray();
    ASSERT_EQ(presets.size(), 2);
    EXPECT_EQ(presets.at(0).toObject().value("id"), "pad-1");

    const ExportResult missing = store->exportBundle({"pad-1", "gone", "../x"}, "gui");
    EXPECT_EQ(missing.outcome, PresetOutcome::NotFound);
    EXPECT_EQ(missing.missingIds, (QStringList{"gone", "../x"}));
    EXPECT_EQ(missing.body().value("error").toObject().value("missing_ids").toArray().size(), 2);
}

TEST_F(PresetImportExportTest, ExportedBundleImportsIntoAnEmptyStoreUnchanged) {
    auto source = populatedStore();
    const QJsonObject bundle = source->exportBundle({}, "gui").bundle;
    auto target = openStore("other");
    const ImportReport report = target->importBundle(bundle, {}, "gui");
    ASSERT_EQ(report.outcome, PresetOutcome::Ok);
    EXPECT_EQ(report.count(PresetAction::Create), 3);
    for (const QJsonValue& value : bundle.value("presets").toArray()) {
        const QJsonObject original = value.toObject();
        const PresetResult imported = target->get(original.value("id").toString());
        ASSERT_EQ(imported.outcome, PresetOutcome::Ok);
        EXPECT_TRUE(PresetDiff::between(original, imported.preset->document).isEmpty());
        EXPECT_EQ(imported.preset->document.value("created_at"), original.value("created_at"));
    }
}

TEST_F(PresetImportExportTest, ReportsEachEntrysActionWithReasonsAndCounts) {
    auto store = populatedStore();
    const ImportReport report =
        store->importBundle(mixedBundle(), {false, CollisionPolicy::NewCopy}, "10.0.0.7");
    ASSERT_EQ(report.outcome, PresetOutcome::Ok);
    EXPECT_EQ(actions(report),
              (QStringList{"create", "copy", "copy", "invalid", "invalid", "create", "copy"}));
    EXPECT_EQ(report.entries[1].name, "PAD (copy)");
    EXPECT_EQ(report.entries[1].existingId, "pad-1");
    EXPECT_EQ(report.entries[2].name, "Bass (copy)");
    EXPECT_NE(report.entries[2].id, "bass-1");
    // The last entry collides with the first entry of the same bundle.
    EXPECT_EQ(report.entries[6].existingId, "new-1");
    EXPECT_EQ(report.entries[6].name, "fresh (copy)");

    // Invalid entries carry all their errors, one by one.
    const ImportEntry& broken = report.entries[3];
    EXPECT_EQ(broken.errors.size(), 2);
    EXPECT_EQ(broken.reasons.size(), 2);
    EXPECT_EQ(report.entries[4].errors.value(0).path, "(root)");

    const QJsonObject counts = report.toJson().value("counts").toObject();
    EXPECT_EQ(counts.value("create").toInt(), 2);
    EXPECT_EQ(counts.value("copy").toInt(), 3);
    EXPECT_EQ(counts.value("invalid").toInt(), 2);
    EXPECT_EQ(counts.value("total").toInt(), 7);
    EXPECT_EQ(store->size(), 3 + 5);
}

TEST_F(PresetImportExportTest, PromptReportsConflictsAndImportsTheRest) {
    auto store = populatedStore();
    const ImportReport report = store->importBundle(mixedBundle(), {}, "t");
    EXPECT_EQ(actions(report), (QStringList{"create", "conflict", "conflict", "invalid", "invalid",
                                            "create", "conflict"}));
    const QJsonObject conflict = report.toJson().value("presets").toArray().at(1).toObject();
    EXPECT_EQ(conflict.value("existing_id"), "pad-1");
    EXPECT_TRUE(conflict.value("diff").toObject().contains("engine.coupling_strength"));
    EXPECT_EQ(store->get("pad-1").preset->preset.notes, "original pad");
    EXPECT_EQ(store->size(), 5);
}

TEST_F(PresetImportExportTest, OverwriteAndMergeApplyToTheCollidingPreset) {
    {
        auto store = populatedStore("overwrite");
        const ImportReport report =
            store->importBundle(mixedBundle(), {false, CollisionPolicy::Overwrite}, "t");
        EXPECT_EQ(actions(report), (QStringList{"create", "overwrite", "overwrite", "invalid",
                                                "invalid", "create", "overwrite"}));
        EXPECT_EQ(store->get("pad-1").preset->preset.tags, QStringList{"bright"});
        EXPECT_EQ(store->get("pad-1").preset->preset.notes, "");
        EXPECT_EQ(store->get("new-1").preset->preset.tags, QStringList{"again"});
        EXPECT_FALSE(store->get("elsewhere").preset);
    }
    {
        auto store = populatedStore("merge");
        const ImportReport report =
            store->importBundle(mixedBundle(), {false, CollisionPolicy::Merge}, "t");
        EXPECT_EQ(actions(report), (QStringList{"create", "merge", "merge", "invalid", "invalid",
                                                "create", "merge"}));
        const Preset pad = store->get("pad-1").preset->preset;
        EXPECT_EQ(pad.tags, (QStringList{"soft", "bright"}));
        EXPECT_EQ(pad.notes, "original pad");
        EXPECT_EQ(pad.engine.couplingStrength, 2.0);
        EXPECT_EQ(store->get("bass-1").preset->preset.engine.couplingStrength, 0.3);
        EXPECT_EQ(store->get("bass-1").preset->preset.notes, "imported");
    }
}

TEST_F(PresetImportExportTest, FilesOnDiskHoldTheLastVersionOfEachImportedPreset) {
    for (CollisionPolicy policy : {CollisionPolicy::Overwrite, CollisionPolicy::Merge}) {
        const QString name = toString(policy);
        QJsonObject inMemory;
        {
            auto store = populatedStore(name);
            store->importBundle(mixedBundle(), {false, policy}, "t");
            inMemory = store->exportBundle({}, "t").bundle;
        }
        auto reopened = openStore(name);
        EXPECT_EQ(reopened->exportBundle({}, "t").bundle.value("presets"),
                  inMemory.value("presets"))
            << name.toStdString();
        EXPECT_TRUE(reopened->stats().damagedFiles.isEmpty());
    }
}

TEST_F(PresetImportExportTest, AFailedWriteIsReportedPerEntryAndStoresNothing) {
    auto store = openStore();
    ASSERT_TRUE(QDir(presetDir()).removeRecursively());
    QFile blocker(presetDir());  // a file where the directory was: nothing can be created
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();

    const ImportReport report = store->importBundle(mixedBundle(), {}, "t");
    EXPECT_EQ(report.count(PresetAction::Create), 4);
    EXPECT_EQ(report.storageFailures(), 4);
    EXPECT_EQ(report.toJson().value("counts").toObject().value("storage_failed").toInt(), 4);
    EXPECT_FALSE(report.entries[0].storageError.isEmpty());
    EXPECT_EQ(store->size(), 0);
}

TEST_F(PresetImportExportTest, DryRunWritesNothing) {
    for (CollisionPolicy policy : {CollisionPolicy::Prompt, CollisionPolicy::Overwrite,
                                   CollisionPolicy::NewCopy, CollisionPolicy::Merge}) {
        const QString name = toString(policy);
        auto store = populatedStore(name);
        const auto before = directorySnapshot(presetDir(name));
        const QJsonObject listedBefore = store->list({}).body();
        const ImportReport report = store->importBundle(mixedBundle(), {true, policy}, "t");
        EXPECT_TRUE(report.dryRun);
        EXPECT_EQ(directorySnapshot(presetDir(name)), before) << name.toStdString();
        EXPECT_EQ(store->list({}).body(), listedBefore);
    }
}

TEST_F(PresetImportExportTest, DryRunReportsExactlyWhatTheRealRunDoes) {
    for (CollisionPolicy policy : {CollisionPolicy::Prompt, CollisionPolicy::Overwrite,
                                   CollisionPolicy::NewCopy, CollisionPolicy::Merge}) {
        auto store = populatedStore(toString(policy));
        QJsonObject dry = store->importBundle(mixedBundle(), {true, policy}, "t").toJson();
        QJsonObject real = store->importBundle(mixedBundle(), {false, policy}, "t").toJson();
        EXPECT_TRUE(dry.value("dry_run").toBool());
        EXPECT_FALSE(real.value("dry_run").toBool());
        dry.remove("dry_run");
        real.remove("dry_run");
        EXPECT_EQ(dry, real) << toString(policy).toStdString();

        // ... and the presets the dry run promised are the ones now stored (a later entry of
        // the bundle may have changed an earlier one: the last word counts).
        QMap<QString, QString> promisedNames;
        for (const QJsonValue& value : dry.value("presets").toArray()) {
            const QJsonObject entry = value.toObject();
            const QString action = entry.value("action").toString();
            if (action == "conflict" || action == "invalid") continue;
            promisedNames.insert(entry.value("id").toString(), entry.value("name").toString());
        }
        for (auto it = promisedNames.begin(); it != promisedNames.end(); ++it) {
            const PresetResult stored = store->get(it.key());
            ASSERT_EQ(stored.outcome, PresetOutcome::Ok) << it.key().toStdString();
            EXPECT_EQ(stored.preset->preset.name, it.value());
        }
    }
}

TEST_F(PresetImportExportTest, ImportsRawBytesAndRefusesBadEnvelopes) {
    auto store = openStore();
    const QByteArray good = R"({"schema_version": 1, "presets": [{"name": "From bytes"}]})";
    EXPECT_EQ(store->importBundle(good, {}, "t").count(PresetAction::Create), 1);

    const ImportReport malformed = store->importBundle(QByteArray("{\"presets\": ["), {}, "t");
    EXPECT_EQ(malformed.outcome, PresetOutcome::Malformed);
    EXPECT_TRUE(malformed.errors.value(0).message.startsWith("not valid JSON"));
    EXPECT_EQ(malformed.toJson().value("error").toObject().value("code"), "malformed");

    QByteArray huge = R"({"presets": [], "pad": ")";
    huge.append(QByteArray(kMaxBundleBytes, 'x'));
    huge.append("\"}");
    EXPECT_EQ(store->importBundle(huge, {}, "t").outcome, PresetOutcome::TooLarge);

    const ImportReport envelope = store->importBundle(
        jsonObject(R"({"schema_version": 2, "presets": {}, "extra": true})"), {}, "t");
    EXPECT_EQ(envelope.outcome, PresetOutcome::Invalid);
    EXPECT_EQ(envelope.errors.size(), 3);
    EXPECT_EQ(
        store->importBundle(jsonObject(R"({"schema_version": 1})"), {}, "t").errors.value(0).path,
        "presets");
    EXPECT_EQ(store->importBundle(QJsonValue(QJsonArray{}), {}, "t").outcome,
              PresetOutcome::Invalid);
    EXPECT_EQ(store->size(), 1);
}

TEST_F(PresetImportExportTest, ImportsAndExportsAreAudited) {
    auto store = populatedStore();
    store->importBundle(mixedBundle(), {true, CollisionPolicy::Merge}, "10.0.0.9");
    store->importBundle(mixedBundle(), {false, CollisionPolicy::Merge}, "10.0.0.9");
    store->exportBundle({"pad-1"}, "gui");
    audit.flush();

    QFile log(audit.filePath());
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    QList<QJsonObject> imports;
    QList<QJsonObject> exports;
    for (const QByteArray& line : log.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value("action") == "import") imports.append(record);
        if (record.value("action") == "export") exports.append(record);
    }
    ASSERT_EQ(imports.size(), 2);
    EXPECT_TRUE(imports[0].value("details").toObject().value("dry_run").toBool());
    EXPECT_FALSE(imports[1].value("details").toObject().value("dry_run").toBool());
    EXPECT_EQ(imports[1].value("client"), "10.0.0.9");
    EXPECT_EQ(imports[1].value("details").toObject().value("counts").toObject().value("merge"), 3);
    ASSERT_EQ(exports.size(), 1);
    EXPECT_EQ(exports[0].value("target"), "pad-1");
}

// new_copy gives each of many same-named presets its own "(copy N)" name, in bundle order.
TEST_F(PresetImportExportTest, NewCopyOfTwoThousandSameNamedPresetsNamesEachUniquely) {
    auto store = openStore();
    ASSERT_EQ(store->create(jsonObject(R"({"name": "Pad"})"), CollisionPolicy::Prompt, "t").outcome,
              PresetOutcome::Created);
    QJsonArray entries;
    for (int i = 0; i < 2000; ++i) entries.append(QJsonObject{{"name", "Pad"}});
    const ImportReport report = store->importBundle(QJsonValue(QJsonObject{{"presets", entries}}),
                                                    {false, CollisionPolicy::NewCopy}, "t");
    ASSERT_EQ(report.outcome, PresetOutcome::Ok);
    ASSERT_EQ(report.entries.size(), 2000);
    QSet<QString> names;
    for (int i = 0; i < 2000; ++i) {
        const QString expected =
            i == 0 ? QStringLiteral("Pad (copy)") : QStringLiteral("Pad (copy %1)").arg(i + 1);
        EXPECT_EQ(report.entries[i].name, expected) << i;
        names.insert(report.entries[i].name.toCaseFolded());
    }
    EXPECT_EQ(names.size(), 2000);
    EXPECT_EQ(store->size(), 2001);
    // A freed copy name is found again.
    const QString freed = report.entries[4].id;  // "Pad (copy 5)"
    ASSERT_EQ(store->remove(freed, {}, "t").outcome, PresetOutcome::Ok);
    const PresetResult again =
        store->create(jsonObject(R"({"name": "Pad"})"), CollisionPolicy::NewCopy, "t");
    EXPECT_EQ(again.preset->preset.name, "Pad (copy 5)");
}

// The search for a free "(copy N)" name is linear in the bundle: 10 000 same-named presets
// (the most a bundle may hold) plan in seconds. Trying every earlier copy for each entry took
// 50 million lookups, minutes on the development VM.
TEST_F(PresetImportExportTest, NewCopyImportOfTheLargestBundleIsLinear) {
    auto store = openStore();
    QJsonArray entries;
    for (int i = 0; i < 10'000; ++i) entries.append(QJsonObject{{"name", "Same"}});
    QElapsedTimer timer;
    timer.start();
    const ImportReport report = store->importBundle(QJsonValue(QJsonObject{{"presets", entries}}),
                                                    {true, CollisionPolicy::NewCopy}, "t");
    const qint64 elapsedMs = timer.elapsed();
    ASSERT_EQ(report.outcome, PresetOutcome::Ok);
    EXPECT_EQ(report.entries.last().name, "Same (copy 9999)");
    EXPECT_LT(elapsedMs, 15'000);
}

TEST_F(PresetImportExportTest, BundleOfMoreThanTenThousandPresetsIsTooLargeAndWritesNothing) {
    auto store = openStore();
    QJsonArray entries;
    for (int i = 0; i <= kMaxBundlePresets; ++i)
        entries.append(QJsonObject{{"name", QString::number(i)}});
    const ImportReport report = store->importBundle(QJsonValue(QJsonObject{{"presets", entries}}),
                                                    {false, CollisionPolicy::NewCopy}, "t");
    EXPECT_EQ(report.outcome, PresetOutcome::TooLarge);
    EXPECT_TRUE(report.toJson().value("error").toObject().value("message").toString().contains(
        "at most 10000"));
    EXPECT_EQ(store->size(), 0);
    EXPECT_TRUE(directorySnapshot(presetDir()).isEmpty());
}

}  // namespace
}  // namespace soundlab::presets
