// Measures what the audio host alone costs: runs the engine on a device for a few seconds and
// prints the audio callback's processing time as a fraction of the block duration.
//
//   audio_host_load [virtual|jack] [seconds] [block]
//
// JACK needs a running server (JACK_DEFAULT_SERVER); the host then follows its period.

#include "engine/AudioEngine.h"

#include <QCoreApplication>
#include <cstdio>
#include <thread>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QString device = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("virtual");
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
    const int block = argc > 3 ? std::atoi(argv[3]) : 512;

    soundlab::AudioEngine engine;
    soundlab::StreamConfig config;
    config.inputDevice = config.outputDevice = device;
    config.blockSize = block;
    config.virtualDevice.input = QStringLiteral("noise");
    if (auto error = engine.configure(config)) {
        std::fprintf(stderr, "%s\n", qPrintable(error->message));
        return 2;
    }
    if (auto error = engine.start()) {
        std::fprintf(stderr, "%s\n", qPrintable(error->message));
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const soundlab::PerformanceStats p = engine.performance();
    const soundlab::AudioStatus s = engine.status();
    engine.stop();
    std::printf("device=%s host_api=\"%s\" rate=%.0f block=%d callbacks=%llu\n",
                qPrintable(device), qPrintable(s.stream.hostApi), s.stream.sampleRate,
                s.stream.blockSize, (unsigned long long)p.callbackCount);
    std::printf("processing_ms avg=%.5f min=%.5f max=%.5f std=%.5f block_ms=%.3f\n", p.averageMs,
                p.minMs, p.maxMs, p.stdMs, p.bufferDurationMs);
    std::printf("cpu_load avg=%.5f%% peak=%.5f%%  xruns in=%llu out=%llu\n", 100 * p.cpuLoadAverage,
                100 * p.cpuLoadPeak, (unsigned long long)p.inputOverflows,
                (unsigned long long)p.outputUnderflows);
    return 0;
}
