#include "WavWriter.h"

#include <QtEndian>

namespace soundlab {

namespace {
constexpr int kHeaderBytes = 44;
constexpr uint16_t kFormatIeeeFloat = 3;
}  // namespace

WavWriter::~WavWriter() {
    if (file_.isOpen()) file_.cancelWriting();
}

bool WavWriter::open(const QString& path, int sampleRate, int channels, QString* error) {
    file_.setFileName(path);
    sampleRate_ = sampleRate;
    channels_ = channels;
    frames_ = 0;
    if (!file_.open(QIODevice::WriteOnly) || !writeHeader()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file_.errorString());
        return false;
    }
    return true;
}

bool WavWriter::write(const float* interleaved, qint64 frames) {
    const qint64 bytes = frames * channels_ * qint64(sizeof(float));
    // WAV is little-endian, as is every machine we build for.
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN);
    if (file_.write(reinterpret_cast<const char*>(interleaved), bytes) != bytes) return false;
    frames_ += frames;
    return true;
}

bool WavWriter::close(QString* error) {
    // The header carries the data size, known only now.
    if (!file_.seek(0) || !writeHeader() || !file_.commit()) {
        *error = QStringLiteral("cannot finish %1: %2").arg(file_.fileName(), file_.errorString());
        file_.cancelWriting();
        return false;
    }
    return true;
}

bool WavWriter::writeHeader() {
    const uint32_t dataBytes = uint32_t(frames_ * channels_ * qint64(sizeof(float)));
    const uint16_t blockAlign = uint16_t(channels_ * sizeof(float));
    char header[kHeaderBytes];
    auto put32 = [&](int at, uint32_t v) { qToLittleEndian(v, header + at); };
    auto put16 = [&](int at, uint16_t v) { qToLittleEndian(v, header + at); };
    memcpy(header, "RIFF", 4);
    put32(4, 36 + dataBytes);
    memcpy(header + 8, "WAVEfmt ", 8);
    put32(16, 16);
    put16(20, kFormatIeeeFloat);
    put16(22, uint16_t(channels_));
    put32(24, uint32_t(sampleRate_));
    put32(28, uint32_t(sampleRate_) * blockAlign);
    put16(32, blockAlign);
    put16(34, 32);
    memcpy(header + 36, "data", 4);
    put32(40, dataBytes);
    return file_.write(header, kHeaderBytes) == kHeaderBytes;
}

}  // namespace soundlab
