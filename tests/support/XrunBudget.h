#pragma once

// How many xruns a load test tolerates.
//
// A load test asks whether the load (API clients, logging, a calibration) makes the audio thread
// miss its deadlines. A fault of ours, the audio thread waiting on a lock the API holds or doing
// work per frame, misses them at the rate of the load: dozens in a test. A shared CI machine
// misses one now and then whatever the program does (a virtual machine losing its CPU for more
// than a block: 2 late callbacks in 2 800 in one CI run). So a load test allows one late callback
// in 500, plus one; scripts/soak.sh holds the product to zero xruns on a quiet machine. The
// virtual device counts one xrun per stall, not one per block it catches up on (a stall of
// ~50 ms in a 280-callback window once read as 5).

#include <QJsonObject>
#include <gtest/gtest.h>

#include <cstdint>

namespace soundlab::test {

// Callbacks run and xruns counted so far; the difference of two readings is a test's window.
struct AudioTally {
    uint64_t callbacks = 0;
    uint64_t xruns = 0;

    // From the engine's PerformanceStats (a template so process tests need not link the core).
    template <typename PerformanceStats>
    static AudioTally of(const PerformanceStats& p) {
        return {p.callbackCount, p.inputOverflows + p.outputUnderflows};
    }
    // From the `/api/audio/performance` document.
    static AudioTally of(const QJsonObject& performance) {
        return {uint64_t(performance.value("callback_count").toInteger()),
                uint64_t(performance.value("xruns").toObject().value("total").toInteger())};
    }
    AudioTally operator-(const AudioTally& before) const {
        return {callbacks - before.callbacks, xruns - before.xruns};
    }
};

inline testing::AssertionResult audioKeptUpUnderLoad(const AudioTally& window) {
    const uint64_t budget = 1 + window.callbacks / 500;
    if (window.callbacks == 0) return testing::AssertionFailure() << "no callback ran";
    if (window.xruns <= budget)
        return testing::AssertionSuccess()
               << window.xruns << " xruns in " << window.callbacks << " callbacks";
    return testing::AssertionFailure()
           << window.xruns << " xruns in " << window.callbacks
           << " callbacks: more than a stalled machine explains (at most " << budget << ")";
}

}  // namespace soundlab::test
