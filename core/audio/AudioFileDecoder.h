#pragma once

#include <QString>
#include <optional>
#include <vector>

namespace soundlab {

// Decodes an audio file (any format Qt Multimedia's backend reads) to mono float samples at
// the given rate. Blocks the calling thread (it runs a local event loop); never call it on the
// audio thread.
class AudioFileDecoder {
public:
    static std::optional<std::vector<float>> decodeMono(const QString& path, int sampleRate,
                                                        QString* error);
};

}  // namespace soundlab
