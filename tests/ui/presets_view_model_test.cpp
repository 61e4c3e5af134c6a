// PresetsViewModel is a client of the preset API: over a LocalBackend with the real preset routes
// it reads the documents they serve and acts through them, on a real PresetStore in a temporary
// directory and the real A/B comparator over a real AudioEngine.
#include "PresetsViewModel.h"

#include "LocalBackend.h"
#include "api/PresetRoutes.h"
#include "engine/AudioEngine.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <optional>

// Readable QString values in failure messages.
inline void PrintTo(const QString& text, std::ostream* os) {
    *os << '"' << text.toStdString() << '"';
}

namespace soundlab {
namespace {

using presets::CollisionPolicy;
using presets::PresetOutcome;

// Runs the GUI thread's events until every queued action and read has reported back. The limit
// only stops a hung test; no assertion depends on how long it takes.
::testing::AssertionResult settle(const PresetsViewModel& vm) {
    QElapsedTimer clock;
    clock.start();
    while (!vm.idle() && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!vm.idle()) return ::testing::AssertionFailure() << "the view-model never settled";
    return ::testing::AssertionSuccess();
}

template <typename F>
bool waitFor(F done) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return done();
}

QStringList names(const PresetsViewModel& vm) {
    QStringList out;
    for (const QVariant& row : vm.presets()) out << row.toMap().value("name").toString();
    return out;
}

QStringList fileNames(const QString& dir) {
    return QDir(dir).entryList(QDir::Files, QDir::Name);
}

struct PresetsFixture : ::testing::Test {
    QTemporaryDir dir;
    QDateTime time = QDateTime(QDate(2026, 11, 30), QTime(9, 0), Qt::UTC);
    // Every store call one second later, so "last modified" orders without ties.
    presets::PresetStore store{{dir.filePath("presets"), nullptr, [this] {
                                    time = time.addSecs(1);
                                    return time;
                                }}};
    AudioEngine engine;
    presets::EnginePresetTarget target{engine};
    presets::AbComparator ab{&target};
    LocalBackend backend{api::presetRoutes(store, ab, nullptr)};
    PresetsViewModel vm{backend};

    QString create(const QJsonObject& body) {
        const presets::PresetResult r = store.create(body, CollisionPolicy::Prompt, "test");
        EXPECT_EQ(r.outcome, PresetOutcome::Created) << r.message.toStdString();
        return r.preset ? r.preset->preset.id : QString();
    }
    void seed() {
        create({{"name", "Warm pad"}, {"tags", QJsonArray{"pad", "Evening"}}});
        create({{"name", "Glass"}, {"notes", "bright bells"}});
        create({{"name", "Drone"}, {"tags", QJsonArray{"dark"}}});
        vm.refresh();
        ASSERT_TRUE(settle(vm));
    }
    QString idOf(const QString& name) {
        for (const QVariant& row : vm.presets())
            if (row.toMap().value("name") == name) return row.toMap().value("id").toString();
        return {};
    }
};

TEST_F(PresetsFixture, ListsTheRoutesDocumentNewestFirstAndAnApiChangeShowsAfterARefresh) {
    seed();
    EXPECT_EQ(names(vm), (QStringList{"Drone", "Glass", "Warm pad"}));
    EXPECT_EQ(vm.listDocument(), api::presetSummaries(store.list({"", "", 200})))
        << "GET /api/presets' summaries";
    EXPECT_EQ(vm.tags(), (QStringList{"dark", "Evening", "pad"})) << "sorted ignoring case";

    create({{"name", "Added over HTTP"}});  // what POST /api/presets runs
    vm.refresh();
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm).value(0), "Added over HTTP");
}

TEST_F(PresetsFixture, SearchAsYouTypeMatchesNameNotesAndTagsAndTheChipFiltersByTag) {
    seed();
    vm.setQuery("bell");  // notes
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm), QStringList{"Glass"});
    vm.setQuery("PAD");  // name and tag, ignoring case
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm), QStringList{"Warm pad"});
    vm.setQuery("dar");  // part of a tag
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm), QStringList{"Drone"});
    EXPECT_EQ(vm.total(), 1);

    vm.setQuery("");
    vm.setTagFilter("evening");
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm), QStringList{"Warm pad"});
    vm.setTagFilter("");
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(names(vm).size(), 3);
}

TEST_F(PresetsFixture, SavingTheLiveStateAddsItFirstWithTheEnginesValues) {
    seed();
    dsp::EngineParameters parameters = engine.engineParameters();
    parameters.couplingStrength = 1.75f;
    ASSERT_TRUE(engine.setEngineParameters(parameters).empty());

    vm.saveLive("Evening set");
    ASSERT_TRUE(settle(vm));
    ASSERT_EQ(names(vm).value(0), "Evening set");
    EXPECT_TRUE(vm.lastError().isEmpty()) << vm.lastError().toStdString();
    const presets::PresetResult saved = store.get(idOf("Evening set"));
    ASSERT_EQ(saved.outcome, PresetOutcome::Ok);
    EXPECT_EQ(saved.preset->document["engine"].toObject()["coupling_strength"].toDouble(), 1.75);
    EXPECT_FALSE(ab.status().a) << "saving does not touch the A/B slots";

    vm.saveLive("glass");  // taken, ignoring case: refused with the API's reason
    ASSERT_TRUE(settle(vm));
    EXPECT_TRUE(vm.lastError().contains("Glass")) << vm.lastError().toStdString();
    EXPECT_EQ(store.size(), 4);
}

TEST_F(PresetsFixture, RenameAndTagsAreStoredOnDisk) {
    seed();
    const QString id = idOf("Glass");
    vm.rename(id, "Glass harp");
    vm.setTags(id, " bright , bells,");
    ASSERT_TRUE(settle(vm));
    EXPECT_TRUE(vm.lastError().isEmpty()) << vm.lastError().toStdString();
    EXPECT_EQ(names(vm).value(0), "Glass harp") << "modified last: first";

    // A store loaded afresh from the directory: what GET /api/presets/{id} serves after restart.
    const presets::PresetStore reloaded({dir.filePath("presets"), nullptr, {}});
    const presets::PresetResult r = reloaded.get(id);
    ASSERT_EQ(r.outcome, PresetOutcome::Ok);
    EXPECT_EQ(r.preset->document["name"].toString(), "Glass harp");
    EXPECT_EQ(r.preset->document["tags"].toArray(), (QJsonArray{"bright", "bells"}));
    EXPECT_EQ(r.preset->document["notes"].toString(), "bright bells") << "the rest is kept";

    vm.rename(id, "drone");  // another preset's name
    ASSERT_TRUE(settle(vm));
    EXPECT_FALSE(vm.lastError().isEmpty());
    EXPECT_EQ(store.get(id).preset->preset.name, "Glass harp");
}

TEST_F(PresetsFixture, DeleteThenUndoRestoresTheSamePreset) {
    seed();
    const QString id = idOf("Warm pad");
    const QJsonObject before = store.get(id).preset->document;
    vm.remove(id);
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(store.get(id).outcome, PresetOutcome::NotFound);
    EXPECT_FALSE(names(vm).contains("Warm pad"));
    ASSERT_TRUE(vm.canUndo());
    EXPECT_EQ(vm.undoName(), "Warm pad");

    vm.undo();
    ASSERT_TRUE(settle(vm));
    EXPECT_FALSE(vm.canUndo());
    const presets::PresetResult restored = store.get(id);
    ASSERT_EQ(restored.outcome, PresetOutcome::Ok) << "the same id";
    QJsonObject after = restored.preset->document;
    EXPECT_NE(after["modified_at"], before["modified_at"]);
    after["modified_at"] = before["modified_at"];
    EXPECT_EQ(after, before) << "name, tags, settings and created_at as they were";
    EXPECT_TRUE(names(vm).contains("Warm pad"));
}

// What the rename and delete rely on: the backend hands If-Match to the route and the ETag back,
// so a change made since the read is refused (412), not overwritten.
TEST_F(PresetsFixture, TheBackendCarriesIfMatchAndTheEtagSoAStaleWriteIsRefused) {
    seed();
    const QString id = idOf("Glass");
    std::optional<BackendReply> read, write;
    backend.get("/api/presets/" + id, &vm, [&](const BackendReply& r) { read = r; });
    ASSERT_TRUE(waitFor([&] { return read.has_value(); }));
    ASSERT_TRUE(read->ok());
    const QByteArray etag = read->header("etag");
    ASSERT_FALSE(etag.isEmpty());

    QJsonObject changed = store.get(id).preset->document;  // someone else renames it meanwhile
    changed["name"] = "Glass (theirs)";
    ASSERT_EQ(store.update(id, changed, {}, "test").outcome, PresetOutcome::Ok);

    QJsonObject mine = read->object();
    mine["name"] = "Glass (mine)";
    backend.send("PUT", "/api/presets/" + id, {{"if-match", etag}}, mine, &vm,
                 [&](const BackendReply& r) { write = r; });
    ASSERT_TRUE(waitFor([&] { return write.has_value(); }));
    EXPECT_EQ(write->status, 412) << write->message().toStdString();
    EXPECT_EQ(store.get(id).preset->preset.name, "Glass (theirs)");
}

TEST_F(PresetsFixture, ToggleSwitchesTheEngineBetweenTheSlotsAndTheDiffNamesThePaths) {
    const QString soft = create({{"name", "Soft"},
                                 {"engine", QJsonObject{{"coupling_strength", 0.5}}},
                                 {"downmix", QJsonObject{{"strategy", "energy"}}}});
    const QString hard = create({{"name", "Hard"},
                                 {"engine", QJsonObject{{"coupling_strength", 1.5}}},
                                 {"downmix", QJsonObject{{"strategy", "linear"}}}});
    vm.storeInSlot("A", soft);
    vm.storeInSlot("b", hard);
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(vm.slotA(), "Soft");
    EXPECT_EQ(vm.slotB(), "Hard");
    EXPECT_EQ(vm.activeSlot(), "") << "stored presets are not playing yet";
    EXPECT_EQ(vm.abStatusDocument(), ab.status().toJson()) << "GET /api/presets/ab/status";

    EXPECT_EQ(vm.diffDocument(), api::abDiff(ab).body) << "GET /api/presets/ab/diff";
    QStringList paths;
    for (const QVariant& row : vm.diff()) paths << row.toMap().value("path").toString();
    EXPECT_EQ(paths, (QStringList{"downmix.strategy", "engine.coupling_strength", "name"}));
    const QVariantMap coupling = vm.diff().at(1).toMap();
    EXPECT_EQ(coupling.value("a").toString(), "0.5");
    EXPECT_EQ(coupling.value("b").toString(), "1.5");

    vm.toggle();
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(vm.activeSlot(), "A");
    EXPECT_FLOAT_EQ(engine.engineParameters().couplingStrength, 0.5f);
    EXPECT_EQ(engine.downmixParameters().strategy, dsp::DownmixStrategy::Energy);
    vm.toggle();
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(vm.activeSlot(), "B");
    EXPECT_FLOAT_EQ(engine.engineParameters().couplingStrength, 1.5f);
    EXPECT_EQ(engine.downmixParameters().strategy, dsp::DownmixStrategy::Linear);

    vm.storeLiveInSlot("A");  // the live state (now B's settings) into A
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(vm.activeSlot(), "A") << "a live capture is what plays";
    EXPECT_EQ(vm.slotA(), "Live");
    paths.clear();
    for (const QVariant& row : vm.diff()) paths << row.toMap().value("path").toString();
    // The engine plays B's coupling and downmix; a capture reads its float frequencies back
    // as the shortest decimals (0.809017), which differ from B's full-precision defaults.
    EXPECT_TRUE(paths.contains("name"));
    EXPECT_FALSE(paths.contains("engine.coupling_strength"));
    EXPECT_FALSE(paths.contains("downmix.strategy"));
}

TEST_F(PresetsFixture, ImportDryRunReportsWithoutChangingTheStoreThenNewCopyAddsCopies) {
    seed();
    const QJsonObject bundle{
        {"schema_version", 1},
        {"presets",
         QJsonArray{QJsonObject{{"name", "WARM PAD"}}, QJsonObject{{"name", "Rain"}},
                    QJsonObject{{"name", "Broken"}, {"phi", QJsonObject{{"depth", 9}}}}}}};
    const QString path = dir.filePath("bundle.json");
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(bundle).toJson());
    file.close();
    const QStringList filesBefore = fileNames(dir.filePath("presets"));

    vm.previewImport(QUrl::fromLocalFile(path));
    ASSERT_TRUE(settle(vm));
    auto actions = [this] {
        QStringList out;
        for (const QVariant& row : vm.importReport()) out << row.toMap().value("action").toString();
        return out;
    };
    EXPECT_TRUE(vm.importPending());
    EXPECT_EQ(vm.importFile(), "bundle.json");
    EXPECT_EQ(actions(), (QStringList{"conflict", "create", "invalid"}));
    EXPECT_TRUE(vm.importReport().at(0).toMap().value("reasons").toString().contains("Warm pad"));
    EXPECT_TRUE(vm.importReport().at(2).toMap().value("reasons").toString().contains("phi.depth"));
    EXPECT_EQ(vm.importSummary(), "1 create, 1 conflict, 1 invalid");
    EXPECT_EQ(store.size(), 3);
    EXPECT_EQ(fileNames(dir.filePath("presets")), filesBefore) << "a dry run writes nothing";

    vm.setImportCollision("new_copy");  // the report is made again for the new choice
    ASSERT_TRUE(settle(vm));
    EXPECT_EQ(actions(), (QStringList{"copy", "create", "invalid"}));
    EXPECT_EQ(vm.importReport().at(0).toMap().value("name"), "WARM PAD (copy)");
    EXPECT_EQ(store.size(), 3);
    EXPECT_TRUE(vm.importPending());

    vm.confirmImport();
    ASSERT_TRUE(settle(vm));
    EXPECT_FALSE(vm.importPending());
    EXPECT_EQ(actions(), (QStringList{"copy", "create", "invalid"})) << "what the real run did";
    EXPECT_EQ(store.size(), 5);
    EXPECT_TRUE(names(vm).contains("WARM PAD (copy)"));
    EXPECT_TRUE(names(vm).contains("Rain"));
    EXPECT_TRUE(names(vm).contains("Warm pad")) << "the original is kept";
}

TEST_F(PresetsFixture, ExportWritesABundleThatImportsBack) {
    seed();
    const QString path = dir.filePath("out/export.json");
    QDir().mkpath(dir.filePath("out"));
    vm.exportTo(QUrl::fromLocalFile(path));
    ASSERT_TRUE(settle(vm));
    EXPECT_TRUE(vm.lastError().isEmpty()) << vm.lastError().toStdString();
    EXPECT_EQ(fileNames(dir.filePath("out")), QStringList{"export.json"}) << "no temporary left";

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QTemporaryDir otherDir;
    presets::PresetStore other({otherDir.filePath("presets"), nullptr, {}});
    const presets::ImportReport report = other.importBundle(bytes, {}, "test");
    ASSERT_EQ(report.outcome, PresetOutcome::Ok);
    EXPECT_EQ(report.count(presets::PresetAction::Create), 3);
    for (const QString& id : {idOf("Warm pad"), idOf("Glass"), idOf("Drone")}) {
        const presets::PresetResult imported = other.get(id);
        ASSERT_EQ(imported.outcome, PresetOutcome::Ok) << "the same id";
        QJsonObject back = imported.preset->document;
        const QJsonObject original = store.get(id).preset->document;
        back["modified_at"] = original["modified_at"];  // an import is a modification
        EXPECT_EQ(back, original);
    }

    vm.exportTo(QUrl::fromLocalFile(dir.filePath("missing/dir/x.json")));
    ASSERT_TRUE(settle(vm));
    EXPECT_TRUE(vm.lastError().startsWith("cannot write")) << vm.lastError().toStdString();
}

}  // namespace
}  // namespace soundlab
