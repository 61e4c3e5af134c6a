// soundlab: the entry point. Parses the command line, builds the audio host, then runs either
// the QML control room or headless; SIGINT/SIGTERM end either cleanly with exit code 0.

#include "CommandLine.h"
#include "UnixSignalWatcher.h"
#include "engine/AudioEngine.h"

#include "AudioViewModel.h"

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QCoreApplication>
#include <QQmlApplicationEngine>
#include <QThreadPool>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace {

using namespace soundlab;

void printDevices(const QList<AudioDeviceInfo>& devices) {
    std::printf("%-6s %-28s %-40s %4s %4s %8s\n", "index", "host API", "name", "in", "out", "rate");
    for (const AudioDeviceInfo& d : devices) {
        const QString index = d.index < 0 ? QStringLiteral("-") : QString::number(d.index);
        const QString marks =
            QString(d.isDefaultInput ? QStringLiteral(" [default in]") : QString()) +
            (d.isDefaultOutput ? QStringLiteral(" [default out]") : QString());
        std::printf("%-6s %-28s %-40s %4d %4d %8.0f%s\n", qPrintable(index), qPrintable(d.hostApi),
                    qPrintable(d.name), d.maxInputChannels, d.maxOutputChannels,
                    d.defaultSampleRate, qPrintable(marks));
    }
    std::fflush(stdout);
}

bool displayAvailable() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

void printStatus(const AudioEngine& engine) {
    const AudioStatus s = engine.status();
    if (s.running)
        std::printf("soundlab: audio running on %s (%s), %.0f Hz, %d frames%s\n",
                    qPrintable(s.stream.outputDevice), qPrintable(s.stream.hostApi),
                    s.stream.sampleRate, s.stream.blockSize,
                    s.stream.hostPeriod ? " (host period)" : "");
    if (!s.lastError.isEmpty()) std::fprintf(stderr, "soundlab: %s\n", qPrintable(s.lastError));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char* argv[]) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    const ParsedCommandLine parsed = parseCommandLine(arguments);
    if (!parsed.options) {
        std::fprintf(parsed.exitCode == 0 ? stdout : stderr, "%s\n", qPrintable(parsed.message));
        return parsed.exitCode;
    }
    AppOptions options = *parsed.options;

    const bool gui = !options.noGui && !options.listDevices && displayAvailable();
    if (!options.noGui && !options.listDevices && !gui)
        std::fprintf(stderr, "soundlab: no display found; running headless (--no-gui)\n");
    // QtCharts in QML needs a QApplication; headless needs no GUI libraries at all.
    std::unique_ptr<QCoreApplication> app = gui ? std::make_unique<QApplication>(argc, argv)
                                                : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("soundlab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOUNDLAB_VERSION));

    AudioEngine engine;
    if (options.listDevices) {
        printDevices(engine.devices());
        return 0;
    }
    if (auto error = engine.configure(options.stream)) {
        std::fprintf(stderr, "soundlab: %s\n", qPrintable(error->message));
        return 2;
    }

    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, app.get(),
                     [](int) { QCoreApplication::quit(); });

    if (options.autoStartAudio) {
        if (auto error = engine.start())
            std::fprintf(stderr, "soundlab: cannot start audio: %s\n", qPrintable(error->message));
        printStatus(engine);
    }

    std::unique_ptr<AudioViewModel> audioViewModel;
    std::unique_ptr<QQmlApplicationEngine> qml;
    if (gui) {
        audioViewModel = std::make_unique<AudioViewModel>(engine);
        qml = std::make_unique<QQmlApplicationEngine>();
        qml->setInitialProperties(
            {{QStringLiteral("audio"), QVariant::fromValue(audioViewModel.get())}});
        qml->load(QUrl(QStringLiteral("qrc:/Soundlab/Main.qml")));
        if (qml->rootObjects().isEmpty()) {
            std::fprintf(stderr, "soundlab: the QML window failed to load\n");
            return 1;
        }
    }

    const int code = app->exec();
    qml.reset();
    // Device changes started from the GUI finish before the engine goes away.
    QThreadPool::globalInstance()->waitForDone();
    engine.stop();
    return code;
}
