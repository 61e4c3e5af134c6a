#include "LoopbackAnalyzer.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>

namespace soundlab::latency {

namespace {

// FFTW's planner is not thread-safe (execution is). Double precision (libfftw3) has a planner
// of its own, apart from the single-precision one the metrics use.
std::mutex& plannerMutex() {
    static std::mutex mutex;
    return mutex;
}

struct FftwFree {
    void operator()(void* p) const { fftw_free(p); }
};
using RealBuffer = std::unique_ptr<double[], FftwFree>;
using ComplexBuffer = std::unique_ptr<fftw_complex[], FftwFree>;

// Real-to-complex transforms of one size, with buffers, planned once per analysis.
class Fft {
public:
    explicit Fft(size_t n)
        : n_(n),
          real_(static_cast<double*>(fftw_malloc(sizeof(double) * n))),
          spectrum_(static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)))) {
        std::lock_guard lock(plannerMutex());
        forward_ = fftw_plan_dft_r2c_1d(int(n), real_.get(), spectrum_.get(), FFTW_ESTIMATE);
        inverse_ = fftw_plan_dft_c2r_1d(int(n), spectrum_.get(), real_.get(), FFTW_ESTIMATE);
    }
    ~Fft() {
        std::lock_guard lock(plannerMutex());
        fftw_destroy_plan(forward_);
        fftw_destroy_plan(inverse_);
    }
    Fft(const Fft&) = delete;
    Fft& operator=(const Fft&) = delete;

    // The spectrum (bins 0..n/2) of `samples`, zero-padded to n.
    std::vector<std::complex<double>> forward(const std::vector<float>& samples) {
        std::fill(real_.get(), real_.get() + n_, 0.0);
        std::copy(samples.begin(), samples.begin() + std::min(samples.size(), n_), real_.get());
        fftw_execute(forward_);
        std::vector<std::complex<double>> out(n_ / 2 + 1);
        for (size_t k = 0; k < out.size(); ++k) out[k] = {spectrum_[k][0], spectrum_[k][1]};
        return out;
    }
    // The signal (scaled by 1/n) whose spectrum is `bins`.
    std::vector<double> inverse(const std::vector<std::complex<double>>& bins) {
        for (size_t k = 0; k < bins.size(); ++k) {
            spectrum_[k][0] = bins[k].real();
            spectrum_[k][1] = bins[k].imag();
        }
        fftw_execute(inverse_);
        std::vector<double> out(real_.get(), real_.get() + n_);
        for (double& v : out) v /= double(n_);
        return out;
    }

private:
    size_t n_;
    RealBuffer real_;
    ComplexBuffer spectrum_;
    fftw_plan forward_ = nullptr;
    fftw_plan inverse_ = nullptr;
};

size_t nextPowerOfTwo(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

// Raised-cosine edges over the band, so the impulse response does not ring for long.
double bandTaper(double f, double low, double high) {
    const double lowEnd = 2.0 * low;      // rises from low to 2·low
    const double highStart = 0.9 * high;  // falls from 0.9·high to high
    if (f <= low || f >= high) return 0.0;
    if (f < lowEnd) return 0.5 - 0.5 * std::cos(M_PI * (f - low) / (lowEnd - low));
    if (f > highStart) return 0.5 + 0.5 * std::cos(M_PI * (f - highStart) / (high - highStart));
    return 1.0;
}

}  // namespace

const char* verdictName(Verdict verdict) {
    switch (verdict) {
        case Verdict::Ok:
            return "ok";
        case Verdict::NoSignal:
            return "no_signal";
        case Verdict::Clipping:
            return "clipping";
        case Verdict::Inverted:
            return "inverted";
        case Verdict::Noisy:
            return "noisy";
    }
    return "no_signal";
}

ProbeSignal makeSweep(const SweepSettings& s) {
    ProbeSignal probe;
    probe.sampleRate = s.sampleRate;
    const size_t length = size_t(std::llround(s.durationSeconds * s.sampleRate));
    const double f1 = s.startHz;
    const double f2 = s.endFraction * s.sampleRate;
    const double t = s.durationSeconds;
    const double k = std::log(f2 / f1);
    // Farina's exponential sweep: instantaneous frequency f1·e^(t·k/T).
    const size_t fadeIn = size_t(0.02 * double(length));
    const size_t fadeOut = size_t(0.01 * double(length));
    probe.samples.resize(length);
    for (size_t n = 0; n < length; ++n) {
        const double time = double(n) / s.sampleRate;
        double v = std::sin(2.0 * M_PI * f1 * t / k * (std::exp(time * k / t) - 1.0));
        if (n < fadeIn) v *= 0.5 - 0.5 * std::cos(M_PI * double(n) / double(fadeIn));
        if (n + fadeOut >= length)
            v *= 0.5 - 0.5 * std::cos(M_PI * double(length - 1 - n) / double(fadeOut));
        probe.samples[n] = float(s.amplitude * v);
    }
    // Trusted band: clear of the fades (which sit at the sweep's lowest and highest
    // frequencies), and below 0.3·fs, where converters' and interpolators' filters are still
    // linear in phase.
    probe.bandLowHz = std::max(100.0, 2.5 * f1);
    probe.bandHighHz = std::min(0.3 * s.sampleRate, 0.9 * f2);
    return probe;
}

namespace {

// The loop's impulse response from the recording: Y/X over the trusted band, tapered at its
// edges, and the phase-fit weights.
struct Deconvolution {
    std::vector<std::complex<double>> transfer;
    std::vector<double> weight;
    std::vector<double> impulse;
};

Deconvolution deconvolve(Fft& fft, size_t n, const ProbeSignal& probe,
                         const std::vector<std::complex<double>>& x,
                         const std::vector<float>& recording) {
    const auto y = fft.forward(recording);
    double maxPower = 0.0;
    for (const auto& v : x) maxPower = std::max(maxPower, std::norm(v));
    Deconvolution d;
    d.transfer.assign(x.size(), {});
    d.weight.assign(x.size(), 0.0);
    for (size_t k = 0; k < x.size(); ++k) {
        const double taper =
            bandTaper(double(k) * probe.sampleRate / double(n), probe.bandLowHz, probe.bandHighHz);
        const double power = std::norm(x[k]);
        if (taper <= 0.0 || power < 1e-9 * maxPower) continue;
        d.transfer[k] = taper * y[k] * std::conj(x[k]) / power;
        d.weight[k] = taper * power;  // phase noise variance ∝ 1/|X|² for white noise on Y
    }
    d.impulse = fft.inverse(d.transfer);
    return d;
}

size_t peakIndex(const std::vector<double>& impulse, size_t maxLag) {
    size_t at = 0;
    for (size_t i = 0; i <= maxLag; ++i)
        if (std::abs(impulse[i]) > std::abs(impulse[at])) at = i;
    return at;
}

}  // namespace

LoopbackResult LoopbackAnalyzer::analyze(const ProbeSignal& probe,
                                         const std::vector<float>& recording) {
    LoopbackResult result;
    for (float v : recording) result.inputPeak = std::max(result.inputPeak, double(std::abs(v)));
    if (probe.samples.empty() || recording.empty() || result.inputPeak <= 0.0) return result;

    const size_t n = nextPowerOfTwo(probe.samples.size() + recording.size());
    const double fs = probe.sampleRate;
    Fft fft(n);
    const auto x = fft.forward(probe.samples);
    // The probe must have come back whole: lags from 0 to (recording − probe).
    const size_t maxLag =
        recording.size() > probe.samples.size() ? recording.size() - probe.samples.size() : 0;

    Deconvolution d = deconvolve(fft, n, probe, x, recording);
    size_t peakAt = peakIndex(d.impulse, maxLag);
    // Before the probe's return the input holds what the loop carried before it (on a live
    // stream: the engine's output fed back, possibly loud). It is not the probe's response:
    // gate it off and deconvolve again. The margin keeps a fractional delay's pre-ringing.
    constexpr size_t kGateMargin = 64;
    std::vector<float> gated;
    if (peakAt > kGateMargin) {
        gated = recording;
        std::fill(gated.begin(), gated.begin() + long(peakAt - kGateMargin), 0.0f);
        d = deconvolve(fft, n, probe, x, gated);
        peakAt = peakIndex(d.impulse, maxLag);
    }
    const std::vector<double>& impulse = d.impulse;
    const double peak = impulse[peakAt];

    // Noise floor: the response after the peak and its ringing (the band's low edge rings for a
    // few of its periods), which the gate did not touch; all around the peak when too short.
    const size_t guard = std::max<size_t>(256, size_t(std::ceil(4.0 * fs / probe.bandLowHz)));
    const auto noiseRmsOver = [&](size_t from, size_t to, size_t* count) {
        double energy = 0.0;
        *count = 0;
        for (size_t i = from; i <= to && i < impulse.size(); ++i) {
            if ((i > peakAt ? i - peakAt : peakAt - i) <= guard) continue;
            energy += impulse[i] * impulse[i];
            ++*count;
        }
        return *count ? std::sqrt(energy / double(*count)) : 0.0;
    };
    size_t count = 0;
    double noiseRms = noiseRmsOver(peakAt + guard, maxLag, &count);
    if (count < 256) noiseRms = noiseRmsOver(0, maxLag, &count);
    if (count < 256) noiseRms = noiseRmsOver(maxLag + guard, n - guard, &count);
    // Float recordings of a digital loop leave a floor near 1e-7 of the peak (140 dB).
    result.peakToNoiseDb = noiseRms > 0.0 ? 20.0 * std::log10(std::abs(peak) / noiseRms) : 200.0;
    result.quality = std::clamp(result.peakToNoiseDb / 60.0, 0.0, 1.0);
    result.polarity = peak < 0.0 ? -1 : 1;
    if (result.peakToNoiseDb < kNoSignalDb) {
        result.verdict = Verdict::NoSignal;
        return result;
    }

    // Level and clipping of the probe's return only (not of what came before it).
    const size_t to = std::min(recording.size(), peakAt + probe.samples.size() + kGateMargin);
    result.inputPeak = 0.0;
    for (size_t i = peakAt; i < to; ++i) {
        const float a = std::abs(recording[i]);
        result.inputPeak = std::max(result.inputPeak, double(a));
        if (a >= kClipLevel) ++result.clippedSamples;
    }

    // Sub-sample part: the phase of H·e^{+iωc} is −ω(τ − c) for a pure delay τ. Fit its slope
    // (weighted least squares through the origin) around c = the peak, then once more around the
    // refined estimate. Below 0.3·fs and within ±1 sample the phase stays inside (−π, π).
    double tau = double(peakAt);
    for (int pass = 0; pass < 2; ++pass) {
        double num = 0.0, den = 0.0;
        for (size_t k = 1; k < d.transfer.size(); ++k) {
            if (d.weight[k] <= 0.0) continue;
            const double omega = 2.0 * M_PI * double(k) / double(n);
            const std::complex<double> rotated =
                double(result.polarity) * d.transfer[k] * std::polar(1.0, omega * tau);
            const double phase = std::arg(rotated);
            num += d.weight[k] * omega * phase;
            den += d.weight[k] * omega * omega;
        }
        if (den <= 0.0) break;
        tau -= num / den;
    }
    result.roundTripSamples = tau;

    if (result.clippedSamples >= kClippedToReport)
        result.verdict = Verdict::Clipping;
    else if (result.polarity < 0)
        result.verdict = Verdict::Inverted;
    else if (result.peakToNoiseDb < kNoisyDb)
        result.verdict = Verdict::Noisy;
    else
        result.verdict = Verdict::Ok;
    return result;
}

}  // namespace soundlab::latency
