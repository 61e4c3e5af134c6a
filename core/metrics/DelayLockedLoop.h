#pragma once

#include <cstdint>

namespace soundlab::metrics {

// Why the loop started over (SPEC §6: "reset on xrun and stream restart").
enum class ClockResync : uint8_t {
    None,
    StreamStart,    // a new stream (or the first block the loop sees)
    Xrun,           // the block carries BlockStatus bits (input overflow / output underflow)
    Discontinuity,  // the block does not start where the previous one ended (records lost)
    TimingJump,     // the callback came far from where the loop expected it (lost periods)
    Reset,          // asked for (POST /api/latency/drift/reset)
};
const char* resyncReasonName(ClockResync reason);

// What the loop knows about a stream's clock at one moment: a plain value for snapshots.
//
// The device clock (its sample position) mapped to the steady clock: the loop's time of sample p
// is syncNs + (time + (p − position) · secondsPerSample) s. Skew and drift are positive when the
// device runs fast (more samples per host second than its nominal rate).
struct ClockEstimate {
    uint64_t generation = 0;  // the stream it describes (ProcessingChain::prepare count)
    bool tracking = false;    // synced to a block of this stream
    bool settled = false;     // kSettledSeconds after the sync: the alignment goal holds
    double sampleRate = 0.0;  // nominal
    int32_t frames = 0;       // of the latest block
    int64_t syncNs = 0;       // steady clock of the block the loop synced to
    int64_t syncPosition = 0;
    int64_t position = 0;     // start of the latest block
    double time = 0.0;        // the loop's time of `position`, seconds after syncNs
    double secondsPerSample = 0.0;  // the loop's filtered sample period
    double bandwidthHz = 0.0;       // the loop's bandwidth now
    double ppm = 0.0;  // skew, smoothed over kPpmSmoothingSeconds (less just after the sync)
    double driftMs = 0.0;  // device time − host time since the sync (see update())
    double secondsTracked = 0.0;    // host seconds since the sync
    uint64_t blocks = 0;            // since the sync
    uint64_t resyncs = 0;           // restarts of the loop (stream starts, xruns, resets)
    ClockResync lastResync = ClockResync::None;

    // The loop's steady-clock time of sample `p`, ns (meaningful while tracking).
    int64_t steadyNsAt(int64_t p) const;
    // The start of the block (on the grid of the latest block's size) whose callback came
    // closest to `steadyNs`: identifies a block by its callback time when jitter < half a block.
    int64_t blockStartNear(int64_t steadyNs) const;
    double driftRateMsPerSecond() const { return ppm * 1e-3; }
};

// A second-order delay-locked loop mapping a stream's sample position to the steady clock, after
// F. Adriaensen, "Using a DLL to filter time" (LAC 2005): per block, with e the callback time's
// error against the prediction,
//     t0 = t1;  t1 += b·e + period;  period += c·e;   ω = 2π·B·T,  b = √2·ω,  c = ω²
// (T the nominal block duration). It starts wide (kStartBandwidthHz: a fast lock from the first
// callback's jitter) and narrows as B = kBandwidthSeconds / t with the time t since the sync (its
// memory grows with what it has seen, like a least-squares fit) down to kFinalBandwidthHz
// (docs/latency.md, "Drift": why these figures). A block with xrun bits, one that does not follow
// the previous one, or a callback more than a jump limit off the prediction makes it start over;
// as the stream and so its clock are the same, it keeps the period it learned (and the period's
// narrow gain) and only locks the phase again from wide open. After a late callback it syncs
// again on each block until one comes at the device's pace (a device with buffer to spare calls
// back for the missed blocks back to back, each earlier than the grid).
//
// Threading: plain value; one thread feeds it (the performance monitor's, under its lock).
class DelayLockedLoop {
public:
    static constexpr double kStartBandwidthHz = 1.0;
    static constexpr double kBandwidthSeconds = 0.5;    // B·t while narrowing
    static constexpr double kFinalBandwidthHz = 0.005;  // reached 100 s after a sync
    // From here on the alignment goal holds (< 0.1 ms; 0.05 ms in the simulation).
    static constexpr double kSettledSeconds = 10.0;
    static constexpr double kPpmSmoothingSeconds = 5.0;
    // A callback this far off the prediction is a discontinuity, not jitter: the larger of
    // kJumpBlocks block durations and kMinJumpSeconds.
    static constexpr double kJumpBlocks = 2.0;
    static constexpr double kMinJumpSeconds = 0.010;
    // BlockStatus bits (audio/AudioBackend.h) that mean an xrun.
    static constexpr uint32_t kXrunBits = 0x3u;

    // Starts over: the next block syncs the loop. Counts a resync with `reason`.
    void restart(ClockResync reason);
    // One block: it started at sample `position` of stream `generation` (`frames` long, at the
    // nominal `sampleRate`), its callback came at `steadyNs`, with BlockStatus bits `status`.
    // Returns why the loop synced to this block, or None when it filtered it.
    ClockResync update(uint64_t generation, int64_t position, int32_t frames, double sampleRate,
                       int64_t steadyNs, uint32_t status);
    const ClockEstimate& estimate() const { return estimate_; }

private:
    void sync(uint64_t generation, int64_t position, int32_t frames, double sampleRate,
              int64_t steadyNs, ClockResync reason);

    ClockEstimate estimate_;
    ClockResync pending_ = ClockResync::StreamStart;  // the reason of the next sync
    double predicted_ = 0.0;   // t1: the predicted time of the next block, s after syncNs
    double smoothedSecondsPerSample_ = 0.0;
    double syncTime_ = 0.0;  // the sync block's time on the narrowed loop's line, s after syncNs
    // Host seconds the period estimate learned before the latest sync (kept across resyncs of
    // the same stream; see sync()).
    double periodLearnedSeconds_ = 0.0;
    bool syncTimeFixed_ = false;
    int64_t previousNs_ = 0;     // the previous block's callback
    bool awaitingPace_ = false;  // synced to a late callback; see update()
};

}  // namespace soundlab::metrics
