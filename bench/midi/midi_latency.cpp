// Measures the `midi` Φ source's latency on a JACK server: AudioEngine runs on JACK, a MIDI
// controller of this program's own (libjack) sends CC1 at a steady rate, Soundlab's MIDI input
// (RtMidi, JACK MIDI) receives it, and the audio thread applies it. For every event it prints
// percentiles of
//   arrival → block: from RtMidi's callback stamping the event to the start of the audio
//                    callback that applies it (the wait for the next block), and
//   send → block:    from the controller queueing it (before its JACK cycle) to that start,
// in milliseconds and as a fraction of the JACK period. The event is then heard at its arrival
// position one period later (docs/phi.md "MIDI"): that part is fixed by design.
//
//   midi_latency [seconds] [events_per_second]
//
// Needs a running JACK server (JACK_DEFAULT_SERVER), e.g. jackd -S -n bench -d dummy -p 256.

#include "engine/AudioEngine.h"

#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>

#include <QCoreApplication>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A JACK client with one MIDI output; send() queues CC1 for its next cycle.
struct Controller {
    jack_client_t* client = nullptr;
    jack_port_t* port = nullptr;
    jack_ringbuffer_t* ring = jack_ringbuffer_create(4096);

    bool open() {
        client = jack_client_open("midi-latency-controller", JackNoStartServer, nullptr);
        if (!client) return false;
        port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
        jack_set_process_callback(client, &Controller::process, this);
        return port && jack_activate(client) == 0;
    }
    void send(unsigned char value) {
        const unsigned char message[3] = {0xB0, 1, value};
        jack_ringbuffer_write(ring, reinterpret_cast<const char*>(message), 3);
    }
    static int process(jack_nframes_t frames, void* self) {
        auto* c = static_cast<Controller*>(self);
        void* buffer = jack_port_get_buffer(c->port, frames);
        jack_midi_clear_buffer(buffer);
        unsigned char message[3];
        while (jack_ringbuffer_read_space(c->ring) >= 3) {
            jack_ringbuffer_read(c->ring, reinterpret_cast<char*>(message), 3);
            jack_midi_event_write(buffer, 0, message, 3);
        }
        return 0;
    }
    ~Controller() {
        if (client) jack_client_close(client);
        jack_ringbuffer_free(ring);
    }
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
    const int rate = argc > 2 ? std::atoi(argv[2]) : 50;

    soundlab::AudioEngine engine;
    soundlab::StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("jack");
    if (auto error = engine.configure(config)) {
        std::fprintf(stderr, "%s\n", qPrintable(error->message));
        return 2;
    }
    if (auto error = engine.start()) {
        std::fprintf(stderr, "%s\n", qPrintable(error->message));
        return 1;
    }
    Controller controller;
    if (!controller.open()) {
        std::fprintf(stderr, "cannot open the JACK MIDI controller client\n");
        return 1;
    }
    engine.phiMidi().select(jack_port_name(controller.port));
    for (int i = 0; i < 100 && !engine.phiMidi().status().connected; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!engine.phiMidi().status().connected) {
        std::fprintf(stderr, "the MIDI input did not connect\n");
        return 1;
    }

    // The sender thread queues one CC1 every 1/rate s, recording when; this thread polls the
    // state the audio thread publishes and pairs each applied event with its send time.
    const int total = seconds * rate;
    std::vector<int64_t> sent(size_t(total), 0);
    const uint64_t base = engine.phiState().midiEvents;
    std::atomic<int> sentCount{0};
    std::thread sender([&] {
        for (int i = 0; i < total; ++i) {
            sent[size_t(i)] = steadyNs();
            sentCount.store(i + 1, std::memory_order_release);
            controller.send(static_cast<unsigned char>(i % 128));
            std::this_thread::sleep_for(std::chrono::microseconds(1000000 / rate));
        }
    });
    std::vector<double> arrivalToBlock, sendToBlock;
    uint64_t seen = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds + 1);
    while (std::chrono::steady_clock::now() < end) {
        const soundlab::phi::State s = engine.phiState();
        const uint64_t n = s.midiEvents - base;
        if (n == seen + 1 && n <= uint64_t(sentCount.load(std::memory_order_acquire))) {
            arrivalToBlock.push_back(double(s.midiLastAppliedNs - s.midiLastEventNs) * 1e-6);
            sendToBlock.push_back(double(s.midiLastAppliedNs - sent[size_t(n - 1)]) * 1e-6);
        }
        seen = n;
        std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    sender.join();
    const soundlab::AudioStatus status = engine.status();
    const soundlab::PerformanceStats p = engine.performance();
    engine.stop();

    const double periodMs = 1000.0 * status.stream.blockSize / status.stream.sampleRate;
    std::printf(
        "rate=%.0f period=%d (%.3f ms) events sent=%d applied=%llu paired=%zu dropped=%llu "
        "xruns out=%llu\n",
        status.stream.sampleRate, status.stream.blockSize, periodMs, total,
        (unsigned long long)seen, arrivalToBlock.size(),
        (unsigned long long)engine.phiMidi().dropped(), (unsigned long long)p.outputUnderflows);
    for (const auto& [name, v] :
         {std::pair{"arrival->block", &arrivalToBlock}, std::pair{"send->block", &sendToBlock}}) {
        const double p50 = percentile(*v, 0.5), p99 = percentile(*v, 0.99),
                     max = percentile(*v, 1.0);
        std::printf("%-15s p50=%.3f ms (%.2f period)  p99=%.3f ms (%.2f period)  max=%.3f ms\n",
                    name, p50, p50 / periodMs, p99, p99 / periodMs, max);
    }
    return 0;
}
