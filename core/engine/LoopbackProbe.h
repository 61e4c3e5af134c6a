#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace soundlab {

// One loopback measurement slot, owned by the ProcessingChain for its whole life: the signal to
// play on both outputs and the input recorded in step with it, sample for sample.
//
// Nothing crosses threads but this object's atomic state word, so a stop, a restart, a timeout or
// a quick retry can never make the audio thread write into freed memory or finish somebody
// else's measurement. The word packs a generation (one per measurement) with the state:
//
//   Idle ──arm()──▶ Armed ──audio──▶ Running ──audio──▶ Finished ──take()──▶ Idle
//                     │                 │
//                     └──── cancel() ───┴──▶ Cancelling ──audio (or resetStopped())──▶ Idle
//
// "Finished" (the capture is ready, the audio thread is done with the buffers) and "released"
// (Idle: the control side may reuse them) are two states. Buffers are written by the control
// side only in Idle, by the audio thread only in Running.
//
// Threading: Control is used by one control thread at a time (AudioEngine serialises it);
// Audio by the audio thread only. Each side holds only its own view (see control()/audio()).
class LoopbackProbeSlot {
public:
    enum class State : uint32_t { Idle, Armed, Running, Finished, Cancelling };
    // Names one measurement; a stale ticket never matches a later one.
    struct Ticket {
        uint32_t generation = 0;
    };

    // The control side's view.
    class Control {
    public:
        // Idle → Armed. Allocates here, on the control thread. Empty when a measurement is still
        // armed, running, finished-not-taken or being cancelled.
        std::optional<Ticket> arm(std::vector<float> signal, size_t captureFrames) {
            return slot_.arm(std::move(signal), captureFrames);
        }
        // Where measurement `t` stands, from one read of the state word (two reads could see
        // "not finished", then "not pending", of one that finished in between).
        enum class Progress { Pending, Finished, Gone };
        Progress progress(Ticket t) const {
            const uint64_t word = slot_.word_.load(std::memory_order_acquire);
            if (word == pack(t.generation, State::Finished)) return Progress::Finished;
            if (word == pack(t.generation, State::Armed) ||
                word == pack(t.generation, State::Running))
                return Progress::Pending;
            return Progress::Gone;  // cancelled, taken, or dropped by a stream restart
        }
        bool finished(Ticket t) const { return progress(t) == Progress::Finished; }
        // Finished → Idle, handing over the capture. Empty if `t` is not finished.
        std::optional<std::vector<float>> take(Ticket t) { return slot_.take(t); }
        // Armed/Running → Cancelling (the audio thread releases it at its next block); a
        // measurement that finished meanwhile is released at once.
        void cancel(Ticket t) { slot_.cancel(t); }
        // Whether the slot is free for arm() (a cancelled measurement may still be releasing).
        bool idle() const { return slot_.stateOf(slot_.word_.load(std::memory_order_acquire)) ==
                                   State::Idle; }

    private:
        friend class LoopbackProbeSlot;
        explicit Control(LoopbackProbeSlot& slot) : slot_(slot) {}
        LoopbackProbeSlot& slot_;
    };

    // The audio thread's view.
    class Audio {
    public:
        // Plays/records `frames` samples if a measurement is armed or running; releases a
        // cancelled one. Wait-free, no allocation.
        void run(const float* input, float* left, float* right, int frames) noexcept {
            slot_.run(input, left, right, frames);
        }

    private:
        friend class LoopbackProbeSlot;
        explicit Audio(LoopbackProbeSlot& slot) : slot_(slot) {}
        LoopbackProbeSlot& slot_;
    };

    Control control() { return Control(*this); }
    Audio audio() { return Audio(*this); }

    // With no audio thread running (the stream stopped or not yet started): whatever the state,
    // back to Idle. A waiter holding a ticket then sees its measurement neither finished nor
    // pending and gives up.
    void resetStopped() { word_.store(pack(generation(), State::Idle), std::memory_order_release); }

    State state() const { return stateOf(word_.load(std::memory_order_acquire)); }

private:
    static constexpr uint64_t pack(uint32_t generation, State s) {
        return (uint64_t(generation) << 32) | uint64_t(s);
    }
    static constexpr State stateOf(uint64_t word) { return State(uint32_t(word)); }
    static constexpr uint32_t generationOf(uint64_t word) { return uint32_t(word >> 32); }
    uint32_t generation() const { return generationOf(word_.load(std::memory_order_acquire)); }

    bool is(Ticket t, State s) const { return word_.load(std::memory_order_acquire) ==
                                              pack(t.generation, s); }

    std::optional<Ticket> arm(std::vector<float> signal, size_t captureFrames) {
        const uint64_t word = word_.load(std::memory_order_acquire);
        if (stateOf(word) != State::Idle) return std::nullopt;
        // Idle: the audio thread does not touch the buffers; they are ours until the release.
        signal_ = std::move(signal);
        capture_.assign(captureFrames, 0.0f);
        position_ = 0;
        const Ticket ticket{generationOf(word) + 1};
        word_.store(pack(ticket.generation, State::Armed), std::memory_order_release);
        return ticket;
    }

    std::optional<std::vector<float>> take(Ticket t) {
        if (!is(t, State::Finished)) return std::nullopt;
        std::vector<float> capture = std::move(capture_);
        capture_ = {};
        word_.store(pack(t.generation, State::Idle), std::memory_order_release);
        return capture;
    }

    void cancel(Ticket t) {
        for (State from : {State::Armed, State::Running}) {
            uint64_t expected = pack(t.generation, from);
            if (word_.compare_exchange_strong(expected, pack(t.generation, State::Cancelling),
                                              std::memory_order_acq_rel))
                return;
        }
        uint64_t finished = pack(t.generation, State::Finished);
        word_.compare_exchange_strong(finished, pack(t.generation, State::Idle),
                                      std::memory_order_acq_rel);
    }

    void run(const float* input, float* left, float* right, int frames) noexcept {
        uint64_t word = word_.load(std::memory_order_acquire);
        const uint32_t g = generationOf(word);
        switch (stateOf(word)) {
            case State::Idle:
            case State::Finished:
                return;
            case State::Cancelling:
                word_.store(pack(g, State::Idle), std::memory_order_release);
                return;
            case State::Armed:
                // Fails only if the control side cancelled meanwhile; the next block releases it.
                if (!word_.compare_exchange_strong(word, pack(g, State::Running),
                                                   std::memory_order_acq_rel))
                    return;
                break;
            case State::Running:
                break;
        }
        for (int i = 0; i < frames && position_ < capture_.size(); ++i, ++position_) {
            const float out = position_ < signal_.size() ? signal_[position_] : 0.0f;
            left[i] = right[i] = out;
            capture_[position_] = input[i];
        }
        if (position_ < capture_.size()) return;
        uint64_t running = pack(g, State::Running);
        // Cancelled during this block: the buffers are no longer needed, release them.
        if (!word_.compare_exchange_strong(running, pack(g, State::Finished),
                                           std::memory_order_acq_rel))
            word_.store(pack(g, State::Idle), std::memory_order_release);
    }

    std::atomic<uint64_t> word_{pack(0, State::Idle)};
    // Owned by the control side in Idle, by the audio thread in Running (see the state word).
    std::vector<float> signal_;
    std::vector<float> capture_;
    size_t position_ = 0;
};

}  // namespace soundlab
