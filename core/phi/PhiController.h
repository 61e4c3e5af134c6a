#pragma once

#include "dsp/EngineParameters.h"
#include "dsp/ParameterError.h"
#include "phi/AudioSource.h"
#include "phi/InternalSource.h"
#include "phi/ManualSource.h"
#include "phi/MidiEvents.h"
#include "phi/MidiSource.h"
#include "phi/PhiTypes.h"
#include "phi/SensorSource.h"
#include "rt/TripleBuffer.h"

#include <mutex>
#include <optional>
#include <vector>

namespace soundlab::phi {

// Checks every field against its range; the errors name the API's JSON paths (e.g.
// "manual.depth"). Empty: valid.
std::vector<dsp::ParameterError> validate(const Settings& settings);

// Turns the Φ sources into the engine's PhiInput, once per block (SPEC §4, docs/phi.md).
//
// Every source runs every block, whether it is heard or not: the outgoing source keeps running
// through a fade, an incoming one starts from its live state, and the envelope is always current
// for the API. Switching source crossfades over 100 ms on a raised cosine w = ½ − ½·cos(π·p)
// (p = elapsed/100 ms): depth = from + w·(to − from), phase = from + w·arc(from → to) along the
// shortest arc, so 6.2 → 0.1 rad goes up through 2π, never through π. A switch during a fade
// starts from where the fade is: the source that was fading in becomes the outgoing one, carrying
// the difference between the blend and its own value as an offset that the new fade fades out.
// The engine ramps its Φ input per sample within the block (ChromaticFieldEngine), so the
// per-block output is smooth at the samples. Where a MIDI event lands within a block, the block
// is run in segments split at the event's sample offset: the engine gets the new value from that
// sample on (and ramps from there), not from the next block.
//
// Threading:
//  - prepare(): control thread, stream stopped.
//  - process(): the audio thread only; no locks, no allocation.
//  - takeMidiProducer(): control side, once (AudioEngine hands the end to its MidiInput).
//  - setSettings(), setSensor(): control side, one writer at a time each (AudioEngine
//    serialises); they reach the audio thread through triple buffers (latest wins).
//  - state(): any non-audio thread; readers share a short lock among themselves that the audio
//    thread never takes (it only writes the triple buffer).
class PhiController {
public:
    PhiController();

    void prepare(double sampleRate);

    // Audio thread: runs a chunk of `frames` samples of `input` that stands for `window` of
    // steady time. MIDI events that arrived before the window's end are applied at their sample
    // offsets; the chunk is cut there into segments, and `segment(offset, frames, phi)` is called
    // for each, in order, covering [0, frames): the Φ input for those samples. Without MIDI
    // events in the chunk that is one call for the whole chunk. The state is published once,
    // after the chunk.
    template <typename Segment>
    void process(const float* input, int frames, BlockWindow window, Segment&& segment) noexcept {
        if (frames <= 0) return;
        takeControl();
        const int changes = midi_.collect(window, frames);
        int position = 0;
        for (int i = 0; i < changes; ++i) {
            const int offset = midi_.changeOffset(i);
            if (offset > position) {
                segment(position, offset - position,
                        advance(at(input, position), offset - position));
                position = offset;
            }
            midi_.apply(i);
        }
        segment(position, frames - position, advance(at(input, position), frames - position));
        publish();
    }

    // Audio thread: the same for a chunk that ends now (events that arrived until now count);
    // returns the Φ input at the chunk's end.
    dsp::PhiInput process(const float* input, int frames) noexcept;

    // The producer end of the queue the `midi` source reads: handed out once (empty after).
    std::optional<MidiEventQueue::Producer> takeMidiProducer();

    // Control side.
    void setSettings(const Settings& settings) { settings_.write(settings); }
    void setSensor(const SensorValues& values) { sensor_.write(values); }
    // Readers: the state published after the latest block (the initial state before any).
    State state() const;

    // Audio-thread side: the active (incoming) source, for the metrics records.
    Mode activeMode() const noexcept { return active_; }
    // Audio-thread side, for tests: the latest output of one source.
    Output sourceOutput(Mode mode) const noexcept { return outputs_[int(mode)]; }

private:
    static const float* at(const float* input, int offset) noexcept {
        return input ? input + offset : nullptr;
    }
    explicit PhiController(std::pair<MidiEventQueue::Producer, MidiEventQueue::Consumer> midi);
    void takeControl() noexcept;
    void startFade(Mode to) noexcept;
    // Advances every source by `frames` samples and evaluates the crossfade.
    dsp::PhiInput advance(const float* input, int frames) noexcept;
    void publish() noexcept;

    double sampleRate_ = 48000.0;
    TripleBuffer<Settings> settings_;
    TripleBuffer<SensorValues> sensor_;
    // Mutable: a reader's read() moves the front index; readers_ serialises the readers.
    mutable TripleBuffer<State> published_;

    // Audio thread only (and prepare()).
    Settings current_;
    ManualSource manual_;
    AudioSource audio_;
    InternalSource internal_;
    SensorSource sensorSource_;
    MidiSource midi_;
    Output outputs_[kModeCount]{};
    Mode active_ = Mode::Manual;
    bool fading_ = false;
    Mode from_ = Mode::Manual;
    Output fromOffset_{};       // depth and phase added to the outgoing source (a switch mid-fade)
    double fadeElapsed_ = 0.0;  // samples
    Output last_{};
    double progress_ = 1.0;  // of the fade, as of the latest segment
    int64_t blockNs_ = 0;    // when this chunk took its settings (State::blockNs)
    uint64_t blocks_ = 0;

    std::mutex producerMutex_;
    std::optional<MidiEventQueue::Producer> midiProducer_;

    mutable std::mutex readers_;  // readers only: one triple-buffer reader at a time
    mutable State lastState_;
};

}  // namespace soundlab::phi
