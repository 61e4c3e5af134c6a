#pragma once

#include "dsp/MasterGain.h"

#include <cstdint>

namespace soundlab {

// What the audio thread records about each callback; it leaves the audio thread through a
// lock-free queue and is turned into statistics and level meters elsewhere (PerformanceMonitor).
struct BlockTiming {
    uint64_t index = 0;  // callback number since the stream started
    uint64_t generation = 0;  // the stream (ProcessingChain::prepare count)
    int64_t position = 0;     // sample position of the block's first frame in that stream
    double sampleRate = 0.0;  // the stream's nominal rate (the host's when it decides)
    int32_t frames = 0;
    uint32_t status = 0;    // BlockStatus bits
    int64_t startNs = 0;    // steady clock at callback entry
    int64_t endNs = 0;      // steady clock when the chain finished
    double inputTime = 0;   // stream clock, seconds (AudioBlock::inputTime)
    double outputTime = 0;  // stream clock, seconds (AudioBlock::outputTime)
    // The block's levels: the input channel the engine got, and the output after the master gain.
    dsp::BlockLevel input, left, right;
};

}  // namespace soundlab
