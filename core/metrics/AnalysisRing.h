#pragma once

#include "rt/BlockRing.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace soundlab::metrics {

inline constexpr int kAnalysisChannels = 8;

// One sample frame of what the chain played: the eight engine channels, the stereo output and
// the (mono) input.
struct AnalysisSample {
    std::array<float, kAnalysisChannels> channels;
    float left;
    float right;
    float input;
};
static_assert(std::is_trivially_copyable_v<AnalysisSample>);

// What the audio thread records about one block besides its samples.
struct AnalysisBlock {
    uint64_t generation = 0;      // stream starts (prepare() calls); a new one restarts the analysis
    int64_t samplePosition = 0;   // of the block's first frame, counted from the stream's start
    int32_t frames = 0;           // ≤ AnalysisRing::kMaxBlockFrames
    double sampleRate = 48000.0;
    int64_t callbackSteadyNs = 0;  // steady clock at callback entry: the block's capture time
    float orderParameter = 0.0f;   // Kuramoto R of the field at the block's end
    std::array<float, kAnalysisChannels> fieldPhases{};  // θ_k at the block's end, radians
    float phiPhase = 0.0f;  // what the engine got for this block
    float phiDepth = 0.0f;  // [0, Φ]
    uint8_t phiMode = 0;    // phi::Mode
    float cpuLoad = 0.0f;   // the previous block's processing time ÷ its duration
};
static_assert(std::is_trivially_copyable_v<AnalysisBlock>);

// The lock-free path from the audio thread to the metrics analysis (SPEC §5): one AnalysisBlock
// record per block plus its samples (BlockRing), allocated once for the worst case (96 kHz,
// 64-frame blocks), so that more than 300 ms of audio fits at any rate and block size. A block
// that does not fit whole is dropped whole and counted.
//
// Threading, in the types: the chain (audio thread) holds the Producer; the analysis thread holds
// the one Consumer. While no Consumer exists the producer pushes nothing (no analysis running:
// nothing to count as lost).
class AnalysisRing : public BlockRing<AnalysisBlock, AnalysisSample> {
public:
    static constexpr size_t kMaxBlockFrames = 2048;  // longer blocks are pushed as several records
    static constexpr size_t kSampleCapacity = 65535;  // 0.68 s at 96 kHz
    static constexpr size_t kBlockCapacity = 2047;    // 1.36 s of 64-frame blocks at 96 kHz

    AnalysisRing() : BlockRing(kSampleCapacity, kBlockCapacity, kMaxBlockFrames) {}
};

}  // namespace soundlab::metrics
