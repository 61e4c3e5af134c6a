#pragma once

#include <QSaveFile>
#include <QString>
#include <cstdint>

namespace soundlab {

// Writes interleaved 32-bit float WAV. The file appears under its name only when close()
// succeeds (QSaveFile: write, then rename), so a crash never leaves a half-written file.
class WavWriter {
public:
    WavWriter() = default;
    ~WavWriter();  // a writer never closed is discarded

    bool open(const QString& path, int sampleRate, int channels, QString* error);
    bool write(const float* interleaved, qint64 frames);
    bool close(QString* error);

    qint64 framesWritten() const { return frames_; }

private:
    bool writeHeader();

    QSaveFile file_;
    int sampleRate_ = 0;
    int channels_ = 0;
    qint64 frames_ = 0;
};

}  // namespace soundlab
