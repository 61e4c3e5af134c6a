#include "EngineViewModel.h"

#include <algorithm>

namespace soundlab {

namespace {
constexpr dsp::DownmixStrategy kStrategies[] = {
    dsp::DownmixStrategy::Spatial, dsp::DownmixStrategy::Energy, dsp::DownmixStrategy::Linear,
    dsp::DownmixStrategy::Phi};
}

EngineViewModel::EngineViewModel(AudioEngine& engine, QObject* parent)
    : QObject(parent), engine_(engine) {
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

void EngineViewModel::setCouplingStrength(double value) {
    edit([value](DspSettings& s) {
        s.engine.couplingStrength = float(std::clamp(value, 0.0, dsp::kMaxCouplingStrength));
    });
}

void EngineViewModel::setGain(double value) {
    edit([value](DspSettings& s) { s.engine.gain = float(std::clamp(value, 0.0, dsp::kMaxGain)); });
}

void EngineViewModel::setBandSplit(bool on) {
    edit([on](DspSettings& s) { s.engine.bandSplit = on; });
}

void EngineViewModel::setStrategy(int index) {
    if (index < 0 || index >= int(std::size(kStrategies))) return;
    edit([index](DspSettings& s) { s.downmix.strategy = kStrategies[index]; });
}

void EngineViewModel::setAmplitude(int channel, double value) {
    if (channel < 0 || channel >= dsp::kFieldChannels) return;
    edit([channel, value](DspSettings& s) {
        s.engine.amplitudes[size_t(channel)] = float(std::clamp(value, 0.0, 1.0));
    });
}

void EngineViewModel::edit(const std::function<void(DspSettings&)>& change) {
    // Only the field the operator moved changes, applied to the live settings in one lock scope
    // (the same AudioEngine::updateSettings as PUT /api/engine), so an API client's concurrent
    // change to another field survives. Values are clamped above, so the engine accepts them.
    engine_.updateSettings([&](DspSettings& s) {
        change(s);
        return std::vector<dsp::ParameterError>();
    });
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
