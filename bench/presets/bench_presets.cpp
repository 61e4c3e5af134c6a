// Preset library benchmarks (issue 5): list/search over 10 000 presets (goal ≤ 20 ms per
// request) and import of a 10 000-preset bundle, dry run included (goal ≤ 10 s).
//
// Run: bench_presets --benchmark_counters_tabular=true
// The store lives in a temporary directory (QTemporaryDir, normally under /tmp); the real import
// writes and fsyncs one file per preset there, so its figure depends on that file system.

#include "presets/CollisionPolicy.h"
#include "presets/PresetStore.h"

#include <benchmark/benchmark.h>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <memory>

namespace soundlab::presets {
namespace {

constexpr int kPresetCount = 10000;

const QStringList kWords{"amber",  "basalt", "cobalt",  "drift", "ember", "fjord",  "glass",
                         "harbor", "indigo", "juniper", "kelp",  "lumen", "marrow", "nimbus",
                         "onyx",   "pollen", "quartz",  "rust",  "sable", "tundra"};

// A bundle of `count` distinct, valid presets with realistic names, tags and notes.
QJsonObject makeBundle(int count) {
    QJsonArray presets;
    for (int i = 0; i < count; ++i) {
        const QString word = kWords[i % kWords.size()];
        const QString other = kWords[(i / kWords.size()) % kWords.size()];
        QJsonArray frequencies;
        QJsonArray amplitudes;
        for (int k = 0; k < 8; ++k) {
            frequencies.append(0.5 + 0.1 * k + (i % 97) * 0.01);
            amplitudes.append(((i + k) % 11) / 10.0);
        }
        presets.append(QJsonObject{
            {"id", QStringLiteral("bench-%1").arg(i, 5, 10, QLatin1Char('0'))},
            {"name", QStringLiteral("%1 %2 %3").arg(word, other).arg(i)},
            {"tags", QJsonArray{word, other, (i % 3 == 0) ? "favourite" : "archive"}},
            {"created_at", "2025-01-01T00:00:00.000Z"},
            {"author", "bench"},
            {"notes", QStringLiteral("Generated preset %1 for the %2 benchmark; a %3 texture.")
                          .arg(i)
                          .arg(word, other)},
            {"engine", QJsonObject{{"sample_rate", 48000},
                                   {"frequencies", frequencies},
                                   {"amplitudes", amplitudes},
                                   {"coupling_strength", (i % 21) / 10.0}}},
            {"phi", QJsonObject{{"mode", "manual"}, {"depth", (i % 16) / 10.0}}},
            {"downmix", QJsonObject{{"strategy", "spatial"}}},
        });
    }
    return QJsonObject{{"schema_version", 1}, {"presets", presets}};
}

const QJsonObject& bundle() {
    static const QJsonObject instance = makeBundle(kPresetCount);
    return instance;
}

// One store of 10 000 presets shared by the list benchmarks (built once, by a real import).
PresetStore& fullStore() {
    static QTemporaryDir dir;
    static std::unique_ptr<PresetStore> store = [] {
        auto s = std::make_unique<PresetStore>(PresetStore::Options{dir.path(), nullptr, {}});
        const ImportReport report = s->importBundle(bundle(), {}, "bench");
        if (report.count(PresetAction::Create) != kPresetCount) qFatal("bench setup failed");
        return s;
    }();
    return *store;
}

void runList(benchmark::State& state, const PresetListQuery& query) {
    PresetStore& store = fullStore();
    int total = 0;
    for (auto _ : state) {
        const PresetListResult result = store.list(query);
        // What an endpoint does next: the response body.
        benchmark::DoNotOptimize(result.body());
        total = result.total;
    }
    state.counters["matches"] = total;
}

void BM_ListNewest50(benchmark::State& state) {
    runList(state, {{}, {}, 50});
}
void BM_ListNewest200(benchmark::State& state) {
    runList(state, {{}, {}, 200});
}
void BM_SearchQuery(benchmark::State& state) {
    runList(state, {"EMBER", {}, 200});
}
void BM_SearchQueryNoMatch(benchmark::State& state) {
    runList(state, {"no such text", {}, 50});
}
void BM_SearchTag(benchmark::State& state) {
    runList(state, {{}, "Favourite", 200});
}
void BM_SearchQueryAndTag(benchmark::State& state) {
    runList(state, {"glass", "favourite", 50});
}

void BM_GetById(benchmark::State& state) {
    PresetStore& store = fullStore();
    for (auto _ : state) benchmark::DoNotOptimize(store.get("bench-04711").body());
}

// Import of the 10 000-preset bundle into an empty directory. Parsing the bundle's bytes is
// included, as the endpoint receives bytes.
void runImport(benchmark::State& state, bool dryRun, bool intoFullStore) {
    const QByteArray bytes = QJsonDocument(bundle()).toJson(QJsonDocument::Compact);
    int written = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto dir = std::make_unique<QTemporaryDir>();
        auto store = std::make_unique<PresetStore>(PresetStore::Options{dir->path(), nullptr, {}});
        if (intoFullStore) store->importBundle(bytes, {}, "bench");
        state.ResumeTiming();

        const ImportReport report =
            store->importBundle(bytes, {dryRun, CollisionPolicy::Merge}, "bench");
        benchmark::DoNotOptimize(report.toJson());
        written = report.count(PresetAction::Create) + report.count(PresetAction::Merge);

        state.PauseTiming();
        store.reset();
        dir.reset();
        state.ResumeTiming();
    }
    state.counters["presets"] = written;
    state.counters["bundle_MB"] = bytes.size() / 1e6;
    state.SetItemsProcessed(state.iterations() * kPresetCount);
}

void BM_ImportDryRun(benchmark::State& state) {
    runImport(state, true, false);
}
void BM_ImportReal(benchmark::State& state) {
    runImport(state, false, false);
}
// Every entry collides with a stored preset and is merged.
void BM_ImportDryRunAllCollide(benchmark::State& state) {
    runImport(state, true, true);
}
void BM_ImportRealAllCollide(benchmark::State& state) {
    runImport(state, false, true);
}

// new_copy of n presets that all share one name (dry run: the planning, not the fsyncs). Each
// entry needs the next free "Same (copy N)"; the index remembers where that search may start, so
// the time grows linearly with n (it grew with n² before: 168 s for 10 000).
void BM_ImportDryRunNewCopySameName(benchmark::State& state) {
    const int count = static_cast<int>(state.range(0));
    QJsonArray presets;
    for (int i = 0; i < count; ++i) presets.append(QJsonObject{{"name", "Same"}});
    const QJsonObject sameNamed{{"presets", presets}};
    QTemporaryDir dir;
    PresetStore store(PresetStore::Options{dir.path(), nullptr, {}});
    for (auto _ : state) {
        const ImportReport report =
            store.importBundle(sameNamed, {true, CollisionPolicy::NewCopy}, "bench");
        benchmark::DoNotOptimize(report.entries.size());
    }
    state.SetComplexityN(count);
    state.SetItemsProcessed(state.iterations() * count);
}

// Start-up: loading and validating 10 000 files into the index.
void BM_LoadStore(benchmark::State& state) {
    QTemporaryDir dir;
    PresetStore(PresetStore::Options{dir.path(), nullptr, {}}).importBundle(bundle(), {}, "bench");
    for (auto _ : state) {
        PresetStore store(PresetStore::Options{dir.path(), nullptr, {}});
        if (store.size() != kPresetCount) state.SkipWithError("load lost presets");
    }
    state.SetItemsProcessed(state.iterations() * kPresetCount);
}

BENCHMARK(BM_ListNewest50)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ListNewest200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchQuery)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchQueryNoMatch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchTag)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchQueryAndTag)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GetById)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ImportDryRun)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportReal)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportDryRunAllCollide)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportRealAllCollide)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_LoadStore)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportDryRunNewCopySameName)
    ->RangeMultiplier(2)
    ->Range(1250, 10000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Complexity(benchmark::oN);

}  // namespace
}  // namespace soundlab::presets

BENCHMARK_MAIN();
