#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <functional>

namespace soundlab {

// The audio stream as QML sees it: GET /api/status and /api/audio/performance at 10 Hz, the
// device list of GET /api/devices at 1 Hz, all through the ControlBackend. Start, stop and device
// changes are the POST /api/audio routes, which open and close devices off the GUI thread (busy
// meanwhile); a refusal's message shows in lastError.
class AudioViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(bool running READ running NOTIFY changed)
    // A start, stop or device change is on its way.
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY changed)
    Q_PROPERTY(QString hostApi READ hostApi NOTIFY changed)
    Q_PROPERTY(int sampleRate READ sampleRate NOTIFY changed)
    Q_PROPERTY(int blockSize READ blockSize NOTIFY changed)
    // The block size is the host's period (JACK), not the one asked for.
    Q_PROPERTY(bool hostPeriod READ hostPeriod NOTIFY changed)
    Q_PROPERTY(qulonglong callbackCount READ callbackCount NOTIFY changed)
    Q_PROPERTY(double cpuLoad READ cpuLoad NOTIFY changed)
    Q_PROPERTY(double cpuLoadPeak READ cpuLoadPeak NOTIFY changed)
    Q_PROPERTY(double processingMs READ processingMs NOTIFY changed)
    Q_PROPERTY(qulonglong inputOverflows READ inputOverflows NOTIFY changed)
    Q_PROPERTY(qulonglong outputUnderflows READ outputUnderflows NOTIFY changed)
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
    // stopped | running | stalled | lost (/api/status `stream_state`).
    Q_PROPERTY(QString streamState READ streamState NOTIFY changed)
    Q_PROPERTY(QStringList devices READ devices NOTIFY devicesChanged)
    Q_PROPERTY(int selectedDevice READ selectedDevice NOTIFY changed)

public:
    explicit AudioViewModel(ControlBackend& backend, QObject* parent = nullptr);

    // The GET /api/status document as of the latest refresh.
    const QJsonObject& status() const { return status_; }

    bool running() const { return status_.value(QLatin1String("audio_running")).toBool(); }
    bool busy() const { return busy_; }
    QString streamState() const { return status_.value(QLatin1String("stream_state")).toString(); }
    QString deviceName() const;
    QString hostApi() const { return status_.value(QLatin1String("host_api")).toString(); }
    int sampleRate() const { return status_.value(QLatin1String("sample_rate")).toInt(); }
    int blockSize() const { return status_.value(QLatin1String("buffer_size")).toInt(); }
    bool hostPeriod() const { return status_.value(QLatin1String("host_period")).toBool(); }
    qulonglong callbackCount() const;
    double cpuLoad() const { return performanceNumber("cpu_load", "current"); }
    double cpuLoadPeak() const { return performanceNumber("cpu_load", "peak"); }
    double processingMs() const { return performanceNumber("processing_time_ms", "current"); }
    qulonglong inputOverflows() const;
    qulonglong outputUnderflows() const;
    QString lastError() const;
    QStringList devices() const { return deviceLabels_; }
    int selectedDevice() const;

    // POST /api/audio/start and /stop.
    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    // POST /api/audio/device with the device of `row` of `devices`.
    Q_INVOKABLE void selectDevice(int row);
    // Called with the device's selector once a device change succeeded (the app remembers it as
    // the next start's default).
    void setDeviceChosen(std::function<void(const QString& selector)> chosen) {
        deviceChosen_ = std::move(chosen);
    }
    // GET /api/devices?rescan=true: enumerates the devices again (a card plugged in later).
    Q_INVOKABLE void rescan();

    // Reads the documents now (RefreshClock does it 10 times a second).
    Q_INVOKABLE void refresh();
    // refresh() and the device list now (the link to a remote box came back).
    void reload();

signals:
    void changed();
    void devicesChanged();

private:
    void setDevices(const QJsonArray& devices);
    void readDevices(const QString& path);
    // Sends an audio action; busy until its answer comes.
    void act(const QString& path, const QJsonValue& body, std::function<void()> accepted = {});
    double performanceNumber(const char* section, const char* field) const;

    ControlBackend& backend_;
    DocumentPoll statusPoll_;
    DocumentPoll performancePoll_;
    int ticks_ = 0;
    QJsonObject status_;
    QJsonObject performance_;
    QJsonArray devices_;
    QStringList deviceLabels_;
    QString error_;
    bool busy_ = false;
    bool readingDevices_ = false;
    std::function<void(const QString&)> deviceChosen_;
};

}  // namespace soundlab
