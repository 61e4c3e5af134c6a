#include "phi/MidiInput.h"

#include <RtMidi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>

namespace soundlab::phi {

namespace {

constexpr auto kScanInterval = std::chrono::milliseconds(250);
constexpr auto kApiRetryInterval = std::chrono::seconds(5);
constexpr auto kFirstScanWait = std::chrono::seconds(2);
constexpr const char* kClientName = "soundlab-midi";
constexpr const char* kPortName = "phi_in";

int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct MidiInput::Receiver {
    explicit Receiver(MidiEventQueue::Producer p) : producer(std::move(p)) {}
    MidiEventQueue::Producer producer;
    std::atomic<uint64_t> dropped{0};
    // The MIDI thread's latest RtMidi error text; written by RtMidi's error callback, which
    // runs on the MIDI thread (calls into RtMidi) or, rarely, on RtMidi's input thread.
    std::mutex errorMutex;
    std::string error;

    // RtMidi's input thread: stamp, decode, push. No lock, no allocation.
    static void onMessage(double, std::vector<unsigned char>* message, void* user) {
        const int64_t now = steadyNowNs();
        auto* self = static_cast<Receiver*>(user);
        if (!message) return;
        if (const auto event = decodeMidi(message->data(), message->size(), now))
            if (!self->producer.push(*event)) self->dropped.fetch_add(1, std::memory_order_relaxed);
    }
    static void onError(RtMidiError::Type, const std::string& text, void* user) {
        auto* self = static_cast<Receiver*>(user);
        std::lock_guard lock(self->errorMutex);
        self->error = text;
    }
};

MidiInput::MidiInput(MidiEventQueue::Producer producer, JackProbe jackAnswers)
    : receiver_(std::make_unique<Receiver>(std::move(producer))),
      jackAnswers_(std::move(jackAnswers)) {}

MidiInput::~MidiInput() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();  // the RtMidiIn dies with the thread, first
}

void MidiInput::startLocked() {
    if (started_) return;
    started_ = true;
    thread_ = std::thread([this] { run(); });
}

void MidiInput::select(std::string port) {
    {
        std::lock_guard lock(mutex_);
        wanted_ = std::move(port);
        reselect_ = true;
        connected_ = false;  // until the MIDI thread has (re)opened it
        startLocked();
    }
    wake_.notify_all();
}

MidiInputStatus MidiInput::status() const {
    std::lock_guard lock(mutex_);
    return {wanted_, connected_};
}

MidiPortList MidiInput::ports() {
    std::unique_lock lock(mutex_);
    startLocked();
    scanned_.wait_for(lock, kFirstScanWait, [this] { return scans_ > 0; });
    return list_;
}

uint64_t MidiInput::dropped() const {
    return receiver_->dropped.load(std::memory_order_relaxed);
}

// The MIDI thread: every RtMidi call happens here (RtMidi is not thread-safe), except the input
// callback, which RtMidi runs on its own thread.
void MidiInput::run() {
    using Clock = std::chrono::steady_clock;
    std::unique_ptr<RtMidiIn> in;
    std::string api;
    std::string open;  // the name of the port we are connected to; empty: none
    Clock::time_point lastApiTry{};
    bool rebuild = true;

    const auto noteError = [this](const std::string& text) {
        std::lock_guard lock(receiver_->errorMutex);
        receiver_->error = text;
    };
    const auto create = [&](RtMidi::Api which) -> std::unique_ptr<RtMidiIn> {
        try {
            auto midi = std::make_unique<RtMidiIn>(which, kClientName);
            midi->setErrorCallback(&Receiver::onError, receiver_.get());
            midi->setCallback(&Receiver::onMessage, receiver_.get());
            return midi;
        } catch (const RtMidiError& e) {
            noteError(e.getMessage());
            return nullptr;
        }
    };
    const auto close = [&] {
        if (!in || open.empty()) return;
        try {
            in->closePort();
        } catch (const RtMidiError& e) {
            noteError(e.getMessage());
        }
        open.clear();
    };

    for (;;) {
        std::string wanted;
        {
            std::unique_lock lock(mutex_);
            if (scans_ > 0)
                wake_.wait_for(lock, kScanInterval, [this] { return quit_ || reselect_; });
            if (quit_) break;
            wanted = wanted_;
            if (std::exchange(reselect_, false)) rebuild = true;
        }

        if (rebuild || (!in && Clock::now() - lastApiTry >= kApiRetryInterval)) {
            // JACK when a server answers, else ALSA (docs/phi.md "MIDI").
            close();
            in.reset();
            api.clear();
            lastApiTry = Clock::now();
            rebuild = false;
            if (jackAnswers_ && jackAnswers_()) {
                in = create(RtMidi::UNIX_JACK);
                if (in) api = "jack";
            }
            // Without the sequencer device RtMidi's ALSA API fails (and says so on stderr, every
            // retry): not worth asking.
            if (!in && std::filesystem::exists("/dev/snd/seq")) {
                in = create(RtMidi::LINUX_ALSA);
                if (in) api = "alsa";
            }
        }

        std::vector<std::string> names;
        if (in) {
            try {
                const unsigned count = in->getPortCount();
                for (unsigned i = 0; i < count; ++i) names.push_back(in->getPortName(i));
            } catch (const RtMidiError& e) {
                noteError(e.getMessage());
            }
        }

        // A port that went away is closed (reported disconnected); the wanted one is (re)opened
        // as soon as a port of that name is listed.
        if (!open.empty() &&
            (open != wanted || std::find(names.begin(), names.end(), open) == names.end()))
            close();
        if (in && open.empty() && !wanted.empty()) {
            const auto it = std::find(names.begin(), names.end(), wanted);
            if (it != names.end()) {
                try {
                    in->openPort(unsigned(it - names.begin()), kPortName);
                    if (in->isPortOpen()) open = wanted;
                } catch (const RtMidiError& e) {
                    noteError(e.getMessage());
                }
            }
        }

        MidiPortList list{api, std::move(names), {}};
        {
            std::lock_guard lock(receiver_->errorMutex);
            list.error = receiver_->error;
        }
        {
            std::lock_guard lock(mutex_);
            list_ = std::move(list);
            // A select() that came in meanwhile is not connected yet: it rebuilds next round.
            connected_ = !reselect_ && !open.empty() && open == wanted_;
            ++scans_;
        }
        scanned_.notify_all();
    }
    close();
}

}  // namespace soundlab::phi
