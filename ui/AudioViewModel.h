#pragma once

#include "GuiApiClient.h"
#include "engine/AudioEngine.h"

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <functional>

namespace soundlab {

// The audio host as QML sees it. It polls the engine at 10 Hz (the GUI never receives
// per-block signals) and runs start/stop/device changes on a worker thread so a slow device
// never freezes the window. Changes go through GuiApiClient (the API's functions, logged).
class AudioViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(bool running READ running NOTIFY changed)
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY changed)
    Q_PROPERTY(QString hostApi READ hostApi NOTIFY changed)
    Q_PROPERTY(int sampleRate READ sampleRate NOTIFY changed)
    Q_PROPERTY(int blockSize READ blockSize NOTIFY changed)
    Q_PROPERTY(bool hostPeriod READ hostPeriod NOTIFY changed)
    Q_PROPERTY(qulonglong callbackCount READ callbackCount NOTIFY changed)
    Q_PROPERTY(double cpuLoad READ cpuLoad NOTIFY changed)
    Q_PROPERTY(double cpuLoadPeak READ cpuLoadPeak NOTIFY changed)
    Q_PROPERTY(double processingMs READ processingMs NOTIFY changed)
    Q_PROPERTY(qulonglong inputOverflows READ inputOverflows NOTIFY changed)
    Q_PROPERTY(qulonglong outputUnderflows READ outputUnderflows NOTIFY changed)
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
    Q_PROPERTY(QString streamState READ streamState NOTIFY changed)
    Q_PROPERTY(QStringList devices READ devices NOTIFY devicesChanged)
    Q_PROPERTY(int selectedDevice READ selectedDevice NOTIFY changed)

public:
    explicit AudioViewModel(GuiApiClient& api, QObject* parent = nullptr);

    bool running() const { return status_.running; }
    bool busy() const { return busy_; }
    // "stopped", "running", "stalled" (no callbacks) or "lost" (device or server gone).
    QString streamState() const { return streamStateName(status_.state); }
    QString deviceName() const;
    QString hostApi() const { return status_.stream.hostApi; }
    int sampleRate() const;
    int blockSize() const;
    bool hostPeriod() const { return status_.running && status_.stream.hostPeriod; }
    qulonglong callbackCount() const { return status_.callbackCount; }
    double cpuLoad() const { return performance_.cpuLoadCurrent; }
    double cpuLoadPeak() const { return performance_.cpuLoadPeak; }
    double processingMs() const { return performance_.currentMs; }
    qulonglong inputOverflows() const { return status_.inputOverflows; }
    qulonglong outputUnderflows() const { return status_.outputUnderflows; }
    QString lastError() const { return error_.isEmpty() ? status_.lastError : error_; }
    QStringList devices() const { return deviceLabels_; }
    int selectedDevice() const;

    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    // Chooses the device at `row` of `devices` for input and output (restarts if running).
    Q_INVOKABLE void selectDevice(int row);
    // Called (on a worker thread) with the device's selector ("ALSA: hw:0", "virtual") after
    // selectDevice() opened it: the application remembers it for the next start.
    void setDeviceChosen(std::function<void(const QString& selector)> chosen) {
        deviceChosen_ = std::move(chosen);
    }
    // Enumerates the devices again (GET /api/devices?rescan=1 does the same).
    Q_INVOKABLE void rescan();

signals:
    void changed();
    void devicesChanged();

private:
    void refresh();
    void setDevices(const QList<AudioDeviceInfo>& devices);
    void runInBackground(std::function<std::optional<EngineError>()> work);

    GuiApiClient& api_;
    AudioEngine& engine_;
    QTimer timer_;
    AudioStatus status_;
    PerformanceStats performance_;
    QList<AudioDeviceInfo> devices_;
    QStringList deviceLabels_;
    QString error_;
    bool busy_ = false;
    std::function<void(const QString&)> deviceChosen_;
};

}  // namespace soundlab
