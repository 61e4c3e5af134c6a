#include "AudioFileDecoder.h"

#include <QAudioDecoder>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>
#include <QUrl>

namespace soundlab {

namespace {

// Appends a decoded buffer as mono at its own rate (channels averaged).
void appendMono(const QAudioBuffer& buffer, std::vector<float>* out) {
    const QAudioFormat format = buffer.format();
    const int channels = format.channelCount();
    const qsizetype frames = buffer.frameCount();
    for (qsizetype f = 0; f < frames; ++f) {
        float sum = 0.0f;
        for (int c = 0; c < channels; ++c) {
            const char* sample =
                buffer.constData<char>() + (f * channels + c) * format.bytesPerSample();
            sum += format.normalizedSampleValue(sample);
        }
        out->push_back(sum / float(channels));
    }
}

// Linear-interpolation resampler, used only when the decoder could not deliver the stream rate.
std::vector<float> resample(const std::vector<float>& in, int fromRate, int toRate) {
    if (fromRate == toRate || in.empty()) return in;
    const double step = double(fromRate) / toRate;
    const size_t n = size_t(double(in.size()) / step);
    std::vector<float> out(n);
    for (size_t i = 0; i < n; ++i) {
        const double pos = double(i) * step;
        const size_t k = size_t(pos);
        const double frac = pos - double(k);
        const float next = k + 1 < in.size() ? in[k + 1] : in[k];
        out[i] = float(in[k] * (1.0 - frac) + next * frac);
    }
    return out;
}

}  // namespace

std::optional<std::vector<float>> AudioFileDecoder::decodeMono(const QString& path, int sampleRate,
                                                               QString* error) {
    if (!QFileInfo(path).isReadable()) {
        *error = QStringLiteral("cannot read audio file %1").arg(path);
        return std::nullopt;
    }
    QAudioDecoder decoder;
    QAudioFormat wanted;
    wanted.setSampleFormat(QAudioFormat::Float);
    wanted.setSampleRate(sampleRate);
    wanted.setChannelCount(1);
    decoder.setAudioFormat(wanted);
    decoder.setSource(QUrl::fromLocalFile(path));

    std::vector<float> samples;
    int decodedRate = 0;
    QString failure;
    QEventLoop loop;
    QObject::connect(&decoder, &QAudioDecoder::bufferReady, &loop, [&] {
        const QAudioBuffer buffer = decoder.read();
        if (!buffer.isValid()) return;
        decodedRate = buffer.format().sampleRate();
        appendMono(buffer, &samples);
    });
    QObject::connect(&decoder, &QAudioDecoder::finished, &loop, &QEventLoop::quit);
    QObject::connect(&decoder, qOverload<QAudioDecoder::Error>(&QAudioDecoder::error), &loop,
                     [&](QAudioDecoder::Error) {
                         failure = decoder.errorString();
                         loop.quit();
                     });
    QTimer::singleShot(30000, &loop, [&] {
        failure = QStringLiteral("decoding timed out");
        loop.quit();
    });
    decoder.start();
    if (!failure.isEmpty() || decoder.error() != QAudioDecoder::NoError) {
        if (failure.isEmpty()) failure = decoder.errorString();
    } else {
        loop.exec();
    }
    decoder.stop();
    if (!failure.isEmpty()) {
        *error = QStringLiteral("cannot decode audio file %1: %2").arg(path, failure);
        return std::nullopt;
    }
    return resample(samples, decodedRate ? decodedRate : sampleRate, sampleRate);
}

}  // namespace soundlab
