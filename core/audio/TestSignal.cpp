#include "TestSignal.h"

#include "AudioFileDecoder.h"

#include <QFileInfo>

#include <cmath>

namespace soundlab {

std::optional<QString> TestSignal::check(const QString& spec, double sampleRate) {
    if (spec.startsWith(QLatin1String("file:"))) {
        if (!QFileInfo(spec.mid(5)).isReadable())
            return QStringLiteral("cannot read audio file '%1'").arg(spec.mid(5));
        return std::nullopt;
    }
    TestSignal unused;
    return create(spec, sampleRate, &unused);
}

std::optional<QString> TestSignal::create(const QString& spec, double sampleRate, TestSignal* out) {
    TestSignal signal;
    if (spec == QLatin1String("silence")) {
        signal.kind_ = Kind::Silence;
    } else if (spec == QLatin1String("noise")) {
        signal.kind_ = Kind::Noise;
    } else if (spec.startsWith(QLatin1String("sine:"))) {
        bool ok = false;
        const double frequency = spec.mid(5).toDouble(&ok);
        if (!ok || frequency <= 0.0 || frequency >= sampleRate / 2)
            return QStringLiteral("sine frequency must be a number in (0, %1) Hz, got '%2'")
                .arg(sampleRate / 2)
                .arg(spec.mid(5));
        signal.kind_ = Kind::Sine;
        signal.phaseIncrement_ = frequency / sampleRate;
    } else if (spec.startsWith(QLatin1String("file:"))) {
        QString error;
        auto samples = AudioFileDecoder::decodeMono(spec.mid(5), int(sampleRate), &error);
        if (!samples) return error;
        if (samples->empty())
            return QStringLiteral("audio file %1 holds no samples").arg(spec.mid(5));
        signal.kind_ = Kind::File;
        signal.file_ = std::move(*samples);
    } else {
        return QStringLiteral(
                   "unknown test signal '%1' (valid: sine:FREQ, noise, silence, file:PATH)")
            .arg(spec);
    }
    *out = std::move(signal);
    return std::nullopt;
}

void TestSignal::generate(float* out, int frames) {
    switch (kind_) {
        case Kind::Silence:
            std::fill(out, out + frames, 0.0f);
            break;
        case Kind::Sine:
            for (int i = 0; i < frames; ++i) {
                out[i] = kLevel * float(std::sin(2.0 * M_PI * phase_));
                phase_ += phaseIncrement_;
                if (phase_ >= 1.0) phase_ -= 1.0;
            }
            break;
        case Kind::Noise:
            for (int i = 0; i < frames; ++i) {
                // xorshift32: cheap, allocation-free, deterministic.
                noiseState_ ^= noiseState_ << 13;
                noiseState_ ^= noiseState_ >> 17;
                noiseState_ ^= noiseState_ << 5;
                out[i] = kLevel * (float(noiseState_) * (2.0f / 4294967296.0f) - 1.0f);
            }
            break;
        case Kind::File:
            for (int i = 0; i < frames; ++i) {
                out[i] = file_[filePosition_];
                if (++filePosition_ == file_.size()) filePosition_ = 0;
            }
            break;
    }
}

}  // namespace soundlab
