#pragma once

#include <readerwriterqueue.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>

namespace soundlab::phi {

// One decoded MIDI message the `midi` source uses, stamped with its arrival time (steady clock,
// nanoseconds) by the thread that received it.
struct MidiEvent {
    enum class Kind : uint8_t { ModWheel, PitchBend };
    Kind kind = Kind::ModWheel;
    int16_t value = 0;  // ModWheel: 0…127; PitchBend: −8192…8191 (0 = centre)
    int64_t arrivalNs = 0;
};
static_assert(std::is_trivially_copyable_v<MidiEvent>);

// Control Change 1 (mod wheel) on any channel and pitch bend on any channel; anything else
// (other controllers, notes, running status, SysEx, short messages) is not for Φ.
inline std::optional<MidiEvent> decodeMidi(const unsigned char* bytes, size_t size,
                                           int64_t arrivalNs) noexcept {
    if (size < 3) return std::nullopt;
    const unsigned status = bytes[0] & 0xF0u;
    if ((bytes[1] | bytes[2]) & 0x80u) return std::nullopt;  // data bytes are 7-bit
    if (status == 0xB0u && bytes[1] == 1)
        return MidiEvent{MidiEvent::Kind::ModWheel, int16_t(bytes[2]), arrivalNs};
    if (status == 0xE0u)  // LSB first, 14 bits, 8192 = centre
        return MidiEvent{MidiEvent::Kind::PitchBend,
                         int16_t(int(bytes[1] | (bytes[2] << 7)) - 8192), arrivalNs};
    return std::nullopt;
}

// The pre-allocated single-producer/single-consumer queue that carries MidiEvents from the MIDI
// input thread (RtMidi's) to the audio thread. Each end is a move-only handle of its own type,
// so which thread may push and which may pop shows in the types: the MIDI input holds the
// Producer, the `midi` source (audio thread) the Consumer. Both share ownership of the storage,
// so neither end's lifetime depends on the other thread. Neither end allocates or blocks: a full
// queue drops the event (push returns false) rather than grow.
class MidiEventQueue {
    using Queue = moodycamel::ReaderWriterQueue<MidiEvent>;

public:
    // ~4 s of a controller sending 1 000 events/s with the audio thread stalled.
    static constexpr size_t kCapacity = 4096;

    class Producer {
    public:
        bool push(const MidiEvent& event) noexcept { return queue_->try_enqueue(event); }

    private:
        friend class MidiEventQueue;
        explicit Producer(std::shared_ptr<Queue> queue) : queue_(std::move(queue)) {}
        std::shared_ptr<Queue> queue_;
    };

    class Consumer {
    public:
        // The oldest event, without removing it (nullptr: none).
        const MidiEvent* peek() const noexcept { return queue_->peek(); }
        void pop() noexcept { queue_->pop(); }

    private:
        friend class MidiEventQueue;
        explicit Consumer(std::shared_ptr<Queue> queue) : queue_(std::move(queue)) {}
        std::shared_ptr<Queue> queue_;
    };

    // Allocates the storage and hands out the two ends (once each).
    static std::pair<Producer, Consumer> create(size_t capacity = kCapacity) {
        auto queue = std::make_shared<Queue>(capacity);
        return {Producer(queue), Consumer(queue)};
    }
};

}  // namespace soundlab::phi
