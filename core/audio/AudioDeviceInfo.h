#pragma once

#include <QString>

namespace soundlab {

// One audio device as a backend reports it. The virtual device has index -1.
struct AudioDeviceInfo {
    int index = -1;
    QString name;
    QString hostApi;
    int maxInputChannels = 0;
    int maxOutputChannels = 0;
    double defaultSampleRate = 0.0;
    bool isDefaultInput = false;
    bool isDefaultOutput = false;
};

}  // namespace soundlab
