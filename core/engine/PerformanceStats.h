#pragma once

#include <cstdint>

namespace soundlab {

// Processing-time statistics of the audio callback since the stream started (SPEC §1).
// Times in milliseconds; CPU load = processing time ÷ block duration.
struct PerformanceStats {
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
    uint64_t inputOverflows = 0;
    uint64_t outputUnderflows = 0;
    uint64_t timingRecordsDropped = 0;  // the statistics ring was full (monitor fell behind)
};

}  // namespace soundlab
