#pragma once

#include <array>
#include <cstdint>

namespace soundlab {

// Processing-time statistics of the audio callback since the stream started (SPEC §1).
// Times in milliseconds; CPU load = processing time ÷ block duration.
struct PerformanceStats {
    // Upper edges of the load histogram's bins (1-2-5 steps, log-spaced); the last bin counts
    // the blocks at or above the final edge (over the deadline).
    static constexpr std::array<double, 10> kLoadHistogramEdges{0.001, 0.002, 0.005, 0.01, 0.02,
                                                                0.05,  0.1,   0.2,   0.5,  1.0};
    using LoadHistogram = std::array<uint64_t, kLoadHistogramEdges.size() + 1>;

    uint64_t callbackCount = 0;
    double bufferDurationMs = 0.0;  // nominal block duration
    double currentMs = 0.0;
    double averageMs = 0.0;
    double minMs = 0.0;
    double maxMs = 0.0;
    double stdMs = 0.0;
    double cpuLoadCurrent = 0.0;
    double cpuLoadAverage = 0.0;
    double cpuLoadPeak = 0.0;
    // Blocks per load bin since the stream started; sums to the blocks measured so far.
    LoadHistogram loadHistogram{};
    uint64_t inputOverflows = 0;
    uint64_t outputUnderflows = 0;
    uint64_t timingRecordsDropped = 0;  // the statistics ring was full (monitor fell behind)
};

// One level meter's reading in dBFS (floored at kFloorDb: silence reads the floor).
struct LevelReading {
    static constexpr double kFloorDb = -120.0;
    double peakDb = kFloorDb;  // held peak, falling at kPeakFallDbPerS
    double rmsDb = kFloorDb;   // exponential RMS with time constant kRmsWindowS
};

// The meters of the engine's input channel and of the output (after the master gain).
struct SignalLevels {
    static constexpr double kPeakFallDbPerS = 20.0;
    static constexpr double kRmsWindowS = 0.3;
    LevelReading input, left, right;
};

}  // namespace soundlab
