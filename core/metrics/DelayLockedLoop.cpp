#include "metrics/DelayLockedLoop.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace soundlab::metrics {

const char* resyncReasonName(ClockResync reason) {
    switch (reason) {
        case ClockResync::None:
            return "none";
        case ClockResync::StreamStart:
            return "stream_start";
        case ClockResync::Xrun:
            return "xrun";
        case ClockResync::Discontinuity:
            return "discontinuity";
        case ClockResync::TimingJump:
            return "timing_jump";
        case ClockResync::Reset:
            return "reset";
    }
    return "none";
}

int64_t ClockEstimate::steadyNsAt(int64_t p) const {
    return syncNs + int64_t(std::llround((time + double(p - position) * secondsPerSample) * 1e9));
}

int64_t ClockEstimate::blockStartNear(int64_t steadyNs) const {
    if (frames <= 0 || secondsPerSample <= 0.0) return position;
    const double seconds = double(steadyNs - syncNs) * 1e-9 - time;
    const double blocks = std::round(seconds / (secondsPerSample * frames));
    return position + int64_t(blocks) * frames;
}

void DelayLockedLoop::restart(ClockResync reason) {
    awaitingPace_ = false;
    estimate_.tracking = false;
    estimate_.settled = false;
    ++estimate_.resyncs;
    estimate_.lastResync = reason;
    pending_ = reason;
}

ClockResync DelayLockedLoop::update(uint64_t generation, int64_t position, int32_t frames,
                                    double sampleRate, int64_t steadyNs, uint32_t status) {
    if (frames <= 0 || !(sampleRate > 0.0)) return ClockResync::None;
    ClockEstimate& s = estimate_;
    const double blockSeconds = double(frames) / sampleRate;
    // At the device's pace: at least half a block after the previous callback, not in a burst.
    const bool atPace = double(steadyNs - previousNs_) >= 0.5e9 * blockSeconds;
    previousNs_ = steadyNs;
    if (!s.tracking) {
        sync(generation, position, frames, sampleRate, steadyNs, pending_);
        return s.lastResync;
    }
    const double now = double(steadyNs - s.syncNs) * 1e-9;
    const double error = now - predicted_;
    ClockResync reason = ClockResync::None;
    if (generation != s.generation || sampleRate != s.sampleRate)
        reason = ClockResync::StreamStart;
    else if (status & kXrunBits)
        reason = ClockResync::Xrun;
    else if (position != s.position + s.frames)
        reason = ClockResync::Discontinuity;
    else if (!awaitingPace_ &&
             std::abs(error) > std::max(kJumpBlocks * blockSeconds, kMinJumpSeconds))
        reason = ClockResync::TimingJump;
    if (reason != ClockResync::None) {
        restart(reason);
        sync(generation, position, frames, sampleRate, steadyNs, reason);
        // A late callback: the device may call back for the blocks it missed back to back.
        awaitingPace_ = reason == ClockResync::Xrun || reason == ClockResync::TimingJump;
        return reason;
    }
    // Catching up after a late callback, each block earlier than the grid: none of them says
    // where the grid is, and fed to the loop they bent the period (531 ppm read for 500). The
    // loop syncs again on each, the same resync, up to the first block at the device's pace.
    if (awaitingPace_) {
        sync(generation, position, frames, sampleRate, steadyNs, s.lastResync);
        awaitingPace_ = !atPace;
        return ClockResync::None;
    }

    // Wide at the sync, then narrower as the loop has seen more, down to the final width. The
    // period's gain follows all the time it has learned, the phase's only the time since the sync
    // (they differ after a resync of the same stream, which keeps the learned period).
    const auto narrowed = [](double seconds) {
        return std::clamp(kBandwidthSeconds / std::max(seconds, 1e-9), kFinalBandwidthHz,
                          kStartBandwidthHz);
    };
    const double bandwidth = narrowed(now);
    const double periodBandwidth = narrowed(periodLearnedSeconds_ + now);
    const double omega = 2.0 * std::numbers::pi * bandwidth * blockSeconds;
    const double periodOmega = 2.0 * std::numbers::pi * periodBandwidth * blockSeconds;
    const double b = std::numbers::sqrt2 * omega;
    const double c = periodOmega * periodOmega;
    s.time = predicted_;
    s.position = position;
    s.frames = frames;
    predicted_ += b * error + s.secondsPerSample * frames;
    s.secondsPerSample += c * error / frames;
    // The skew as a one-pole average of the period over kPpmSmoothingSeconds (the period itself
    // still carries the jitter the loop lets through), shorter just after the sync (a quarter of
    // the time since) so that it does not lag behind the loop's first estimates.
    const double smoothing = std::min(kPpmSmoothingSeconds, (periodLearnedSeconds_ + now) / 4.0);
    smoothedSecondsPerSample_ += std::min(1.0, blockSeconds / std::max(smoothing, blockSeconds)) *
                                 (s.secondsPerSample - smoothedSecondsPerSample_);
    s.bandwidthHz = bandwidth;
    s.settled = now >= kSettledSeconds;
    s.ppm = (1.0 / (smoothedSecondsPerSample_ * sampleRate) - 1.0) * 1e6;
    // Device − host time since the sync block, with that block's host time read off the loop's
    // line once it has narrowed to its final width (not the callback's own time: its jitter, up
    // to a period on a late callback after an xrun, would stay in the drift; nor earlier, when
    // the line's slope is not yet good enough to go back that far). Until then: skew × time.
    const double deviceSeconds = double(position - s.syncPosition) / sampleRate;
    const double lineSeconds = double(position - s.syncPosition) * s.secondsPerSample;
    if (bandwidth <= kFinalBandwidthHz && !syncTimeFixed_) {
        syncTime_ = s.time - lineSeconds;
        syncTimeFixed_ = true;
    }
    s.driftMs = (deviceSeconds - (syncTimeFixed_ ? s.time - syncTime_ : lineSeconds)) * 1e3;
    s.secondsTracked = now;
    ++s.blocks;
    return ClockResync::None;
}

void DelayLockedLoop::sync(uint64_t generation, int64_t position, int32_t frames, double sampleRate,
                           int64_t steadyNs, ClockResync reason) {
    ClockEstimate& s = estimate_;
    // The same stream after an xrun, lost records or a late callback: its clock's rate has not
    // changed, only the phase is lost. Keeping the learned period keeps the skew readout steady
    // (starting it over, the jitter of the first wide-open seconds read as thousands of ppm) --
    // once it was learned over kSettledSeconds: a period from the first second's jitter (a
    // stream's start is the most irregular) would weigh on the estimate for minutes.
    const bool sameClock = (reason == ClockResync::Xrun || reason == ClockResync::Discontinuity ||
                            reason == ClockResync::TimingJump) &&
                           generation == s.generation && sampleRate == s.sampleRate &&
                           periodLearnedSeconds_ + s.secondsTracked >= kSettledSeconds;
    if (sameClock) {
        periodLearnedSeconds_ += s.secondsTracked;
    } else {
        periodLearnedSeconds_ = 0.0;
        s.secondsPerSample = smoothedSecondsPerSample_ = 1.0 / sampleRate;
        s.ppm = 0.0;
    }
    s.generation = generation;
    s.tracking = true;
    s.settled = false;
    s.sampleRate = sampleRate;
    s.frames = frames;
    s.syncNs = steadyNs;
    s.syncPosition = s.position = position;
    s.time = 0.0;
    s.bandwidthHz = kStartBandwidthHz;
    s.driftMs = s.secondsTracked = 0.0;
    s.blocks = 1;
    s.lastResync = reason;
    predicted_ = s.secondsPerSample * frames;
    syncTime_ = 0.0;
    syncTimeFixed_ = false;
    pending_ = ClockResync::StreamStart;
}

}  // namespace soundlab::metrics
