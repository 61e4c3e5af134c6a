#pragma once

#include "phi/MidiEvents.h"
#include "phi/PhiTypes.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace soundlab::phi {

// The stretch of steady time (nanoseconds) a chunk of audio stands for: its `frames` samples
// map linearly onto [startNs, endNs). ProcessingChain gives each callback the period that just
// ended, [callback start − frames/fs, callback start), so an event is heard one period after it
// arrived, at the same position within the period: constant latency, no jitter.
struct BlockWindow {
    int64_t startNs = 0;
    int64_t endNs = 0;
};

// `midi`: Control Change 1 (mod wheel, any channel) → depth = value/127·Φ; pitch bend (any
// channel) → phase = wrap(π·bend/8192), so the wheel at rest (centre) is phase 0, fully up
// ≈ +π and fully down −π (the two ends meet at π). Before the first event of each kind the
// source holds depth 0 / phase 0; afterwards the last values hold (a closed or vanished port
// keeps them too).
//
// Audio thread only. Each chunk, collect() pops the events that arrived before the chunk's
// window ended (later ones stay queued for the next chunk) and places each at its sample offset
// (sampleOffset()); PhiController then runs the chunk in segments and apply()s each change at
// its offset. No allocation: the changes of a chunk go into a fixed array; past its size, the
// remaining events of the chunk merge into the last change (only the latest value counts).
class MidiSource {
public:
    static constexpr int kMaxChangesPerChunk = 32;

    explicit MidiSource(MidiEventQueue::Consumer events) : events_(std::move(events)) {}

    // Where in a chunk of `frames` samples spanning `window` an event that arrived at `t` takes
    // effect: floor((t − start)/(end − start)·frames), clamped to [0, frames − 1] (an event from
    // before the window, e.g. after a stalled callback, applies at the chunk's first sample).
    static int sampleOffset(int64_t t, BlockWindow window, int frames) noexcept {
        if (frames <= 1 || window.endNs <= window.startNs || t <= window.startNs) return 0;
        const double position =
            double(t - window.startNs) / double(window.endNs - window.startNs) * double(frames);
        return std::clamp(int(position), 0, frames - 1);
    }

    static double depthFor(int modWheel) noexcept { return double(modWheel) / 127.0 * dsp::kPhi; }
    static double phaseFor(int bend) noexcept { return wrapPhase(kPi * double(bend) / 8192.0); }

    // Pops the events that arrived before window.endNs; returns how many changes (distinct
    // offsets, ascending) the chunk has.
    int collect(BlockWindow window, int frames) noexcept {
        count_ = 0;
        windowEndNs_ = window.endNs;
        while (const MidiEvent* event = events_.peek()) {
            if (event->arrivalNs >= window.endNs) break;  // belongs to a later chunk
            const int offset = sampleOffset(event->arrivalNs, window, frames);
            if (count_ == 0 ||
                (changes_[count_ - 1].offset != offset && count_ < kMaxChangesPerChunk)) {
                changes_[count_++] = Change{offset};
            }
            Change& change = changes_[count_ - 1];
            if (event->kind == MidiEvent::Kind::ModWheel)
                change.modWheel = event->value;
            else
                change.bend = event->value;
            change.arrivalNs = event->arrivalNs;
            ++change.events;
            events_.pop();
        }
        return count_;
    }
    int changeOffset(int i) const noexcept { return changes_[i].offset; }

    // Makes change `i` of the current chunk the source's value.
    void apply(int i) noexcept {
        const Change& change = changes_[i];
        if (change.modWheel >= 0) {
            modWheel_ = change.modWheel;
            out_.depth = depthFor(modWheel_);
        }
        if (change.bend != kNoBend) {
            bend_ = change.bend;
            out_.phase = phaseFor(bend_);
        }
        lastArrivalNs_ = change.arrivalNs;
        lastAppliedNs_ = windowEndNs_;
        eventsApplied_ += change.events;
    }

    Output output() const noexcept { return out_; }
    int modWheel() const noexcept { return modWheel_; }  // −1 before the first CC1
    int bend() const noexcept { return bend_; }          // kNoBend before the first bend
    int64_t lastArrivalNs() const noexcept { return lastArrivalNs_; }  // 0 before any event
    // The end of the window of the chunk that applied the latest event (its callback's start).
    int64_t lastAppliedNs() const noexcept { return lastAppliedNs_; }
    uint64_t events() const noexcept { return eventsApplied_; }

    static constexpr int kNoBend = kNoMidiBend;

private:
    struct Change {
        int offset = 0;
        int modWheel = -1;
        int bend = kNoBend;
        int64_t arrivalNs = 0;
        uint32_t events = 0;
    };

    MidiEventQueue::Consumer events_;
    std::array<Change, kMaxChangesPerChunk> changes_{};
    int count_ = 0;
    Output out_{0.0, 0.0};
    int modWheel_ = -1;
    int bend_ = kNoBend;
    int64_t lastArrivalNs_ = 0;
    int64_t lastAppliedNs_ = 0;
    int64_t windowEndNs_ = 0;
    uint64_t eventsApplied_ = 0;
};

}  // namespace soundlab::phi
