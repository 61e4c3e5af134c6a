#include "AudioViewModel.h"

#include "RefreshClock.h"

namespace soundlab {

namespace {
constexpr int kDeviceEveryTicks = 10;  // the device list at 1 Hz

QString deviceLabel(const QJsonObject& d) {
    const QString name = d.value(QLatin1String("name")).toString();
    return d.value(QLatin1String("index")).toInt() == -1
               ? name
               : QStringLiteral("%1: %2").arg(d.value(QLatin1String("host_api")).toString(), name);
}
}  // namespace

AudioViewModel::AudioViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent),
      backend_(backend),
      statusPoll_(backend, QStringLiteral("/api/status")),
      performancePoll_(backend, QStringLiteral("/api/audio/performance")) {
    // 10 Hz
    RefreshClock::subscribe(this, [this] { refresh(); }, 3);
    readDevices(QStringLiteral("/api/devices"));
    refresh();
}

QString AudioViewModel::deviceName() const {
    return status_.value(QLatin1String("device"))
        .toObject()
        .value(QLatin1String("output"))
        .toString();
}

qulonglong AudioViewModel::callbackCount() const {
    return qulonglong(status_.value(QLatin1String("callback_count")).toInteger());
}

double AudioViewModel::performanceNumber(const char* section, const char* field) const {
    return performance_.value(QLatin1String(section))
        .toObject()
        .value(QLatin1String(field))
        .toDouble();
}

qulonglong AudioViewModel::inputOverflows() const {
    return qulonglong(performance_.value(QLatin1String("xruns"))
                          .toObject()
                          .value(QLatin1String("input_overflows"))
                          .toInteger());
}

qulonglong AudioViewModel::outputUnderflows() const {
    return qulonglong(performance_.value(QLatin1String("xruns"))
                          .toObject()
                          .value(QLatin1String("output_underflows"))
                          .toInteger());
}

QString AudioViewModel::lastError() const {
    return error_.isEmpty() ? status_.value(QLatin1String("last_error")).toString() : error_;
}

int AudioViewModel::selectedDevice() const {
    const QString out = deviceName();
    for (int i = 0; i < devices_.size(); ++i) {
        const QJsonObject d = devices_.at(i).toObject();
        if (d.value(QLatin1String("name")).toString() == out ||
            QString::number(d.value(QLatin1String("index")).toInt()) == out)
            return i;
    }
    return -1;
}

void AudioViewModel::start() {
    act(QStringLiteral("/api/audio/start"), QJsonValue::Undefined);
}

void AudioViewModel::stop() {
    act(QStringLiteral("/api/audio/stop"), QJsonValue::Undefined);
}

void AudioViewModel::selectDevice(int row) {
    if (row < 0 || row >= devices_.size()) return;
    const QJsonObject d = devices_.at(row).toObject();
    const QString selector =
        d.value(QLatin1String("index")).toInt() == -1 ? QStringLiteral("virtual") : deviceLabel(d);
    act(QStringLiteral("/api/audio/device"), QJsonObject{{QStringLiteral("device"), selector}},
        [this, selector] {
            if (deviceChosen_) deviceChosen_(selector);
        });
}

void AudioViewModel::reload() {
    readDevices(QStringLiteral("/api/devices"));
    refresh();
}

void AudioViewModel::rescan() {
    readDevices(QStringLiteral("/api/devices?rescan=true"));
}

void AudioViewModel::act(const QString& path, const QJsonValue& body,
                         std::function<void()> accepted) {
    if (busy_) return;
    busy_ = true;
    error_.clear();
    emit changed();
    backend_.send("POST", path, body, this,
                  [this, accepted = std::move(accepted)](const BackendReply& reply) {
                      busy_ = false;
                      error_ = reply.message();
                      if (reply.ok() && accepted) accepted();
                      refresh();
                      emit changed();
                  });
}

void AudioViewModel::readDevices(const QString& path) {
    if (readingDevices_) return;
    readingDevices_ = true;
    backend_.get(path, this, [this](const BackendReply& reply) {
        readingDevices_ = false;
        if (reply.ok()) setDevices(reply.object().value(QLatin1String("devices")).toArray());
    });
}

void AudioViewModel::setDevices(const QJsonArray& devices) {
    if (devices == devices_) return;
    devices_ = devices;
    deviceLabels_.clear();
    for (const QJsonValue& d : devices_) deviceLabels_ << deviceLabel(d.toObject());
    emit devicesChanged();
    emit changed();  // selectedDevice
}

void AudioViewModel::refresh() {
    statusPoll_.poll(this, [this](const QJsonValue& status) {
        status_ = status.toObject();
        emit changed();
    });
    performancePoll_.poll(this, [this](const QJsonValue& performance) {
        performance_ = performance.toObject();
        emit changed();
    });
    if (++ticks_ % kDeviceEveryTicks == 0) readDevices(QStringLiteral("/api/devices"));
}

}  // namespace soundlab
