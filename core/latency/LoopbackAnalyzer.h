#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace soundlab::latency {

// What a loopback measurement says about the loop (docs/latency.md, "Verdicts").
enum class Verdict {
    Ok,
    NoSignal,  // the probe did not come back: no loop, muted, or buried in noise
    Clipping,  // the recording reached full scale: turn the loop down
    Inverted,  // the probe came back upside down (a polarity swap in the loop)
    Noisy,     // found, but with a low peak-to-noise ratio: the figure may be off
};
const char* verdictName(Verdict verdict);

// The probe: an exponential sine sweep (Farina 2000) at −6 dBFS peak, with short raised-cosine
// fades so that it starts and ends without a click. `bandLowHz`..`bandHighHz` is the band the
// analysis trusts (inside the sweep and away from its fades).
struct ProbeSignal {
    std::vector<float> samples;
    double sampleRate = 0.0;
    double bandLowHz = 0.0;
    double bandHighHz = 0.0;
};

struct SweepSettings {
    double sampleRate = 48000.0;
    double durationSeconds = 0.5;
    double startHz = 40.0;
    double endFraction = 0.4;  // of the sample rate
    double amplitude = 0.5;    // −6 dBFS peak
};
ProbeSignal makeSweep(const SweepSettings& settings);

struct LoopbackResult {
    Verdict verdict = Verdict::NoSignal;
    // Where the probe came back, in samples from where it was played (fractional); empty when
    // no signal came back.
    std::optional<double> roundTripSamples;
    // Peak of the impulse response over the RMS of its noise floor, in dB; and the same mapped
    // to [0, 1] (0 dB → 0, 60 dB and more → 1).
    double peakToNoiseDb = 0.0;
    double quality = 0.0;
    int polarity = 1;  // +1, or −1 when the loop inverts
    // Largest |sample| and samples at full scale in the probe's return (in the whole recording
    // when nothing came back): what the loop carried before the probe arrived does not count.
    double inputPeak = 0.0;
    size_t clippedSamples = 0;
};

// The pure analysis, without audio: the recording of a loopback against the probe that was
// played (both from the same sample on). Deconvolves the recording by the probe in the frequency
// domain (FFTW, double precision) to get the loop's impulse response; its peak gives the integer
// delay and the polarity, its peak-to-noise ratio the quality; the sub-sample part is the slope of
// the phase of the transfer function around that peak (weighted least squares over the probe's
// band), which is exact for a pure (fractional) delay. docs/latency.md says why.
//
// Thread: any; analyze() is reentrant (FFTW plans are made under a lock of its own).
class LoopbackAnalyzer {
public:
    // Thresholds of the verdicts.
    static constexpr double kNoSignalDb = 20.0;  // below: no_signal
    static constexpr double kNoisyDb = 40.0;     // below: noisy (quality < 2/3)
    static constexpr float kClipLevel = 0.999f;  // |sample| at or above: clipped
    static constexpr size_t kClippedToReport = 3;

    static LoopbackResult analyze(const ProbeSignal& probe, const std::vector<float>& recording);
};

}  // namespace soundlab::latency
