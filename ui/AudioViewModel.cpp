#include "AudioViewModel.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>
#include <algorithm>

namespace soundlab {

AudioViewModel::AudioViewModel(GuiApiClient& api, QObject* parent)
    : QObject(parent), api_(api), engine_(api.engine()) {
    setDevices(engine_.devices());
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &AudioViewModel::refresh);
    timer_.start();
    refresh();
}

QString AudioViewModel::deviceName() const {
    if (status_.running) return status_.stream.outputDevice;
    return status_.requested.outputDevice;
}

int AudioViewModel::sampleRate() const {
    return status_.running ? int(status_.stream.sampleRate) : status_.requested.sampleRate;
}

int AudioViewModel::blockSize() const {
    return status_.running ? status_.stream.blockSize : status_.requested.blockSize;
}

int AudioViewModel::selectedDevice() const {
    const QString out =
        status_.running ? status_.stream.outputDevice : status_.requested.outputDevice;
    for (int i = 0; i < devices_.size(); ++i)
        if (devices_[i].name == out || QString::number(devices_[i].index) == out) return i;
    return -1;
}

void AudioViewModel::start() {
    runInBackground([api = &api_] { return api->startAudio(); });
}

void AudioViewModel::stop() {
    runInBackground([api = &api_] {
        api->stopAudio();
        return std::optional<EngineError>();
    });
}

void AudioViewModel::selectDevice(int row) {
    if (row < 0 || row >= devices_.size()) return;
    const AudioDeviceInfo& d = devices_[row];
    // The name, not this run's index: it finds the device again next time, and the control log
    // says which device it was.
    const QString selector =
        d.index == -1 ? QStringLiteral("virtual") : QStringLiteral("%1: %2").arg(d.hostApi, d.name);
    runInBackground([api = &api_, selector, chosen = deviceChosen_] {
        auto error = api->selectDevice(selector);
        if (!error && chosen) chosen(selector);
        return error;
    });
}

void AudioViewModel::rescan() {
    // A rescan re-initialises PortAudio (slow): off the GUI thread, like start and stop.
    runInBackground([engine = &engine_] {
        engine->rescanDevices();
        return std::optional<EngineError>();
    });
}

void AudioViewModel::setDevices(const QList<AudioDeviceInfo>& devices) {
    devices_ = devices;
    deviceLabels_.clear();
    for (const AudioDeviceInfo& d : devices_)
        deviceLabels_ << (d.index == -1 ? d.name : QStringLiteral("%1: %2").arg(d.hostApi, d.name));
    emit devicesChanged();
}

void AudioViewModel::runInBackground(std::function<std::optional<EngineError>()> work) {
    if (busy_) return;
    busy_ = true;
    error_.clear();
    emit changed();
    QPointer<AudioViewModel> self(this);
    QThreadPool::globalInstance()->start([self, work = std::move(work)] {
        const std::optional<EngineError> error = work();
        QMetaObject::invokeMethod(qApp, [self, error] {
            if (!self) return;
            self->busy_ = false;
            self->error_ = error ? error->message : QString();
            self->refresh();
        });
    });
}

void AudioViewModel::refresh() {
    // Wait-free snapshots: a device opening on another thread never freezes the window.
    status_ = engine_.status();
    performance_ = engine_.performance();
    const QList<AudioDeviceInfo> devices = engine_.devices();
    if (devices.size() != devices_.size() ||
        !std::equal(devices.begin(), devices.end(), devices_.begin(),
                    [](const AudioDeviceInfo& a, const AudioDeviceInfo& b) {
                        return a.index == b.index && a.name == b.name && a.hostApi == b.hostApi;
                    }))
        setDevices(devices);
    emit changed();
}

}  // namespace soundlab
