#include "EngineViewModel.h"

#include <QJsonArray>

#include <algorithm>

namespace soundlab {

namespace {
constexpr dsp::DownmixStrategy kStrategies[] = {
    dsp::DownmixStrategy::Spatial, dsp::DownmixStrategy::Energy, dsp::DownmixStrategy::Linear,
    dsp::DownmixStrategy::Phi};
}

EngineViewModel::EngineViewModel(GuiApiClient& api, QObject* parent)
    : QObject(parent), api_(api), engine_(api.engine()) {
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &EngineViewModel::refresh);
    timer_.start();
    refresh();
}

QStringList EngineViewModel::strategies() const {
    QStringList names;
    for (dsp::DownmixStrategy s : kStrategies) {
        const std::string_view name = dsp::toString(s);
        names << QString::fromLatin1(name.data(), qsizetype(name.size()));
    }
    return names;
}

QList<double> EngineViewModel::frequencies() const {
    return {parameters_.frequencies.begin(), parameters_.frequencies.end()};
}

QList<double> EngineViewModel::amplitudes() const {
    return {parameters_.amplitudes.begin(), parameters_.amplitudes.end()};
}

QString EngineViewModel::implementation() const {
    const std::string_view name = dsp::toString(engine_.implementation());
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
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
    if (index < 0 || index >= int(std::size(kStrategies))) return;
    edit({{QStringLiteral("downmix"),
           QJsonObject{{QStringLiteral("strategy"), strategies().at(index)}}}});
}

void EngineViewModel::setAmplitude(int channel, double value) {
    if (channel < 0 || channel >= dsp::kFieldChannels) return;
    // The API takes the eight amplitudes together: the others as they are now.
    QJsonArray amplitudes;
    const dsp::EngineParameters now = engine_.settings().engine;
    for (int k = 0; k < dsp::kFieldChannels; ++k)
        amplitudes.append(k == channel ? std::clamp(value, 0.0, 1.0)
                                       : double(now.amplitudes[size_t(k)]));
    edit({{QStringLiteral("engine"), QJsonObject{{QStringLiteral("amplitudes"), amplitudes}}}});
}

void EngineViewModel::edit(const QJsonObject& patch) {
    // Only the fields the operator moved are in the patch, applied to the live settings in one
    // lock scope, so an API client's concurrent change to another field survives.
    api_.updateEngine(patch);
    refresh();
}

void EngineViewModel::refresh() {
    const DspSettings settings = engine_.settings();
    parameters_ = settings.engine;
    downmix_ = settings.downmix;
    orderParameter_ = engine_.orderParameter();
    emit changed();
}

}  // namespace soundlab
