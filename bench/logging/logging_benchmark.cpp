// What the session logs cost (issue 13, docs/logging.md): the producer's log() call, and the
// logger thread's work per record (CSV + JSONL lines, file writes) with what it puts on disk.
// A metrics frame (all SPEC §5 fields) is the record, since metrics are the busiest stream.
//
//   bench_logging --benchmark_counters_tabular=true
//
// `cpu_pct_at_30hz` / `cpu_pct_at_120hz`: the logger thread's share of one core for the metrics
// stream at that frame rate (its time per record × the rate); `bytes_per_s_at_*`: what it
// writes uncompressed (gzip at close shrinks it about 4.8-fold).

#include "logging/SessionLogger.h"

#include <benchmark/benchmark.h>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <ctime>

namespace {

using namespace soundlab::logging;

QJsonObject metricsFrame(int i) {
    return QJsonObject{{QStringLiteral("frame_id"), i},
                       {QStringLiteral("ici"), 0.1362},
                       {QStringLiteral("phase_coherence"), 0.4521},
                       {QStringLiteral("spectral_centroid"), 1834.25},
                       {QStringLiteral("criticality"), 0.3312},
                       {QStringLiteral("consciousness_level"), 0.5125},
                       {QStringLiteral("state"), QStringLiteral("AWAKE")},
                       {QStringLiteral("phi_phase"), 2.3562},
                       {QStringLiteral("phi_depth"), 0.618},
                       {QStringLiteral("phi_mode"), QStringLiteral("internal")},
                       {QStringLiteral("level_db"), -18.25},
                       {QStringLiteral("cpu_load"), 0.041}};
}

double processCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// The producer's side: build nothing, just hand a prepared frame over (the queue is drained
// meanwhile by the logger thread, as in a session).
void BM_LogCall(benchmark::State& state) {
    QTemporaryDir root;
    SessionLogger logger({root.path(), 1 << 20});
    const QJsonObject frame = metricsFrame(1);
    for (auto _ : state) benchmark::DoNotOptimize(logger.log(Category::Metrics, "frame", frame));
    logger.flush();
    state.counters["dropped"] = double(logger.status().dropped);
}

// The logger thread's side: a burst of frames until flush() says they are on disk, timed in CPU
// seconds of the whole process (`Time` column, `us_per_record`).
void BM_LoggerThreadPerRecord(benchmark::State& state) {
    constexpr int kBurst = 2000;
    QTemporaryDir root;
    SessionLogger logger({root.path(), 1 << 20});
    std::vector<QJsonObject> frames;
    for (int i = 0; i < kBurst; ++i) frames.push_back(metricsFrame(i));
    int64_t records = 0;
    for (auto _ : state) {
        // The process's CPU time, not the wall clock: the logger thread's work (the producer's
        // share is 2000 × ~0.1 µs) whatever else the machine runs.
        const double start = processCpuSeconds();
        for (const QJsonObject& frame : frames) logger.log(Category::Metrics, "frame", frame);
        logger.flush();
        state.SetIterationTime(processCpuSeconds() - start);
        records += kBurst;
    }
    const double bytes =
        double(QFileInfo(logger.filePath(Category::Metrics, "csv")).size() +
               QFileInfo(logger.filePath(Category::Metrics, "jsonl")).size());
    state.SetItemsProcessed(records);
    state.counters["bytes_per_record"] = bytes / double(records);
    state.counters["us_per_record"] = benchmark::Counter(
        double(records) / 1e6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    for (const int rate : {30, 120}) {
        state.counters["bytes_per_s_at_" + std::to_string(rate) + "hz"] =
            bytes / double(records) * rate;
        // records/s the writer sustains ÷ rate, inverted: the share of one core at `rate`.
        state.counters["cpu_pct_at_" + std::to_string(rate) + "hz"] = benchmark::Counter(
            double(records) / (100.0 * rate),
            benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    }
}

BENCHMARK(BM_LogCall);
BENCHMARK(BM_LoggerThreadPerRecord)->UseManualTime()->Iterations(20);

}  // namespace
