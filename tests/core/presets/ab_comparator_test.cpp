#include "preset_fixtures.h"
#include "presets/AbComparator.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetTarget.h"

#include <gtest/gtest.h>
#include <QJsonArray>
#include <QTemporaryDir>
#include <mutex>
#include <thread>
#include <vector>

namespace soundlab::presets {
namespace {

using testing::jsonObject;

// Stands in for the engine: reports a fixed live state and records what was applied.
class RecordingTarget : public PresetTarget {
public:
    Preset captureLiveState() const override {
        Preset live;
        live.name = "Live";
        live.engine.couplingStrength = 0.75;
        return live;
    }
    void applyPreset(const Preset& preset) override {
        std::lock_guard lock(mutex);
        applied.append(preset.name);
    }
    std::mutex mutex;
    QStringList applied;
};

Preset named(const QString& name, double coupling) {
    Preset preset;
    preset.name = name;
    preset.engine.couplingStrength = coupling;
    return preset;
}

TEST(AbComparatorTest, StoresAndGetsEachSlot) {
    AbComparator ab;
    EXPECT_EQ(ab.get(AbSlot::A).outcome, PresetOutcome::NotFound);
    const AbResult stored = ab.store(AbSlot::A, named("Soft", 0.2), "gui");
    ASSERT_EQ(stored.outcome, PresetOutcome::Ok);
    EXPECT_EQ(stored.slot, AbSlot::A);
    EXPECT_EQ(stored.content->source, "preset");
    EXPECT_EQ(ab.get(AbSlot::A).content->preset.name, "Soft");
    EXPECT_EQ(ab.get(AbSlot::B).outcome, PresetOutcome::NotFound);
    const QJsonObject body = ab.get(AbSlot::A).body();
    EXPECT_EQ(body.value("slot"), "A");
    EXPECT_EQ(body.value("preset").toObject().value("name"), "Soft");
}

TEST(AbComparatorTest, StoresAValidatedBodyAndRefusesAnInvalidOne) {
    AbComparator ab;
    const AbResult ok = ab.store(AbSlot::B, testing::seedReadmeExample(), "10.0.0.1");
    ASSERT_EQ(ok.outcome, PresetOutcome::Ok);
    EXPECT_EQ(ok.content->preset.engine.couplingStrength, 1.5);
    const AbResult bad =
        ab.store(AbSlot::A, jsonObject(R"({"name": "x", "phi": {"depth": -1}})"), "10.0.0.1");
    EXPECT_EQ(bad.outcome, PresetOutcome::Invalid);
    EXPECT_EQ(bad.errors.value(0).path, "phi.depth");
    EXPECT_EQ(bad.body().value("error").toObject().value("errors").toArray().size(), 1);
    EXPECT_EQ(ab.get(AbSlot::A).outcome, PresetOutcome::NotFound);
}

TEST(AbComparatorTest, ToggleNeedsBothSlots) {
    RecordingTarget target;
    AbComparator ab(&target);
    EXPECT_EQ(ab.toggle("gui").outcome, PresetOutcome::Conflict);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    const AbResult result = ab.toggle("gui");
    EXPECT_EQ(result.outcome, PresetOutcome::Conflict);
    EXPECT_TRUE(result.message.contains("slot B is empty"));
    EXPECT_TRUE(target.applied.isEmpty());
}

TEST(AbComparatorTest, ToggleAlternatesAndAppliesEachSlotToTheEngine) {
    RecordingTarget target;
    AbComparator ab(&target);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    EXPECT_EQ(ab.status().active, std::nullopt);

    QStringList active;
    for (int i = 0; i < 4; ++i) {
        const AbResult result = ab.toggle("gui");
        ASSERT_EQ(result.outcome, PresetOutcome::Ok);
        EXPECT_EQ(result.active, result.slot);
        active.append(toString(*result.active));
        EXPECT_EQ(result.content->preset.name, active.last());
    }
    EXPECT_EQ(active, (QStringList{"A", "B", "A", "B"}));
    EXPECT_EQ(target.applied, active);
    EXPECT_EQ(ab.status().toggleCount, 4u);
}

TEST(AbComparatorTest, StoringTheLiveStateMakesThatSlotActive) {
    RecordingTarget target;
    AbComparator ab(&target);
    const AbResult live = ab.storeLive(AbSlot::A, "gui");
    ASSERT_EQ(live.outcome, PresetOutcome::Ok);
    EXPECT_EQ(live.content->source, "live");
    EXPECT_EQ(live.content->preset.engine.couplingStrength, 0.75);
    EXPECT_EQ(ab.status().active, AbSlot::A);
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    EXPECT_EQ(ab.status().active, AbSlot::A);  // a sent preset does not change what plays
    EXPECT_EQ(ab.toggle("gui").active, AbSlot::B);
    EXPECT_EQ(target.applied, QStringList{"B"});
}

TEST(AbComparatorTest, LiveStateNeedsAnEngine) {
    AbComparator ab;
    EXPECT_EQ(ab.storeLive(AbSlot::A, "gui").outcome, PresetOutcome::Unavailable);
    RecordingTarget target;
    ab.setTarget(&target);
    EXPECT_EQ(ab.storeLive(AbSlot::A, "gui").outcome, PresetOutcome::Ok);
}

TEST(AbComparatorTest, CaptureLiveReadsTheEngineWithoutTouchingTheSlots) {
    AbComparator ab;
    EXPECT_EQ(ab.captureLive().outcome, PresetOutcome::Unavailable);
    RecordingTarget target;
    ab.setTarget(&target);
    ab.store(AbSlot::A, named("A", 0.2), "gui");
    const AbResult live = ab.captureLive();
    ASSERT_EQ(live.outcome, PresetOutcome::Ok);
    EXPECT_EQ(live.content->preset.engine.couplingStrength, 0.75);
    EXPECT_EQ(live.content->source, "live");
    const AbStatus status = ab.status();
    EXPECT_EQ(status.a->preset.name, "A");
    EXPECT_FALSE(status.b);
    EXPECT_FALSE(status.active) << "a capture plays nothing new";
    EXPECT_TRUE(target.applied.isEmpty());
}

TEST(AbComparatorTest, ClearEmptiesSlotsAndForgetsAClearedActiveSlot) {
    RecordingTarget target;
    AbComparator ab(&target);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    ab.toggle("gui");  // A active
    ab.clear(AbClearScope::B, "gui");
    EXPECT_EQ(ab.status().active, AbSlot::A);
    EXPECT_FALSE(ab.status().b);
    ab.clear(AbClearScope::A, "gui");
    EXPECT_EQ(ab.status().active, std::nullopt);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    ab.clear(AbClearScope::All, "gui");
    EXPECT_FALSE(ab.status().a);
    EXPECT_FALSE(ab.status().b);
}

TEST(AbComparatorTest, DiffListsDottedPathsFromAToB) {
    AbComparator ab;
    EXPECT_EQ(ab.diff().outcome, PresetOutcome::NotFound);
    Preset a = named("A", 0.1);
    Preset b = named("B", 1.9);
    b.engine.frequencies[3] = 3.0;
    ab.store(AbSlot::A, a, "gui");
    ab.store(AbSlot::B, b, "gui");
    const AbResult diff = ab.diff();
    ASSERT_EQ(diff.outcome, PresetOutcome::Ok);
    const QJsonObject json = diff.body().value("diff").toObject();
    EXPECT_EQ(json.keys(),
              (QStringList{"engine.coupling_strength", "engine.frequencies[3]", "name"}));
    EXPECT_EQ(json.value("engine.coupling_strength").toArray(), (QJsonArray{0.1, 1.9}));
}

TEST(AbComparatorTest, StatusSummarisesBothSlots) {
    AbComparator ab;
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    const QJsonObject status = ab.status().toJson();
    EXPECT_TRUE(status.value("A").isNull());
    EXPECT_EQ(status.value("B").toObject().value("name"), "B");
    EXPECT_TRUE(status.value("active").isNull());
    EXPECT_EQ(status.value("toggles").toInt(), 0);
}

TEST(AbComparatorTest, SlotNamesParse) {
    EXPECT_EQ(abSlotFromString("a"), AbSlot::A);
    EXPECT_EQ(abSlotFromString("B"), AbSlot::B);
    EXPECT_EQ(abSlotFromString("C"), std::nullopt);
    EXPECT_EQ(abClearScopeFromString("ALL"), AbClearScope::All);
    EXPECT_EQ(abClearScopeFromString("b"), AbClearScope::B);
    EXPECT_EQ(abClearScopeFromString("both"), std::nullopt);
}

// The HTTP and GUI threads toggle at once: every toggle succeeds, and the engine ends on the
// slot the comparator reports as active.
TEST(AbComparatorTest, ConcurrentTogglesNeverFailAndEndConsistent) {
    RecordingTarget target;
    AbComparator ab(&target);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    constexpr int kPerThread = 500;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (const char* client : {"gui", "127.0.0.1"}) {
        threads.emplace_back([&, client] {
            for (int i = 0; i < kPerThread; ++i) {
                if (ab.toggle(client).outcome != PresetOutcome::Ok) ++failures;
                ab.status();
            }
        });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(ab.status().toggleCount, 2u * kPerThread);
    ASSERT_EQ(target.applied.size(), 2 * kPerThread);
    EXPECT_EQ(target.applied.last(), toString(*ab.status().active));
    for (int i = 1; i < target.applied.size(); ++i) {
        ASSERT_NE(target.applied[i], target.applied[i - 1]) << i;  // strictly alternating
    }
}

TEST(AbComparatorTest, StoreToggleAndClearAreAudited) {
    QTemporaryDir logRoot;
    TestAuditLog sessionAudit(logRoot.path());
    PresetAuditLog& audit = sessionAudit.audit;
    RecordingTarget target;
    AbComparator ab(&target, &audit);
    ab.storeLive(AbSlot::A, "gui");
    ab.store(AbSlot::B, named("B", 1.9), "10.1.2.3");
    ab.toggle("10.1.2.3");
    ab.clear(AbClearScope::All, "gui");
    ab.get(AbSlot::A);  // reads are not audited
    audit.flush();

    QFile log(audit.filePath());
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    QStringList lines;
    for (const QByteArray& line : log.readAll().split('\n')) {
        if (line.isEmpty()) continue;
        const QJsonObject r = QJsonDocument::fromJson(line).object();
        lines.append(QStringList{r.value("action").toString(), r.value("target").toString(),
                                 r.value("client").toString(), r.value("result").toString()}
                         .join(' '));
    }
    EXPECT_EQ(lines, (QStringList{"ab_store A gui ok", "ab_store B 10.1.2.3 ok",
                                  "ab_toggle B 10.1.2.3 ok", "ab_clear all gui ok"}));
}

TEST(AbComparatorTest, ApplyLoadsAPresetOutsideTheSlotsAndLeavesNoneActive) {
    QTemporaryDir logRoot;
    TestAuditLog sessionAudit(logRoot.path());
    PresetAuditLog& audit = sessionAudit.audit;
    RecordingTarget target;
    AbComparator ab(&target, &audit);
    ab.store(AbSlot::A, named("A", 0.1), "gui");
    ab.store(AbSlot::B, named("B", 1.9), "gui");
    ASSERT_EQ(ab.toggle("gui").active, AbSlot::A);

    Preset stored = named("Stored", 1.2);
    stored.id = "stored-1";
    const AbResult applied = ab.apply(stored, "10.0.0.7");
    ASSERT_EQ(applied.outcome, PresetOutcome::Ok);
    EXPECT_FALSE(applied.active);
    EXPECT_EQ(applied.content->preset.id, "stored-1");
    EXPECT_EQ(target.applied, (QStringList{"A", "Stored"}));
    EXPECT_FALSE(ab.status().active);
    EXPECT_TRUE(ab.status().a && ab.status().b);  // the slots are kept

    EXPECT_EQ(ab.toggle("gui").active, AbSlot::A);  // from none, a toggle plays A again
    audit.flush();
    QFile log(audit.filePath());
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    EXPECT_TRUE(text.contains(R"("action":"apply","client":"10.0.0.7")")) << text.toStdString();
    EXPECT_TRUE(text.contains(R"("target":"stored-1")"));
}

TEST(AbComparatorTest, ApplyNeedsAnEngine) {
    AbComparator ab;
    const AbResult result = ab.apply(named("X", 1.0), "gui");
    EXPECT_EQ(result.outcome, PresetOutcome::Unavailable);
    EXPECT_EQ(httpStatus(result.outcome), 503);
}

}  // namespace
}  // namespace soundlab::presets
