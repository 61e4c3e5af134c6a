#include "PhiViewModel.h"

#include "RefreshClock.h"

#include "phi/PhiTypes.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace soundlab {

namespace {
constexpr double kMidiActiveSeconds = 0.25;  // the activity lamp stays lit this long per event

double logMin() {
    return std::log(phi::kMinInternalHz);
}
double logMax() {
    return std::log(phi::kMaxInternalHz);
}
}  // namespace

PhiViewModel::PhiViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend), poll_(backend, QStringLiteral("/api/phi")) {
    // 30 Hz: the GUI asks at a rate, never per block
    // 10 Hz: the strip's figures change at most that often (the design's rule for numbers);
    // at 30 Hz it cost 3 points of one core more in the dashboard (docs/benchmarks.md).
    RefreshClock::subscribe(this, [this] { refresh(); }, 3);
    refresh();
}

void PhiViewModel::refresh() {
    poll_.poll(this, [this](const QJsonValue& document) { show(document.toObject()); });
}

void PhiViewModel::show(QJsonObject document) {
    if (document == document_) return;
    document_ = std::move(document);
    emit changed();
}

bool PhiViewModel::patch(const QJsonObject& patch) {
    return backend_.change("PUT", QStringLiteral("/api/phi"), patch, this,
                           [this](const BackendReply& reply) {
                               const QString error = reply.message();
                               const bool errorChanged = error != lastError_;
                               lastError_ = error;
                               // PUT answers the document as it is after the change.
                               const QJsonObject before = document_;
                               if (reply.ok()) show(reply.object());
                               if (errorChanged && document_ == before) emit changed();
                           });
}

QJsonObject PhiViewModel::section(const char* name) const {
    return document_.value(QLatin1String(name)).toObject();
}

QStringList PhiViewModel::modes() const {
    QStringList names;
    for (int i = 0; i < phi::kModeCount; ++i) {
        const std::string_view n = phi::toString(phi::Mode(i));
        names << QString::fromLatin1(n.data(), qsizetype(n.size()));
    }
    return names;
}

QString PhiViewModel::mode() const {
    return document_.value(QLatin1String("mode")).toString();
}
int PhiViewModel::modeIndex() const {
    return int(modes().indexOf(mode()));
}
double PhiViewModel::depth() const {
    return document_.value(QLatin1String("depth")).toDouble();
}
double PhiViewModel::phase() const {
    return document_.value(QLatin1String("phase")).toDouble();
}

bool PhiViewModel::crossfadeActive() const {
    return section("crossfade").value(QLatin1String("active")).toBool();
}
QString PhiViewModel::crossfadeFrom() const {
    return section("crossfade").value(QLatin1String("from")).toString();
}
QString PhiViewModel::crossfadeTo() const {
    return section("crossfade").value(QLatin1String("to")).toString();
}
double PhiViewModel::crossfadeProgress() const {
    return section("crossfade").value(QLatin1String("progress")).toDouble();
}

double PhiViewModel::manualDepth() const {
    return section("manual").value(QLatin1String("depth")).toDouble();
}
double PhiViewModel::manualPhase() const {
    return section("manual").value(QLatin1String("phase")).toDouble();
}
double PhiViewModel::attackMs() const {
    return section("audio").value(QLatin1String("attack_ms")).toDouble();
}
double PhiViewModel::releaseMs() const {
    return section("audio").value(QLatin1String("release_ms")).toDouble();
}
double PhiViewModel::envelope() const {
    return section("audio").value(QLatin1String("envelope")).toDouble();
}
double PhiViewModel::internalFrequency() const {
    return section("internal").value(QLatin1String("frequency_hz")).toDouble();
}
double PhiViewModel::internalFrequencyPosition() const {
    const double hz = std::clamp(internalFrequency(), phi::kMinInternalHz, phi::kMaxInternalHz);
    return (std::log(hz) - logMin()) / (logMax() - logMin());
}

double PhiViewModel::sensorHeartRate() const {
    return sensor().value(QLatin1String("heart_rate_bpm")).toDouble();
}
double PhiViewModel::sensorGsr() const {
    return sensor().value(QLatin1String("gsr")).toDouble();
}
double PhiViewModel::sensorAccelX() const {
    return sensor().value(QLatin1String("accel")).toObject().value(QLatin1String("x")).toDouble();
}
double PhiViewModel::sensorAccelY() const {
    return sensor().value(QLatin1String("accel")).toObject().value(QLatin1String("y")).toDouble();
}
double PhiViewModel::sensorAccelZ() const {
    return sensor().value(QLatin1String("accel")).toObject().value(QLatin1String("z")).toDouble();
}
bool PhiViewModel::sensorPresent() const {
    return sensor().value(QLatin1String("age_s")).isDouble();
}
double PhiViewModel::sensorAge() const {
    return sensor().value(QLatin1String("age_s")).toDouble(-1.0);
}
bool PhiViewModel::sensorStale() const {
    return sensor().value(QLatin1String("stale")).toBool();
}
double PhiViewModel::sensorReceived() const {
    return sensor().value(QLatin1String("received")).toDouble();
}
double PhiViewModel::sensorApplied() const {
    return sensor().value(QLatin1String("applied")).toDouble();
}

QString PhiViewModel::midiPort() const {
    return midi().value(QLatin1String("port")).toString();  // null → ""
}
bool PhiViewModel::midiConnected() const {
    return midi().value(QLatin1String("connected")).toBool();
}
int PhiViewModel::midiCc1() const {
    return midi().value(QLatin1String("cc1")).toInt(-1);
}
int PhiViewModel::midiPitchBend() const {
    return midi().value(QLatin1String("pitch_bend")).toInt(0);
}
bool PhiViewModel::midiActive() const {
    const QJsonValue age = midi().value(QLatin1String("last_event_age_s"));
    return age.isDouble() && age.toDouble() < kMidiActiveSeconds;
}

void PhiViewModel::refreshMidiPorts() {
    backend_.get(QStringLiteral("/api/phi/midi/ports"), this, [this](const BackendReply& reply) {
        if (reply.ok()) showMidiPorts(reply.object());
    });
}

void PhiViewModel::showMidiPorts(const QJsonObject& list) {
    QStringList ports;
    for (const QJsonValue& port : list.value(QLatin1String("ports")).toArray())
        ports << port.toString();
    const QString api = list.value(QLatin1String("api")).toString();
    if (ports == midiPorts_ && api == midiApi_) return;
    midiPorts_ = ports;
    midiApi_ = api;
    emit midiPortsChanged();
}

int PhiViewModel::oscPort() const {
    return section("osc").value(QLatin1String("port")).toInt(0);  // null while off
}
double PhiViewModel::oscReceived() const {
    return section("osc").value(QLatin1String("received")).toDouble();
}
double PhiViewModel::oscRejected() const {
    return section("osc").value(QLatin1String("rejected")).toDouble();
}

double PhiViewModel::maxDepth() const {
    return phi::kMaxDepth;
}
double PhiViewModel::twoPi() const {
    return phi::kTwoPi;
}
double PhiViewModel::minEnvelopeMs() const {
    return phi::kMinEnvelopeMs;
}
double PhiViewModel::maxEnvelopeMs() const {
    return phi::kMaxEnvelopeMs;
}

bool PhiViewModel::setMode(const QString& mode) {
    return patch({{QStringLiteral("mode"), mode}});
}

bool PhiViewModel::setManualDepth(double depth) {
    return patch({{QStringLiteral("manual"), QJsonObject{{QStringLiteral("depth"), depth}}}});
}

bool PhiViewModel::setManualPhase(double radians) {
    return patch({{QStringLiteral("manual"), QJsonObject{{QStringLiteral("phase"), radians}}}});
}

bool PhiViewModel::setAttack(double ms) {
    return patch({{QStringLiteral("audio"), QJsonObject{{QStringLiteral("attack_ms"), ms}}}});
}

bool PhiViewModel::setRelease(double ms) {
    return patch({{QStringLiteral("audio"), QJsonObject{{QStringLiteral("release_ms"), ms}}}});
}

bool PhiViewModel::setInternalFrequency(double hz) {
    return patch({{QStringLiteral("internal"), QJsonObject{{QStringLiteral("frequency_hz"), hz}}}});
}

bool PhiViewModel::setMidiPort(const QString& port) {
    return patch({{QStringLiteral("midi"), QJsonObject{{QStringLiteral("port"), port}}}});
}

bool PhiViewModel::setInternalFrequencyPosition(double position) {
    const double p = std::clamp(position, 0.0, 1.0);
    // Rounded to 3 significant digits so the API shows 0.1 Hz rather than 0.09999….
    double hz = std::exp(logMin() + p * (logMax() - logMin()));
    const double scale = std::pow(10.0, 2 - int(std::floor(std::log10(hz))));
    hz = std::clamp(std::round(hz * scale) / scale, phi::kMinInternalHz, phi::kMaxInternalHz);
    return setInternalFrequency(hz);
}

}  // namespace soundlab
