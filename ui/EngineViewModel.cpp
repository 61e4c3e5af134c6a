#include "EngineViewModel.h"

#include "RefreshClock.h"

#include "dsp/EngineParameters.h"

#include <QJsonArray>

#include <algorithm>

namespace soundlab {

namespace {
// The order of the strategy chooser (PUT /api/engine's downmix.strategy names).
const QStringList kStrategies{QStringLiteral("spatial"), QStringLiteral("energy"),
                              QStringLiteral("linear"), QStringLiteral("phi")};
}  // namespace

EngineViewModel::EngineViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend), poll_(backend, QStringLiteral("/api/engine")) {
    // 10 Hz
    RefreshClock::subscribe(this, [this] { refresh(); }, 3);
    refresh();
}

void EngineViewModel::refresh() {
    poll_.poll(this, [this](const QJsonValue& document) { show(document.toObject()); });
}

void EngineViewModel::show(const QJsonObject& document) {
    document_ = document;
    emit changed();  // the order parameter moves with every block
}

QJsonValue EngineViewModel::engineField(const char* name) const {
    return document_.value(QLatin1String("engine")).toObject().value(QLatin1String(name));
}

QList<double> EngineViewModel::numbers(const char* name) const {
    const QJsonArray values = engineField(name).toArray();
    // Before the first document (it comes from a worker): one 0 per channel, so the panel's
    // per-channel bindings always have a number.
    if (values.size() != dsp::kFieldChannels) return QList<double>(dsp::kFieldChannels, 0.0);
    QList<double> list;
    for (const QJsonValue& v : values) list << v.toDouble();
    return list;
}

QStringList EngineViewModel::strategies() const {
    return kStrategies;
}

int EngineViewModel::strategy() const {
    const QString name = document_.value(QLatin1String("downmix"))
                             .toObject()
                             .value(QLatin1String("strategy"))
                             .toString();
    return std::max(0, int(kStrategies.indexOf(name)));
}

double EngineViewModel::orderParameter() const {
    return document_.value(QLatin1String("order_parameter")).toDouble();
}

QString EngineViewModel::implementation() const {
    return document_.value(QLatin1String("implementation")).toString();
}

double EngineViewModel::maxCoupling() const {
    return dsp::kMaxCouplingStrength;
}

// Values are clamped to the ranges PUT /api/engine accepts, so a control never makes a 422.
void EngineViewModel::setCouplingStrength(double value) {
    edit({{QStringLiteral("engine"),
           QJsonObject{{QStringLiteral("coupling_strength"),
                        std::clamp(value, 0.0, dsp::kMaxCouplingStrength)}}}});
}

void EngineViewModel::setGain(double value) {
    edit({{QStringLiteral("engine"),
           QJsonObject{{QStringLiteral("gain"), std::clamp(value, 0.0, double(dsp::kMaxGain))}}}});
}

void EngineViewModel::setBandSplit(bool on) {
    edit({{QStringLiteral("engine"), QJsonObject{{QStringLiteral("band_split"), on}}}});
}

void EngineViewModel::setStrategy(int index) {
    if (index < 0 || index >= kStrategies.size()) return;
    edit({{QStringLiteral("downmix"),
           QJsonObject{{QStringLiteral("strategy"), kStrategies.at(index)}}}});
}

void EngineViewModel::setAmplitude(int channel, double value) {
    if (channel < 0 || channel >= dsp::kFieldChannels) return;
    // The API takes the eight amplitudes together: the others as the latest document has them.
    if (document_.isEmpty()) return;  // nothing to keep the others from yet
    const QList<double> now = amplitudes();
    QJsonArray list;
    for (int k = 0; k < dsp::kFieldChannels; ++k)
        list.append(k == channel ? std::clamp(value, 0.0, 1.0) : now.at(k));
    edit({{QStringLiteral("engine"), QJsonObject{{QStringLiteral("amplitudes"), list}}}});
}

void EngineViewModel::edit(const QJsonObject& patch) {
    // Only the fields the operator moved are in the patch, applied to the live settings in one
    // lock scope, so an API client's concurrent change to another field survives. PUT answers
    // the document after the change.
    backend_.send("PUT", QStringLiteral("/api/engine"), patch, this,
                  [this](const BackendReply& reply) {
                      if (reply.ok()) show(reply.object());
                  });
}

}  // namespace soundlab
