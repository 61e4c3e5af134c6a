#include "preset_fixtures.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryDir>
#include <thread>
#include <vector>

namespace soundlab::presets {
namespace {

using testing::directorySnapshot;
using testing::jsonObject;
using testing::ManualClock;
using testing::seedReadmeExample;

class PresetStoreTest : public ::testing::Test {
protected:
    std::unique_ptr<PresetStore> openStore(PresetAuditLog* audit = nullptr) {
        return std::make_unique<PresetStore>(
            PresetStore::Options{presetDir(), audit, clock.function()});
    }
    QString presetDir() const { return PresetStore::directoryFor(dataDir.path()); }
    QString presetFile(const QString& id) const { return QDir(presetDir()).filePath(id + ".json"); }

    StoredPreset create(PresetStore& store, const char* body,
                        CollisionPolicy policy = CollisionPolicy::Prompt) {
        const PresetResult result = store.create(jsonObject(body), policy, "test");
        EXPECT_EQ(result.outcome, PresetOutcome::Created) << result.message.toStdString();
        return result.preset.value_or(StoredPreset{});
    }

    QTemporaryDir dataDir;
    ManualClock clock;
};

bool isUuid(const QString& id) {
    static const QRegularExpression uuid(
        "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    return uuid.match(id).hasMatch();
}

TEST_F(PresetStoreTest, CreatesTheSeedExampleWithIdAndTimestamps) {
    auto store = openStore();
    const PresetResult result = store->create(seedReadmeExample(), CollisionPolicy::Prompt, "gui");
    ASSERT_EQ(result.outcome, PresetOutcome::Created) << result.message.toStdString();
    ASSERT_TRUE(result.preset);
    const Preset& preset = result.preset->preset;
    EXPECT_TRUE(isUuid(preset.id)) << preset.id.toStdString();
    EXPECT_EQ(preset.createdAt, clock.now());
    EXPECT_EQ(preset.modifiedAt, clock.now());
    EXPECT_EQ(preset.engine.couplingStrength, 1.5);
    EXPECT_EQ(preset.phi.mode, PhiMode::Audio);
    EXPECT_EQ(result.body(), result.preset->document);

    // One pretty-printed file holding exactly the returned document.
    QFile file(presetFile(preset.id));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    EXPECT_TRUE(bytes.contains("\n    \"engine\": {"));
    EXPECT_EQ(QJsonDocument::fromJson(bytes).object(), result.preset->document);
    EXPECT_EQ(store->get(preset.id).preset->etag, result.preset->etag);
}

TEST_F(PresetStoreTest, KeepsASentIdAndCreatedAt) {
    auto store = openStore();
    const StoredPreset stored =
        create(*store, R"({"id": "mine", "name": "x", "created_at": "2020-01-01T00:00:00Z"})");
    EXPECT_EQ(stored.preset.id, "mine");
    EXPECT_EQ(stored.document.value("created_at"), "2020-01-01T00:00:00.000Z");
    EXPECT_EQ(stored.preset.modifiedAt, clock.now());
    EXPECT_TRUE(QFile::exists(presetFile("mine")));
}

TEST_F(PresetStoreTest, InvalidBodyReportsEveryErrorAndWritesNothing) {
    auto store = openStore();
    const PresetResult result =
        store->create(jsonObject(R"({"name": "", "engine": {"coupling_strength": 3}, "extra": 1})"),
                      CollisionPolicy::Prompt, "test");
    EXPECT_EQ(result.outcome, PresetOutcome::Invalid);
    EXPECT_EQ(result.errors.size(), 3);
    EXPECT_EQ(result.body().value("error").toObject().value("errors").toArray().size(), 3);
    EXPECT_EQ(result.body().value("error").toObject().value("code"), "invalid");
    EXPECT_TRUE(directorySnapshot(presetDir()).isEmpty());
    EXPECT_EQ(store->size(), 0);
}

TEST_F(PresetStoreTest, UnknownOrImpossibleIdsAreNotFound) {
    auto store = openStore();
    EXPECT_EQ(store->get("nope").outcome, PresetOutcome::NotFound);
    EXPECT_EQ(store->get("../../etc/passwd").outcome, PresetOutcome::NotFound);
    EXPECT_EQ(store->remove("nope", {}, "test").outcome, PresetOutcome::NotFound);
    EXPECT_EQ(store->update("nope", jsonObject(R"({"name": "x"})"), {}, "test").outcome,
              PresetOutcome::NotFound);
}

TEST_F(PresetStoreTest, ListsNewestModifiedFirst) {
    auto store = openStore();
    for (const char* name : {"first", "second", "third"}) {
        create(*store, QStringLiteral(R"({"name": "%1"})").arg(name).toUtf8().constData());
        clock.advanceSeconds(1);
    }
    const PresetListResult all = store->list({});
    ASSERT_EQ(all.outcome, PresetOutcome::Ok);
    QStringList names;
    for (const StoredPreset& p : all.presets) names.append(p.preset.name);
    EXPECT_EQ(names, (QStringList{"third", "second", "first"}));

    // Updating moves a preset to the front.
    const QString firstId = all.presets.last().preset.id;
    ASSERT_EQ(store->update(firstId, jsonObject(R"({"name": "first"})"), {}, "test").outcome,
              PresetOutcome::Ok);
    EXPECT_EQ(store->list({}).presets.first().preset.name, "first");
}

TEST_F(PresetStoreTest, QuerySearchesNameNotesAndTagsIgnoringCase) {
    auto store = openStore();
    create(*store, R"({"name": "Warm Pad"})");
    create(*store, R"({"name": "Bass", "notes": "a WARMER low end"})");
    create(*store, R"({"name": "Lead", "tags": ["warmth"]})");
    create(*store, R"({"name": "Cold", "tags": ["ice"], "notes": "nothing"})");
    const PresetListResult result = store->list({"wArM", {}, 50});
    EXPECT_EQ(result.total, 3);
    EXPECT_EQ(result.presets.size(), 3);
    EXPECT_EQ(store->list({"ICE", {}, 50}).total, 1);
    EXPECT_EQ(store->list({"zzz", {}, 50}).total, 0);
    // A query does not match across two fields.
    EXPECT_EQ(store->list({"coldnothing", {}, 50}).total, 0);
}

TEST_F(PresetStoreTest, TagFilterMatchesWholeTagsIgnoringCase) {
    auto store = openStore();
    create(*store, R"({"name": "a", "tags": ["Pad", "warm"]})");
    create(*store, R"({"name": "b", "tags": ["pads"]})");
    create(*store, R"({"name": "c", "tags": ["pad"]})");
    EXPECT_EQ(store->list({{}, "PAD", 50}).total, 2);
    EXPECT_EQ(store->list({"warm", "pad", 50}).total, 1);
}

TEST_F(PresetStoreTest, LimitIsBetweenOneAndTwoHundred) {
    auto store = openStore();
    for (int i = 0; i < 5; ++i)
        create(*store, QStringLiteral(R"({"name": "p%1"})").arg(i).toUtf8());
    const PresetListResult limited = store->list({{}, {}, 2});
    EXPECT_EQ(limited.presets.size(), 2);
    EXPECT_EQ(limited.total, 5);
    EXPECT_EQ(limited.body().value("count").toInt(), 2);
    EXPECT_EQ(limited.body().value("total").toInt(), 5);
    EXPECT_EQ(limited.body().value("presets").toArray().at(0).toObject().keys(),
              (QStringList{"author", "created_at", "id", "modified_at", "name", "tags"}));
    EXPECT_EQ(store->list({{}, {}, 200}).outcome, PresetOutcome::Ok);
    for (int bad : {0, -1, 201}) {
        const PresetListResult result = store->list({{}, {}, bad});
        EXPECT_EQ(result.outcome, PresetOutcome::Invalid) << bad;
        ASSERT_EQ(result.errors.size(), 1);
        EXPECT_EQ(result.errors[0].path, "limit");
        EXPECT_TRUE(result.errors[0].message.startsWith("must be an integer in [1, 200]"));
    }
}

TEST_F(PresetStoreTest, UpdateReplacesSettingsAndKeepsIdAndCreatedAt) {
    auto store = openStore();
    const StoredPreset original = create(*store, R"({"name": "x", "notes": "old",
        "engine": {"coupling_strength": 0.5}})");
    clock.advanceSeconds(60);
    const PresetResult result = store->update(
        original.preset.id, jsonObject(R"({"name": "x", "engine": {"coupling_strength": 2}})"),
        original.etag, "test");
    ASSERT_EQ(result.outcome, PresetOutcome::Ok) << result.message.toStdString();
    const Preset& updated = result.preset->preset;
    EXPECT_EQ(updated.id, original.preset.id);
    EXPECT_EQ(updated.createdAt, original.preset.createdAt);
    EXPECT_EQ(updated.modifiedAt, clock.now());
    EXPECT_EQ(updated.engine.couplingStrength, 2.0);
    EXPECT_EQ(updated.notes, "");  // PUT replaces: absent fields take the defaults
    EXPECT_NE(result.preset->etag, original.etag);
    EXPECT_EQ(QJsonDocument::fromJson([&] {
                  QFile f(presetFile(updated.id));
                  f.open(QIODevice::ReadOnly);
                  return f.readAll();
              }())
                  .object(),
              result.preset->document);
}

TEST_F(PresetStoreTest, UpdateWithAStaleEtagFailsAndChangesNothing) {
    auto store = openStore();
    const StoredPreset original = create(*store, R"({"name": "x"})");
    ASSERT_EQ(store
                  ->update(original.preset.id, jsonObject(R"({"name": "x", "notes": "1"})"),
                           original.etag, "operator-1")
                  .outcome,
              PresetOutcome::Ok);
    const auto before = directorySnapshot(presetDir());

    // A second operator still holds the first version.
    const PresetResult stale =
        store->update(original.preset.id, jsonObject(R"({"name": "x", "notes": "2"})"),
                      original.etag, "operator-2");
    EXPECT_EQ(stale.outcome, PresetOutcome::PreconditionFailed);
    EXPECT_EQ(stale.body().value("error").toObject().value("current_etag").toString(),
              store->get(original.preset.id).preset->etag);
    EXPECT_EQ(directorySnapshot(presetDir()), before);
    EXPECT_EQ(store->get(original.preset.id).preset->preset.notes, "1");

    EXPECT_EQ(store
                  ->update(original.preset.id, jsonObject(R"({"name": "x", "notes": "3"})"), "*",
                           "operator-2")
                  .outcome,
              PresetOutcome::Ok);
    EXPECT_EQ(store
                  ->update(original.preset.id, jsonObject(R"({"name": "x", "notes": "4"})"),
                           QString(), "operator-2")
                  .outcome,
              PresetOutcome::Ok);
}

TEST_F(PresetStoreTest, UpdateRefusesAnotherIdAndAnotherPresetsName) {
    auto store = openStore();
    const StoredPreset a = create(*store, R"({"name": "Alpha"})");
    const StoredPreset b = create(*store, R"({"name": "Beta"})");
    const PresetResult wrongId =
        store->update(a.preset.id, jsonObject(R"({"id": "other", "name": "Alpha"})"), {}, "t");
    EXPECT_EQ(wrongId.outcome, PresetOutcome::Invalid);
    EXPECT_EQ(wrongId.errors.value(0).path, "id");

    const PresetResult rename =
        store->update(a.preset.id, jsonObject(R"({"name": "BETA"})"), {}, "t");
    EXPECT_EQ(rename.outcome, PresetOutcome::Conflict);
    EXPECT_EQ(rename.existing->preset.id, b.preset.id);
    // Renaming a preset to its own name in another case is fine.
    EXPECT_EQ(store->update(a.preset.id, jsonObject(R"({"name": "ALPHA"})"), {}, "t").outcome,
              PresetOutcome::Ok);
}

TEST_F(PresetStoreTest, DeleteRemovesTheFileAndHonoursIfMatch) {
    auto store = openStore();
    const StoredPreset stored = create(*store, R"({"name": "x"})");
    EXPECT_EQ(store->remove(stored.preset.id, "\"stale\"", "t").outcome,
              PresetOutcome::PreconditionFailed);
    EXPECT_TRUE(QFile::exists(presetFile(stored.preset.id)));
    const PresetResult removed = store->remove(stored.preset.id, stored.etag, "t");
    EXPECT_EQ(removed.outcome, PresetOutcome::Ok);
    EXPECT_EQ(removed.preset->preset.name, "x");
    EXPECT_FALSE(QFile::exists(presetFile(stored.preset.id)));
    EXPECT_EQ(store->get(stored.preset.id).outcome, PresetOutcome::NotFound);
}

// The GUI reads the list again only when the revision moved: every change must move it, and
// reads and refusals must not.
TEST_F(PresetStoreTest, RevisionMovesWithEveryChangeAndOnlyThen) {
    auto store = openStore();
    quint64 last = store->revision();
    auto moved = [&] {
        const quint64 now = store->revision();
        const bool changed = now != last;
        last = now;
        return changed;
    };
    const StoredPreset stored = create(*store, R"({"name": "x"})");
    EXPECT_TRUE(moved()) << "create";
    store->list({});
    store->get(stored.preset.id);
    store->create(jsonObject(R"({"name": "X"})"), CollisionPolicy::Prompt, "t");  // conflict
    EXPECT_FALSE(moved()) << "reads and a refused create";
    EXPECT_EQ(store->update(stored.preset.id, jsonObject(R"({"name": "y"})"), {}, "t").outcome,
              PresetOutcome::Ok);
    EXPECT_TRUE(moved()) << "update";
    const QByteArray bundle = R"({"presets": [{"name": "z"}]})";
    store->importBundle(bundle, {true, CollisionPolicy::Prompt}, "t");
    EXPECT_FALSE(moved()) << "a dry run";
    store->importBundle(bundle, {false, CollisionPolicy::Prompt}, "t");
    EXPECT_TRUE(moved()) << "an import";
    EXPECT_EQ(store->remove(stored.preset.id, {}, "t").outcome, PresetOutcome::Ok);
    EXPECT_TRUE(moved()) << "delete";
}

TEST_F(PresetStoreTest, PromptAnswersConflictWithTheExistingPresetAndADiff) {
    auto store = openStore();
    const StoredPreset existing =
        create(*store, R"({"name": "Warm Pad", "engine": {"coupling_strength": 1}})");
    const PresetResult result =
        store->create(jsonObject(R"({"name": "warm pad", "engine": {"coupling_strength": 1.5}})"),
                      CollisionPolicy::Prompt, "t");
    EXPECT_EQ(result.outcome, PresetOutcome::Conflict);
    EXPECT_EQ(result.action, PresetAction::Conflict);
    EXPECT_EQ(result.existing->preset.id, existing.preset.id);
    const QJsonObject error = result.body().value("error").toObject();
    EXPECT_EQ(error.value("existing").toObject(), existing.document);
    EXPECT_EQ(error.value("diff").toObject().value("engine.coupling_strength").toArray(),
              (QJsonArray{1, 1.5}));
    EXPECT_TRUE(error.value("diff").toObject().contains("name"));
    EXPECT_EQ(store->size(), 1);

    // The same id collides too.
    QJsonObject sameId = jsonObject(R"({"name": "Other"})");
    sameId.insert("id", existing.preset.id);
    EXPECT_EQ(store->create(sameId, CollisionPolicy::Prompt, "t").outcome, PresetOutcome::Conflict);
}

TEST_F(PresetStoreTest, OverwriteReplacesAndKeepsTheExistingIdAndCreatedAt) {
    auto store = openStore();
    const StoredPreset existing =
        create(*store, R"({"name": "Pad", "notes": "old", "tags": ["a"]})");
    clock.advanceSeconds(5);
    const PresetResult result =
        store->create(jsonObject(R"({"id": "incoming", "name": "PAD", "tags": ["b"]})"),
                      CollisionPolicy::Overwrite, "t");
    ASSERT_EQ(result.outcome, PresetOutcome::Ok) << result.message.toStdString();
    EXPECT_EQ(result.action, PresetAction::Overwrite);
    EXPECT_EQ(result.preset->preset.id, existing.preset.id);
    EXPECT_EQ(result.preset->preset.createdAt, existing.preset.createdAt);
    EXPECT_EQ(result.preset->preset.name, "PAD");
    EXPECT_EQ(result.preset->preset.notes, "");
    EXPECT_EQ(result.preset->preset.tags, QStringList{"b"});
    EXPECT_EQ(store->size(), 1);
    EXPECT_FALSE(QFile::exists(presetFile("incoming")));
}

TEST_F(PresetStoreTest, NewCopyGetsANewIdAndTheNextFreeCopyName) {
    auto store = openStore();
    const StoredPreset original = create(*store, R"({"name": "Pad"})");
    QStringList names;
    for (int i = 0; i < 3; ++i) {
        const PresetResult copy =
            store->create(jsonObject(R"({"name": "pad"})"), CollisionPolicy::NewCopy, "t");
        ASSERT_EQ(copy.outcome, PresetOutcome::Created);
        EXPECT_EQ(copy.action, PresetAction::Copy);
        EXPECT_NE(copy.preset->preset.id, original.preset.id);
        names.append(copy.preset->preset.name);
    }
    EXPECT_EQ(names, (QStringList{"pad (copy)", "pad (copy 2)", "pad (copy 3)"}));
    // Copying a copy does not nest the suffix.
    EXPECT_EQ(store
                  ->create(jsonObject(R"json({"name": "Pad (copy 2)"})json"),
                           CollisionPolicy::NewCopy, "t")
                  .preset->preset.name,
              "Pad (copy 4)");
    EXPECT_EQ(store->size(), 5);
}

TEST_F(PresetStoreTest, NewCopyKeepsTheNameWhenOnlyTheIdCollides) {
    auto store = openStore();
    create(*store, R"({"id": "shared", "name": "Original"})");
    const PresetResult copy = store->create(jsonObject(R"({"id": "shared", "name": "Renamed"})"),
                                            CollisionPolicy::NewCopy, "t");
    ASSERT_EQ(copy.outcome, PresetOutcome::Created);
    EXPECT_NE(copy.preset->preset.id, "shared");
    EXPECT_EQ(copy.preset->preset.name, "Renamed");
}

TEST_F(PresetStoreTest, CopyNamesStayWithinTheNameLimit) {
    auto store = openStore();
    const QString longName(128, 'n');
    QJsonObject body{{"name", longName}};
    ASSERT_EQ(store->create(body, CollisionPolicy::Prompt, "t").outcome, PresetOutcome::Created);
    const PresetResult copy = store->create(body, CollisionPolicy::NewCopy, "t");
    ASSERT_EQ(copy.outcome, PresetOutcome::Created);
    EXPECT_EQ(copy.preset->preset.name.size(), 128);
    EXPECT_TRUE(copy.preset->preset.name.endsWith(" (copy)"));
}

TEST_F(PresetStoreTest, MergeOverridesSentFieldsUnionsTagsAndKeepsTheEarlierCreatedAt) {
    auto store = openStore();
    const StoredPreset existing = create(*store, R"({"name": "Pad", "tags": ["soft"],
        "notes": "kept", "created_at": "2025-01-01T00:00:00Z", "engine": {"sample_rate": 44100}})");
    const PresetResult result = store->create(
        jsonObject(R"({"name": "pad", "tags": ["bright"], "created_at": "2024-06-01T00:00:00Z",
                      "engine": {"coupling_strength": 0.2}})"),
        CollisionPolicy::Merge, "t");
    ASSERT_EQ(result.outcome, PresetOutcome::Ok) << result.message.toStdString();
    EXPECT_EQ(result.action, PresetAction::Merge);
    const Preset& merged = result.preset->preset;
    EXPECT_EQ(merged.id, existing.preset.id);
    EXPECT_EQ(merged.tags, (QStringList{"soft", "bright"}));
    EXPECT_EQ(merged.notes, "kept");
    EXPECT_EQ(merged.engine.sampleRate, 44100);
    EXPECT_EQ(merged.engine.couplingStrength, 0.2);
    EXPECT_EQ(formatTimestamp(merged.createdAt), "2024-06-01T00:00:00.000Z");
    EXPECT_EQ(merged.modifiedAt, clock.now());
}

TEST_F(PresetStoreTest, MergeThatWouldExceedTheTagLimitIsInvalid) {
    auto store = openStore();
    QJsonArray many;
    for (int i = 0; i < 32; ++i) many.append(QStringLiteral("t%1").arg(i));
    ASSERT_EQ(
        store->create(QJsonObject{{"name", "Pad"}, {"tags", many}}, CollisionPolicy::Prompt, "t")
            .outcome,
        PresetOutcome::Created);
    const PresetResult result = store->create(jsonObject(R"({"name": "Pad", "tags": ["new"]})"),
                                              CollisionPolicy::Merge, "t");
    EXPECT_EQ(result.outcome, PresetOutcome::Invalid);
    EXPECT_EQ(result.errors.value(0).path, "tags");
}

TEST_F(PresetStoreTest, IdOfOnePresetAndNameOfAnotherRefusesOverwriteAndMerge) {
    auto store = openStore();
    create(*store, R"({"id": "one", "name": "First"})");
    create(*store, R"({"id": "two", "name": "Second"})");
    const QJsonObject body = jsonObject(R"({"id": "one", "name": "second"})");
    for (CollisionPolicy policy : {CollisionPolicy::Overwrite, CollisionPolicy::Merge}) {
        const PresetResult result = store->create(body, policy, "t");
        EXPECT_EQ(result.outcome, PresetOutcome::Conflict) << toString(policy).toStdString();
    }
    const PresetResult copy = store->create(body, CollisionPolicy::NewCopy, "t");
    ASSERT_EQ(copy.outcome, PresetOutcome::Created);
    EXPECT_EQ(copy.preset->preset.name, "second (copy)");
}

TEST_F(PresetStoreTest, ANewStoreOnTheSameDirectorySeesTheSamePresets) {
    QList<StoredPreset> created;
    {
        auto store = openStore();
        created.append(create(*store, R"({"name": "a", "tags": ["x"]})"));
        clock.advanceSeconds(1);
        created.append(create(*store, R"({"name": "b"})"));
    }
    auto reopened = openStore();
    EXPECT_EQ(reopened->size(), 2);
    for (const StoredPreset& stored : created) {
        const PresetResult result = reopened->get(stored.preset.id);
        ASSERT_EQ(result.outcome, PresetOutcome::Ok);
        EXPECT_EQ(result.preset->document, stored.document);
        EXPECT_EQ(result.preset->etag, stored.etag);
    }
    EXPECT_EQ(reopened->list({}).presets.first().preset.name, "b");
}

TEST_F(PresetStoreTest, DamagedFilesAreReportedLeftAloneAndDoNotBlockTheOthers) {
    QDir().mkpath(presetDir());
    auto writeFile = [&](const QString& name, const QByteArray& bytes) {
        QFile file(QDir(presetDir()).filePath(name));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    };
    writeFile("good.json", R"({"id": "good", "name": "Good"})");
    writeFile("truncated.json", R"({"id": "truncated", "name": "Tru)");
    writeFile("invalid.json", R"({"id": "invalid", "name": "Bad", "engine": {"num_channels": 2}})");
    writeFile("renamed.json", R"({"id": "original", "name": "Renamed"})");
    writeFile("notes.txt", "not a preset");
    writeFile("huge.json", QByteArray(2 * 1024 * 1024, ' '));
    const auto before = directorySnapshot(presetDir());

    TestAuditLog sessionAudit(dataDir.filePath("logs"));
    PresetAuditLog& audit = sessionAudit.audit;
    auto store = openStore(&audit);
    EXPECT_EQ(store->size(), 1);
    EXPECT_EQ(store->get("good").outcome, PresetOutcome::Ok);

    const PresetStoreStats stats = store->stats();
    EXPECT_EQ(stats.presetCount, 1);
    ASSERT_EQ(stats.damagedFiles.size(), 4);
    EXPECT_EQ(stats.damagedFiles[0].fileName, "huge.json");
    EXPECT_TRUE(stats.damagedFiles[0].errors.value(0).message.startsWith("file is larger"));
    EXPECT_EQ(stats.damagedFiles[1].fileName, "invalid.json");
    EXPECT_EQ(stats.damagedFiles[1].errors.value(0).path, "engine.num_channels");
    EXPECT_EQ(stats.damagedFiles[2].fileName, "renamed.json");
    EXPECT_EQ(stats.damagedFiles[2].errors.value(0).path, "id");
    EXPECT_EQ(stats.damagedFiles[3].fileName, "truncated.json");
    EXPECT_TRUE(stats.damagedFiles[3].errors.value(0).message.startsWith("not valid JSON"));
    EXPECT_EQ(stats.toJson().value("damaged_files").toArray().size(), 4);

    // Their ids stay reserved: nothing overwrites a file a person may want to repair.
    const PresetResult onDamaged = store->create(jsonObject(R"({"id": "invalid", "name": "New"})"),
                                                 CollisionPolicy::Overwrite, "t");
    EXPECT_EQ(onDamaged.outcome, PresetOutcome::Conflict);
    const PresetResult copy = store->create(jsonObject(R"({"id": "invalid", "name": "New"})"),
                                            CollisionPolicy::NewCopy, "t");
    ASSERT_EQ(copy.outcome, PresetOutcome::Created);
    EXPECT_NE(copy.preset->preset.id, "invalid");
    for (const QString& name : before.keys()) {
        EXPECT_EQ(directorySnapshot(presetDir()).value(name), before.value(name))
            << name.toStdString();
    }

    audit.flush();
    QFile log(audit.filePath());
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    int loadRecords = 0;
    for (const QByteArray& line : log.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value("action") == "load") {
            ++loadRecords;
            EXPECT_EQ(record.value("result"), "invalid");
        }
    }
    EXPECT_EQ(loadRecords, 4);
}

// A crash while a preset file is being written: the writer dies after writing half of the new
// content. QSaveFile wrote it to a temporary file, so the preset file keeps its old content and
// the store loads it as before.
TEST_F(PresetStoreTest, CrashDuringWriteLeavesTheOldFileIntact) {
    StoredPreset original;
    {
        auto store = openStore();
        original = create(*store, R"({"id": "victim", "name": "Victim", "notes": "old"})");
    }
    const auto before = directorySnapshot(presetDir());
    const QString path = presetFile("victim");

    const QByteArray replacement = R"({"id": "victim", "name": "Victim", "notes": "new",)";
    // "fast" death tests fork, so the child writes into this test's directory.
    EXPECT_EXIT(
        {
            QSaveFile file(path);
            file.setDirectWriteFallback(false);
            const QByteArray half = replacement.left(replacement.size() / 2);
            if (!file.open(QIODevice::WriteOnly)) std::_Exit(2);
            if (file.write(half) != half.size() || !file.flush()) std::_Exit(3);
            std::_Exit(1);  // the process dies after writing, before commit()
        },
        ::testing::ExitedWithCode(1), "");

    const auto after = directorySnapshot(presetDir());
    EXPECT_EQ(after.value("victim.json"), before.value("victim.json"));
    // Qt writes to an unnamed O_TMPFILE where the file system has it, else to a named temporary
    // file that the crash leaves behind; either way the half-written bytes are not the preset.
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (it.key() == "victim.json") continue;
        EXPECT_TRUE(it.key().startsWith("victim.json.")) << it.key().toStdString();
        EXPECT_EQ(it.value(), replacement.left(replacement.size() / 2));
    }
    auto reopened = openStore();
    const PresetResult result = reopened->get("victim");
    ASSERT_EQ(result.outcome, PresetOutcome::Ok);
    EXPECT_EQ(result.preset->document, original.document);
    EXPECT_TRUE(reopened->stats().damagedFiles.isEmpty());  // the leftover temp file is ignored
}

TEST_F(PresetStoreTest, AFailedWriteReportsStorageFailedAndKeepsThePreviousState) {
    auto store = openStore();
    const StoredPreset original = create(*store, R"({"id": "kept", "name": "Kept"})");
    // The directory disappears behind the store's back and a plain file takes its place, so
    // no file can be created in it (this holds for root too, unlike permissions).
    ASSERT_TRUE(QDir(presetDir()).removeRecursively());
    QFile blocker(presetDir());
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();

    const PresetResult update =
        store->update("kept", jsonObject(R"({"name": "Kept", "notes": "new"})"), {}, "t");
    EXPECT_EQ(update.outcome, PresetOutcome::StorageFailed);
    EXPECT_FALSE(update.message.isEmpty());
    EXPECT_EQ(store->get("kept").preset->document, original.document);

    const PresetResult created =
        store->create(jsonObject(R"({"name": "New"})"), CollisionPolicy::Prompt, "t");
    EXPECT_EQ(created.outcome, PresetOutcome::StorageFailed);
    EXPECT_EQ(store->size(), 1);
}

TEST_F(PresetStoreTest, WithoutADirectoryNothingIsWrittenAnywhere) {
    PresetStore store(PresetStore::Options{QString(), nullptr, clock.function()});
    EXPECT_FALSE(store.stats().directoryError.isEmpty());
    EXPECT_EQ(store.create(jsonObject(R"({"name": "x"})"), CollisionPolicy::Prompt, "t").outcome,
              PresetOutcome::StorageFailed);
}

TEST_F(PresetStoreTest, CopyNamesNeverSplitASurrogatePair) {
    auto store = openStore();
    // 120 BMP characters, then a clef (two UTF-16 units) at units 120–121, then filler.
    QString name = QString(120, 'n') + QString::fromUtf8("\U0001D11E") + QString(6, 'n');
    ASSERT_EQ(name.size(), 128);
    ASSERT_EQ(store->create(QJsonObject{{"name", name}}, CollisionPolicy::Prompt, "t").outcome,
              PresetOutcome::Created);
    const PresetResult copy =
        store->create(QJsonObject{{"name", name}}, CollisionPolicy::NewCopy, "t");
    ASSERT_EQ(copy.outcome, PresetOutcome::Created) << copy.message.toStdString();
    EXPECT_EQ(copy.preset->preset.name, QString(120, 'n') + " (copy)");
}

TEST_F(PresetStoreTest, StatsCountTagsAndTheNewestChange) {
    auto store = openStore();
    create(*store, R"({"name": "a", "tags": ["Pad", "warm"]})");
    clock.advanceSeconds(10);
    create(*store, R"({"name": "b", "tags": ["pad"]})");
    const PresetStoreStats stats = store->stats();
    EXPECT_EQ(stats.presetCount, 2);
    EXPECT_EQ(stats.lastModified, clock.now());
    EXPECT_EQ(stats.tagCounts.value("pad") + stats.tagCounts.value("Pad"), 2);
    EXPECT_EQ(stats.tagCounts.value("warm"), 1);
    EXPECT_EQ(stats.directory, QDir(presetDir()).absolutePath());
}

TEST_F(PresetStoreTest, ConcurrentWritersAndReadersKeepTheIndexConsistent) {
    auto store = openStore();
    constexpr int kWriters = 3;
    constexpr int kPerWriter = 20;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < kPerWriter; ++i) {
                store->create(QJsonObject{{"name", QStringLiteral("w%1-%2").arg(w).arg(i)}},
                              CollisionPolicy::Prompt, "t");
            }
        });
    }
    threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
            const PresetListResult result = store->list({"w", {}, 200});
            EXPECT_EQ(result.presets.size(), result.total);
        }
    });
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(store->size(), kWriters * kPerWriter);
    EXPECT_EQ(directorySnapshot(presetDir()).size(), kWriters * kPerWriter);
}

}  // namespace
}  // namespace soundlab::presets
