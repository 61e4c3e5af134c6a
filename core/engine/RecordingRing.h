#pragma once

#include "rt/BlockRing.h"

#include <cstddef>
#include <cstdint>

namespace soundlab {

// One frame of the session recording: the chain's (mono) input and its stereo output, as the
// device gets it.
struct RecordingSample {
    float input;
    float left;
    float right;
};

// What the audio thread records about one block besides its samples.
struct RecordingBlock {
    uint64_t generation = 0;     // stream starts (prepare() calls)
    int64_t samplePosition = 0;  // of the block's first frame, counted from the stream's start
    int32_t frames = 0;          // ≤ RecordingRing::kMaxBlockFrames
    double sampleRate = 48000.0;
    int64_t callbackSteadyNs = 0;  // steady clock at callback entry
};

// The lock-free path from the audio thread to the session recorder's writer thread (docs/
// logging.md "Session audio"): room for 2.7 s at 96 kHz (5.5 s at 48 kHz), so that a disk that
// stalls for a while loses nothing; allocated once, with the chain. Beyond that, blocks are
// dropped whole and counted (the recorder writes silence in their place, so the files stay
// sample-aligned).
//
// Threading, in the types: the chain (audio thread) holds the Producer; the recorder's writer
// thread holds the Consumer while it records.
class RecordingRing : public BlockRing<RecordingBlock, RecordingSample> {
public:
    static constexpr size_t kMaxBlockFrames = 2048;    // longer blocks go as several records
    static constexpr size_t kSampleCapacity = 262143;  // 2.7 s at 96 kHz
    static constexpr size_t kBlockCapacity = 8191;     // 5.5 s of 64-frame blocks at 96 kHz

    RecordingRing() : BlockRing(kSampleCapacity, kBlockCapacity, kMaxBlockFrames) {}
};

}  // namespace soundlab
