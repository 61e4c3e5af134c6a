#pragma once

#include "phi/MidiEvents.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace soundlab::phi {

// The MIDI ports one can open, as the latest scan found them.
struct MidiPortList {
    std::string api;                 // "jack", "alsa", or empty when no MIDI API answers
    std::vector<std::string> ports;  // JACK: "client:port"; ALSA: RtMidi's "Client:Port n:m"
    std::string error;               // the latest RtMidi error or warning, empty if none
};

// The control side's view of the MIDI input (GET /api/phi `midi`).
struct MidiInputStatus {
    std::string port;        // the port asked for (--midi-port, PUT midi.port); empty: none
    bool connected = false;  // that port is open and receiving
};

// The `midi` source's input: owns the RtMidiIn and the thread that drives it (docs/phi.md
// "MIDI").
//
// - API: JACK MIDI when a JACK server answers (`jackAnswers`: AudioEngine passes
//   JackBackend::available, the server libjack picks: JACK_DEFAULT_SERVER, else "default"; it
//   must never start one), else the ALSA sequencer (when /dev/snd/seq exists);
//   neither: no ports, and the MIDI thread tries again every 5 s. RtMidi errors are caught
//   (exceptions) or routed to an error callback (warnings); they end up in MidiPortList::error,
//   never in a crash.
// - The MIDI thread rescans the ports every 250 ms. The port asked for is opened as soon as a
//   port of that exact name exists; when it goes away the input reports disconnected and opens
//   it again automatically when a port of the same name reappears. Selecting a port (even the
//   same one again) rebuilds the RtMidi client, which also recovers from a JACK server restart.
// - RtMidi's input callback (its own thread: JACK's process thread, or RtMidi's ALSA thread)
//   decodes CC1 and pitch bend and pushes MidiEvents stamped with the steady clock into the
//   Producer end of the queue the audio thread reads. It never blocks or allocates; a full queue
//   drops the event (counted in dropped()).
//
// Threading: select(), status(), ports() from any non-audio thread; they take a short lock and
// never wait for MIDI I/O (except ports() once, for the first scan, bounded at 2 s). Nothing
// runs until the first select() or ports(): a Soundlab that never uses MIDI opens no client.
class MidiInput {
public:
    // Whether a JACK server answers now; called on the MIDI thread, must return in bounded time.
    using JackProbe = std::function<bool()>;
    MidiInput(MidiEventQueue::Producer producer, JackProbe jackAnswers);
    ~MidiInput();
    MidiInput(const MidiInput&) = delete;
    MidiInput& operator=(const MidiInput&) = delete;

    // Asks for `port` (empty: close); the MIDI thread opens it. Never waits.
    void select(std::string port);
    MidiInputStatus status() const;
    // The latest scan (every 250 ms). The first call starts the MIDI thread and waits up to 2 s
    // for its first scan.
    MidiPortList ports();
    // Events lost to a full queue (the audio thread not running for seconds).
    uint64_t dropped() const;

private:
    // What RtMidi's callback sees: the Producer end (pushed to by RtMidi's thread only) and the
    // drop count. Outlives the RtMidiIn, which lives on the MIDI thread.
    struct Receiver;
    void startLocked();
    void run();

    std::unique_ptr<Receiver> receiver_;
    JackProbe jackAnswers_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable scanned_;
    bool started_ = false;
    bool quit_ = false;
    bool reselect_ = false;
    std::string wanted_;
    bool connected_ = false;
    uint64_t scans_ = 0;
    MidiPortList list_;
    std::thread thread_;
};

}  // namespace soundlab::phi
